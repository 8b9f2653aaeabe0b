//! Rootless mode, checked as user `nobody` when the tests run as root (run
//! as any other user, every test of the lab is already rootless). A pod
//! then lives in a user namespace that maps `nobody` to root, as rootless
//! Podman's do, and gets loopback only: the host end of a veth pair needs
//! CAP_NET_ADMIN in the host's network namespace, which `nobody` lacks.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

const NOBODY: u32 = 65534;

/// Copies of the binaries that `nobody` runs, in a directory it can reach:
/// the checkout itself may sit below a directory only root may enter (a CI
/// clone in `mktemp -d`, or /root). Removed when dropped.
struct NobodysBins {
    dir: PathBuf,
    cli: PathBuf,
    pause: PathBuf,
    blog: PathBuf,
}

impl NobodysBins {
    fn new() -> Result<Self, String> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("setns-demo-nobody-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        // The guard exists from here on, so a failed copy removes the directory.
        let mut bins = NobodysBins {
            dir,
            cli: PathBuf::new(),
            pause: PathBuf::new(),
            blog: PathBuf::new(),
        };
        let make_reachable = |path: &Path, mode: u32| {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| format!("chmod {}: {e}", path.display()))
        };
        make_reachable(&bins.dir, 0o755)?;
        let copy = |dir: &Path, from: &Path| -> Result<PathBuf, String> {
            let to = dir.join(from.file_name().unwrap());
            std::fs::copy(from, &to).map_err(|e| format!("copy {}: {e}", from.display()))?;
            make_reachable(&to, 0o755)?;
            Ok(to)
        };
        // nobody's $XDG_RUNTIME_DIR, so that its state goes with this
        // directory (not into /tmp/setns-demo-65534, left behind).
        let run = bins.dir.join("run");
        std::fs::create_dir(&run).map_err(|e| format!("create {}: {e}", run.display()))?;
        std::os::unix::fs::chown(&run, Some(NOBODY), Some(NOBODY))
            .map_err(|e| format!("chown {}: {e}", run.display()))?;
        make_reachable(&run, 0o700)?;
        bins.cli = copy(&bins.dir, Path::new(BIN))?;
        bins.pause = copy(&bins.dir, &pause_binary())?;
        bins.blog = copy(&bins.dir, &tiny_blog())?;
        Ok(bins)
    }

    /// `setns-demo ARGS` as user nobody, with a clean environment.
    fn as_nobody(&self, args: &[&str]) -> Output {
        Command::new(&self.cli)
            .args(args)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
            .env("HOME", "/")
            .env("XDG_RUNTIME_DIR", self.dir.join("run"))
            .env("SETNS_DEMO_PAUSE", &self.pause)
            .uid(NOBODY)
            .gid(NOBODY)
            .stdin(Stdio::null())
            .output()
            .expect("run setns-demo as nobody")
    }
}

impl Drop for NobodysBins {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn prerequisites() -> Option<NobodysBins> {
    let check = if !nix::unistd::geteuid().is_root() {
        Err("not root: the other tests already run rootless".to_string())
    } else {
        NobodysBins::new()
    };
    testkit::require("root, to switch to nobody", check)
}

struct NobodysPod<'a>(&'a NobodysBins, String);

impl Drop for NobodysPod<'_> {
    fn drop(&mut self) {
        let _ = self.0.as_nobody(&["rm", &self.1]);
    }
}

#[test]
fn a_rootless_pod_shares_namespaces_and_publishes_without_a_veth() {
    if !can_make_pods() {
        return;
    }
    let Some(bins) = prerequisites() else { return };
    let name = unique_name("rootless");
    let port = free_port();
    let run = bins.as_nobody(&[
        "run",
        &name,
        "--hostname",
        "rootless-pod",
        "--publish",
        &format!("{port}:2368"),
    ]);
    let pod = NobodysPod(&bins, name.clone());
    assert!(run.status.success(), "{run:?}");
    assert!(stdout(&run).contains("loopback only"), "{}", stdout(&run));

    // pause runs as nobody on the host, in a user namespace of its own.
    let pause: i32 = stdout(&run)
        .split("pause is PID ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .expect("pause's PID");
    let status = nsproc::procfs::status(pause).unwrap();
    assert_ne!(
        inode(pause, "user"),
        inode(std::process::id() as i32, "user")
    );
    let uid = std::fs::read_to_string(format!("/proc/{pause}/status")).unwrap();
    assert!(uid.lines().any(|l| l.starts_with("Uid:\t65534\t")), "{uid}");
    assert_eq!(status.nspid.last(), Some(&1));

    // Inside, the member is root of the pod's user namespace, sees the
    // pod's hostname, and has loopback only.
    let exec = bins.as_nobody(&[
        "exec",
        &name,
        "--",
        "sh",
        "-c",
        "id -u; hostname; ip -br link",
    ]);
    assert!(exec.status.success(), "{exec:?}");
    let text = stdout(&exec);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "0");
    assert_eq!(lines[1], "rootless-pod");
    assert_eq!(lines.len(), 3, "only lo: {text}");
    assert!(lines[2].starts_with("lo "), "{text}");

    // --publish works: the forwarder joined the pod's user and net namespaces.
    let start = bins.as_nobody(&["exec", "--detach", &name, "--", bins.blog.to_str().unwrap()]);
    assert!(start.status.success(), "{start:?}");
    wait_for_page(port, "<title>tiny-blog");

    let rm = bins.as_nobody(&["rm", &name]);
    assert!(rm.status.success(), "{rm:?}");
    assert!(!bins.dir.join("run/setns-demo").join(&name).exists());
    let gone = setns_demo::process::ProcessId::of(pause).is_none_or(|p| !p.is_alive());
    assert!(gone, "pause {pause} survived rm");
    drop(pod);
}

#[test]
fn nobody_cannot_join_a_pod_made_by_root() {
    if !can_make_pods() || !is_root() {
        return;
    }
    let Some(bins) = prerequisites() else { return };
    let pod = Pod::run("roots", &[]);
    // nobody cannot even read root's state directory entry as its own:
    // it has a state root of its own, so the pod is unknown to it...
    let exec = bins.as_nobody(&["exec", &pod.name, "--", "true"]);
    assert_eq!(exec.status.code(), Some(125), "{exec:?}");
    // ...and pointed at root's state, joining fails: setns needs
    // CAP_SYS_ADMIN in the namespace's owning user namespace.
    let exec = Command::new(&bins.cli)
        .args(["exec", &pod.name, "--", "true"])
        .env_clear()
        .env("SETNS_DEMO_STATE_DIR", "/run/setns-demo")
        .uid(NOBODY)
        .gid(NOBODY)
        .output()
        .unwrap();
    assert_eq!(exec.status.code(), Some(125), "{exec:?}");
    assert!(stderr(&exec).contains("setns-demo: "), "{}", stderr(&exec));
}
