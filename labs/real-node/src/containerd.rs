//! A private containerd with the CRI plugin, all of its state in one
//! directory (`/run/real-node-<pid>`), removed with everything it started.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::cleanup;
use crate::config::{self, BRIDGE, CNI_BIN_DIR, Layout};
use crate::cri::Cri;
use crate::error::{Error, Result};

/// Where instances live, and the prefix of their directories.
pub const PARENT_DIR: &str = "/run";
pub const DIR_PREFIX: &str = "real-node-";

/// Checks what a private containerd needs, saying how to get what is missing.
pub fn prerequisites() -> Result<()> {
    if !nix::unistd::geteuid().is_root() {
        return Err(Error::missing(
            "containerd's CRI plugin needs root",
            "run as root",
        ));
    }
    for (tool, package) in [
        ("containerd", "containerd"),
        ("ctr", "containerd"),
        ("runc", "runc"),
        ("containerd-shim-runc-v2", "containerd"),
    ] {
        if which(tool).is_none() {
            return Err(Error::missing(
                format!("{tool} is missing"),
                format!("apt-get install -y {package}"),
            ));
        }
    }
    let missing = config::missing_cni_plugins(Path::new(CNI_BIN_DIR));
    if !missing.is_empty() {
        return Err(Error::missing(
            format!("CNI plugins {missing:?} are missing from {CNI_BIN_DIR}"),
            "apt-get install -y containernetworking-plugins",
        ));
    }
    Ok(())
}

/// The path of `tool` in `$PATH`.
pub fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(tool))
            .find(|path| path.is_file())
    })
}

/// A running private containerd.
pub struct PrivateContainerd {
    pub layout: Layout,
    child: Option<Child>,
}

impl PrivateContainerd {
    /// Cleans up after earlier runs that died, then starts an instance in
    /// `/run/real-node-<our pid>` and waits until its socket answers Version.
    pub fn start(sandbox_image: &str) -> Result<PrivateContainerd> {
        for stale in cleanup::stale_dirs(Path::new(PARENT_DIR), DIR_PREFIX) {
            let layout = Layout::new(&stale);
            cleanup::sweep(&stale, Some(layout.cgroup_parent().trim_start_matches('/')));
        }
        let dir = Path::new(PARENT_DIR).join(format!("{DIR_PREFIX}{}", std::process::id()));
        let layout = Layout::new(&dir);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(layout.cni_conf_dir()).map_err(Error::io("create", &dir))?;
        let write =
            |path: PathBuf, text: String| fs::write(&path, text).map_err(Error::io("write", path));
        write(
            layout.config(),
            config::containerd_toml(&layout, sandbox_image),
        )?;
        write(
            layout.cni_conf_dir().join("10-real-node.conflist"),
            config::cni_conflist(&layout),
        )?;
        let mut instance = PrivateContainerd {
            layout,
            child: None,
        };
        instance.child = Some(instance.spawn()?);
        instance.wait_ready()?;
        Ok(instance)
    }

    fn spawn(&self) -> Result<Child> {
        let log =
            fs::File::create(self.layout.log()).map_err(Error::io("create", self.layout.log()))?;
        let err = log
            .try_clone()
            .map_err(Error::io("reopen", self.layout.log()))?;
        let mut command = Command::new("containerd");
        command
            .arg("--config")
            .arg(self.layout.config())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err);
        // containerd dies with us even if we are killed; the shims it
        // starts outlive it, and `cleanup::sweep` finds them by our path.
        // The spawning thread must outlive the child for this to hold, so
        // spawn from a thread that parks for the rest of the process.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // SAFETY: prctl is async-signal-safe; nothing else runs here.
            unsafe {
                std::os::unix::process::CommandExt::pre_exec(&mut command, || {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
            let _ = tx.send(command.spawn());
            loop {
                std::thread::park();
            }
        });
        let fix = "apt-get install -y containerd";
        rx.recv()
            .map_err(|e| Error::spawn("containerd", fix)(std::io::Error::other(e)))?
            .map_err(Error::spawn("containerd", fix))
    }

    fn wait_ready(&mut self) -> Result<()> {
        const WAIT: Duration = Duration::from_secs(30);
        let socket = self.layout.socket();
        let ready = nsproc::wait_until(WAIT, "containerd to answer", || {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                return Some(Err(status));
            }
            let mut cri = Cri::connect(&socket).ok()?;
            cri.version().ok().map(|_| Ok(()))
        });
        match ready {
            Ok(Ok(())) => Ok(()),
            Ok(Err(status)) => Err(Error::Exited {
                status,
                log: self.log_tail(),
            }),
            Err(_) => Err(Error::NotReady {
                waited: WAIT,
                log: self.log_tail(),
            }),
        }
    }

    /// The last lines containerd logged, for error messages.
    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(self.layout.log()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    pub fn socket(&self) -> PathBuf {
        self.layout.socket()
    }

    pub fn connect(&self) -> Result<Cri> {
        Cri::connect(&self.socket())
    }

    /// `ctr` against this instance, in the CRI's namespace `k8s.io`.
    pub fn ctr(&self, args: &[&str]) -> Result<String> {
        let out = Command::new("ctr")
            .arg("--address")
            .arg(self.socket())
            .args(["--namespace", "k8s.io"])
            .args(args)
            .output()
            .map_err(Error::spawn("ctr", "apt-get install -y containerd"))?;
        if !out.status.success() {
            return Err(Error::failed("ctr", args, &out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Imports a `docker save` tarball and names the image `name`.
    pub fn import(&self, tarball: &Path, imported_as: &str, name: &str) -> Result<()> {
        self.ctr(&["images", "import", &tarball.to_string_lossy()])?;
        if imported_as != name {
            self.ctr(&["images", "tag", "--force", imported_as, name])?;
            self.ctr(&["images", "rm", imported_as])?;
        }
        Ok(())
    }

    /// Stops and removes every pod through CRI (so CNI releases addresses
    /// and veths), stops containerd, then sweeps what may remain.
    pub fn stop(&mut self) {
        if let Ok(mut cri) = self.connect() {
            for pod in cri.list_pod_sandbox().unwrap_or_default() {
                let _ = cri.remove_pod_sandbox(&pod.id);
            }
        }
        if let Some(mut child) = self.child.take() {
            let pid = nix::unistd::Pid::from_raw(child.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            let exited = nsproc::wait_until(Duration::from_secs(10), "containerd to exit", || {
                child.try_wait().ok().flatten()
            });
            if exited.is_err() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let name = self.layout.cgroup_parent();
        cleanup::sweep(&self.layout.dir, Some(name.trim_start_matches('/')));
        let _ = cleanup::delete_link(BRIDGE);
    }
}

impl Drop for PrivateContainerd {
    fn drop(&mut self) {
        self.stop();
    }
}
