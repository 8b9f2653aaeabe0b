//! The files of a private containerd: its config.toml and its CNI network.
//!
//! Everything points into one directory of its own, so the instance never
//! meets the system's containerd or Docker's: its own root and state, its own
//! socket, runc's state under the state directory, the pods' network
//! namespaces bind-mounted under the state directory too, and a bridge and a
//! subnet no one else uses.

use std::path::{Path, PathBuf};

/// The bridge our pods are plugged into, and its subnet.
pub const BRIDGE: &str = "rnode0";
pub const SUBNET: &str = "10.215.0.0/24";

/// The CNI plugins Debian's `containernetworking-plugins` installs.
pub const CNI_BIN_DIR: &str = "/usr/lib/cni";

/// The name the sandbox image carries inside the private containerd.
pub fn sandbox_image() -> String {
    format!("localhost/pause-rs:{}", env!("CARGO_PKG_VERSION"))
}

/// The paths of one private instance, all under `dir`.
#[derive(Debug, Clone)]
pub struct Layout {
    pub dir: PathBuf,
}

impl Layout {
    pub fn new(dir: impl Into<PathBuf>) -> Layout {
        Layout { dir: dir.into() }
    }
    pub fn root(&self) -> PathBuf {
        self.dir.join("root")
    }
    pub fn state(&self) -> PathBuf {
        self.dir.join("state")
    }
    pub fn socket(&self) -> PathBuf {
        self.dir.join("containerd.sock")
    }
    pub fn config(&self) -> PathBuf {
        self.dir.join("config.toml")
    }
    pub fn cni_conf_dir(&self) -> PathBuf {
        self.dir.join("cni")
    }
    pub fn log(&self) -> PathBuf {
        self.dir.join("containerd.log")
    }
    /// Where runc keeps its state (`--root`): under the state directory.
    pub fn runc_root(&self) -> PathBuf {
        self.state().join("runc")
    }
    /// The cgroup parent of every pod we start (one per instance).
    pub fn cgroup_parent(&self) -> String {
        let name = self.dir.file_name().map_or_else(
            || "real-node".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        format!("/{name}")
    }
}

/// containerd 1.6's config (version 2) for the instance at `layout`.
pub fn containerd_toml(layout: &Layout, sandbox_image: &str) -> String {
    let p = |path: PathBuf| path.display().to_string();
    format!(
        r#"# A private containerd for the pause book's real-node lab.
version = 2
root = "{root}"
state = "{state}"
# Storage drivers we do not use would only log errors here.
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "{socket}"

[ttrpc]
  address = "{socket}.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "{dir}/opt"

# ANCHOR: sandbox-image
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{sandbox_image}"
  # ANCHOR_END: sandbox-image
  # The VM lacks CAP_SYS_RESOURCE: runc could not lower oom_score_adj.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{cni_bin}"
    conf_dir = "{cni_conf}"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "{runc_root}"
"#,
        root = p(layout.root()),
        state = p(layout.state()),
        socket = p(layout.socket()),
        dir = p(layout.dir.clone()),
        cni_bin = CNI_BIN_DIR,
        cni_conf = p(layout.cni_conf_dir()),
        runc_root = p(layout.runc_root()),
    )
}

/// The CNI network: a bridge with host-local addresses (kept under `dir`,
/// not in /var/lib/cni) and loopback. No masquerading: nothing leaves.
pub fn cni_conflist(layout: &Layout) -> String {
    let ipam_dir = layout.dir.join("cni-ipam");
    serde_json::json!({
        "cniVersion": "0.4.0",
        "name": "real-node",
        "plugins": [
            {
                "type": "bridge",
                "bridge": BRIDGE,
                "isGateway": true,
                "ipMasq": false,
                "ipam": {
                    "type": "host-local",
                    "ranges": [[{ "subnet": SUBNET }]],
                    "dataDir": ipam_dir,
                }
            },
            { "type": "loopback" }
        ]
    })
    .to_string()
}

/// The CNI plugins the network needs, each checked to exist.
pub fn missing_cni_plugins(bin_dir: &Path) -> Vec<String> {
    ["bridge", "host-local", "loopback"]
        .into_iter()
        .filter(|plugin| !bin_dir.join(plugin).is_file())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_of_the_config_is_under_the_instance_dir() {
        let layout = Layout::new("/run/real-node-42");
        let text = containerd_toml(&layout, "localhost/pause-rs:x");
        let value: toml::Value = toml::from_str(&text).expect("valid TOML");
        let cri = &value["plugins"]["io.containerd.grpc.v1.cri"];
        assert_eq!(value["root"].as_str(), Some("/run/real-node-42/root"));
        assert_eq!(value["state"].as_str(), Some("/run/real-node-42/state"));
        assert_eq!(
            value["grpc"]["address"].as_str(),
            Some("/run/real-node-42/containerd.sock")
        );
        assert_eq!(cri["sandbox_image"].as_str(), Some("localhost/pause-rs:x"));
        assert_eq!(cri["netns_mounts_under_state_dir"].as_bool(), Some(true));
        assert_eq!(
            cri["containerd"]["runtimes"]["runc"]["options"]["Root"].as_str(),
            Some("/run/real-node-42/state/runc")
        );
        assert_eq!(layout.cgroup_parent(), "/real-node-42");
    }

    #[test]
    fn the_network_uses_our_bridge_and_keeps_its_leases_with_us() {
        let layout = Layout::new("/run/real-node-42");
        let value: serde_json::Value = serde_json::from_str(&cni_conflist(&layout)).unwrap();
        let bridge = &value["plugins"][0];
        assert_eq!(bridge["bridge"], BRIDGE);
        assert_eq!(bridge["ipam"]["ranges"][0][0]["subnet"], SUBNET);
        assert_eq!(bridge["ipam"]["dataDir"], "/run/real-node-42/cni-ipam");
    }
}
