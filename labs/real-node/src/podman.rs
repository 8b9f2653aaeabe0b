//! A private Podman: its own storage (`--root`, `--runroot`), its own
//! containers.conf (`CONTAINERS_CONF`) naming our pause as the infra image,
//! and its own CNI network, all under `/run/real-node-podman-<pid>`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cleanup;
use crate::error::{Error, Result};

pub const BRIDGE: &str = "rnodep0";
pub const SUBNET: &str = "10.216.0.0/24";
pub const NETWORK: &str = "real-node-podman";
pub const DIR_PREFIX: &str = "real-node-podman-";

/// Podman must be installed, and we must be root (rootful, like a node).
pub fn prerequisites() -> Result<()> {
    if !nix::unistd::geteuid().is_root() {
        return Err(Error::missing(
            "the Podman tests run rootful and need root",
            "run as root",
        ));
    }
    if crate::containerd::which("podman").is_none() {
        return Err(Error::missing(
            "podman is missing",
            "apt-get install -y podman",
        ));
    }
    Ok(())
}

/// containers.conf of the private Podman.
pub fn containers_conf(dir: &Path, infra_image: &str) -> String {
    let d = dir.display();
    format!(
        r#"# A private Podman for the pause book's real-node lab.
[containers]
# Without CAP_SYS_RESOURCE runc cannot raise RLIMIT_NOFILE or RLIMIT_NPROC
# above what it inherits (Podman's defaults would): ask for less.
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

# ANCHOR: infra-image
[engine]
infra_image = "{infra_image}"
# ANCHOR_END: infra-image
cgroup_manager = "cgroupfs"
events_logger = "none"
tmp_dir = "{d}/tmp"
runtime = "runc"

[network]
network_backend = "cni"
cni_plugin_dirs = ["/usr/lib/cni"]
network_config_dir = "{d}/net.d"
default_network = "{NETWORK}"
default_subnet = "{SUBNET}"
"#
    )
}

/// storage.conf: every tool Podman calls (the image builder too) keeps its
/// images and layers with us, not in /var/lib/containers.
pub fn storage_conf(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "[storage]\ndriver = \"overlay\"\ngraphroot = \"{d}/root\"\nrunroot = \"{d}/runroot\"\n"
    )
}

/// The network Podman puts pods on: a bridge of ours, with port mapping
/// for `hostPort`.
pub fn conflist(dir: &Path) -> String {
    serde_json::json!({
        "cniVersion": "0.4.0",
        "name": NETWORK,
        "plugins": [
            {
                "type": "bridge",
                "bridge": BRIDGE,
                "isGateway": true,
                "ipMasq": true,
                "hairpinMode": true,
                "ipam": {
                    "type": "host-local",
                    "routes": [{ "dst": "0.0.0.0/0" }],
                    "ranges": [[{ "subnet": SUBNET, "gateway": "10.216.0.1" }]],
                    "dataDir": dir.join("cni-ipam"),
                }
            },
            { "type": "portmap", "capabilities": { "portMappings": true } },
            { "type": "firewall" },
            { "type": "tuning" }
        ]
    })
    .to_string()
}

/// Where the image library keeps its blob-info cache for root whatever
/// `--root` says (Podman 4.3 has no setting for it).
pub const BLOB_CACHE_DIR: &str = "/var/lib/containers";

/// A private Podman, removed with everything in it when dropped.
pub struct PrivatePodman {
    pub dir: PathBuf,
    /// Whether we created /var/lib/containers (then we remove it too).
    created_blob_cache: bool,
}

impl PrivatePodman {
    pub fn new(infra_image: &str) -> Result<PrivatePodman> {
        for stale in cleanup::stale_dirs(Path::new("/run"), DIR_PREFIX) {
            cleanup::sweep(&stale, None);
        }
        let dir = PathBuf::from(format!("/run/{DIR_PREFIX}{}", std::process::id()));
        let podman = PrivatePodman {
            dir,
            created_blob_cache: !Path::new(BLOB_CACHE_DIR).exists(),
        };
        for sub in ["root", "runroot", "tmp", "net.d"] {
            let path = podman.dir.join(sub);
            fs::create_dir_all(&path).map_err(Error::io("create", path))?;
        }
        let write =
            |path: PathBuf, text: String| fs::write(&path, text).map_err(Error::io("write", path));
        write(podman.conf(), containers_conf(&podman.dir, infra_image))?;
        write(podman.storage_conf(), storage_conf(&podman.dir))?;
        write(
            podman.dir.join("net.d").join(format!("{NETWORK}.conflist")),
            conflist(&podman.dir),
        )?;
        Ok(podman)
    }

    pub fn conf(&self) -> PathBuf {
        self.dir.join("containers.conf")
    }

    pub fn storage_conf(&self) -> PathBuf {
        self.dir.join("storage.conf")
    }

    /// `podman` with our storage and our containers.conf.
    pub fn command(&self) -> Command {
        let mut command = Command::new("podman");
        command
            .env("CONTAINERS_CONF", self.conf())
            .env("CONTAINERS_STORAGE_CONF", self.storage_conf())
            .arg("--root")
            .arg(self.dir.join("root"))
            .arg("--runroot")
            .arg(self.dir.join("runroot"))
            .arg("--cgroup-manager")
            .arg("cgroupfs");
        command
    }

    /// Runs `podman args`; returns stdout and stderr merged, or why it failed.
    pub fn run(&self, args: &[&str]) -> Result<String> {
        let out = self
            .command()
            .args(args)
            .output()
            .map_err(Error::spawn("podman", "apt-get install -y podman"))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.success() {
            Ok(text)
        } else {
            Err(Error::failed("podman", args, text.as_bytes()))
        }
    }

    /// `podman build` of a context directory as `name`.
    pub fn build(&self, context: &Path, name: &str) -> Result<()> {
        let dir = context.to_string_lossy();
        self.run(&["build", "--quiet", "--tag", name, &dir])
            .map(|_| ())
    }

    /// `podman kube play` of a manifest, on our network (by default 4.3
    /// would create a `podman-default-kube-network` of its own).
    pub fn kube_play(&self, yaml: &Path) -> Result<String> {
        self.run(&[
            "kube",
            "play",
            "--network",
            NETWORK,
            &yaml.to_string_lossy(),
        ])
    }

    /// Removes every pod, container and image, then the storage itself.
    pub fn stop(&mut self) {
        let _ = self.run(&["pod", "rm", "--all", "--force"]);
        let _ = self.run(&["rm", "--all", "--force"]);
        let _ = self.run(&["rmi", "--all", "--force"]);
        cleanup::sweep(&self.dir, None);
        let _ = cleanup::delete_link(BRIDGE);
        if self.created_blob_cache {
            let _ = fs::remove_dir_all(BLOB_CACHE_DIR);
        }
    }
}

impl Drop for PrivatePodman {
    fn drop(&mut self) {
        self.stop();
    }
}
