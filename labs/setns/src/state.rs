//! Where pods live: one directory per pod under the state root, holding
//! `state.json` (what `run` made, so that `rm` can unmake it) and logs.
//!
//! The root is `$SETNS_DEMO_STATE_DIR` if set, else `/run/setns-demo` for
//! root, else `$XDG_RUNTIME_DIR/setns-demo`, else `/tmp/setns-demo-<uid>`.

use std::fs::File;
use std::io::ErrorKind;
use std::net::Ipv4Addr;
use std::path::PathBuf;

use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

use crate::error::{Context, Error, Result};
use crate::process::ProcessId;

pub const STATE_DIR_ENV: &str = "SETNS_DEMO_STATE_DIR";

/// The longest pod name we accept (it also becomes the default hostname).
pub const MAX_NAME_LEN: usize = 40;

/// Everything `run` made for a pod.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PodState {
    pub name: String,
    pub hostname: String,
    /// Created inside a user namespace of its own (not root).
    pub rootless: bool,
    pub pause: Option<ProcessId>,
    pub namespaces: Option<PodNamespaces>,
    pub network: Option<PodNetwork>,
    pub publish: Vec<Publish>,
    pub forwarder: Option<ProcessId>,
}

/// The inodes of the namespaces pause holds (so members can be found even
/// after pause is gone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodNamespaces {
    pub net: u64,
    pub ipc: u64,
    pub uts: u64,
    pub pid: u64,
}

/// The pod's veth pair: `host_if` on the host, `eth0` in the pod.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodNetwork {
    pub host_if: String,
    pub host_ip: Ipv4Addr,
    pub pod_ip: Ipv4Addr,
    pub prefix: u8,
    pub mac: String,
}

/// A host port forwarded into the pod.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publish {
    pub host_ip: Ipv4Addr,
    pub host_port: u16,
    pub pod_port: u16,
}

impl std::fmt::Display for Publish {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}->{}", self.host_ip, self.host_port, self.pod_port)
    }
}

/// The directory that holds every pod's directory.
pub fn state_root() -> PathBuf {
    if let Some(dir) = std::env::var_os(STATE_DIR_ENV) {
        return PathBuf::from(dir);
    }
    let uid = nix::unistd::geteuid();
    if uid.is_root() {
        return PathBuf::from("/run/setns-demo");
    }
    match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir).join("setns-demo"),
        _ => PathBuf::from(format!("/tmp/setns-demo-{uid}")),
    }
}

/// Checks that `name` is a plain directory name we are willing to use.
pub fn validate_name(name: &str) -> Result<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if name.len() > MAX_NAME_LEN || !starts_well || !name.chars().all(ok_char) {
        return Err(Error::new(format!(
            "invalid pod name {name:?}: use 1 to {MAX_NAME_LEN} letters, digits, '-', '_' \
             or '.', starting with a letter or digit"
        )));
    }
    Ok(())
}

/// The directory of pod `name` (validated first).
pub fn pod_dir(name: &str) -> Result<PathBuf> {
    validate_name(name)?;
    Ok(state_root().join(name))
}

/// An exclusive lock on the state root, held while pods are made or
/// unmade, so that two `run`s never pick the same address.
pub struct Lock(#[allow(dead_code)] Flock<File>);

pub fn lock() -> Result<Lock> {
    let root = state_root();
    std::fs::create_dir_all(&root)
        .context(|| format!("create the state directory {}", root.display()))?;
    let path = root.join(".lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .context(|| format!("open {}", path.display()))?;
    Flock::lock(file, FlockArg::LockExclusive)
        .map(Lock)
        .map_err(|(_, errno)| Error::new(format!("could not lock {}: {errno}", path.display())))
}

/// Creates the directory of a new pod; fails if the name is taken.
pub fn create(name: &str) -> Result<PathBuf> {
    let dir = pod_dir(name)?;
    match std::fs::create_dir(&dir) {
        Ok(()) => Ok(dir),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(Error::new(format!(
            "a pod named {name:?} already exists: pick another name, or remove it with \
             `setns-demo rm {name}`"
        ))),
        Err(e) => Err(Error::new(format!(
            "could not create {}: {e}",
            dir.display()
        ))),
    }
}

pub fn save(state: &PodState) -> Result<()> {
    let dir = pod_dir(&state.name)?;
    let path = dir.join("state.json");
    let tmp = dir.join("state.json.tmp");
    let text = serde_json::to_string_pretty(state).context(|| "encode the pod state".into())?;
    std::fs::write(&tmp, text).context(|| format!("write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).context(|| format!("write {}", path.display()))
}

pub fn load(name: &str) -> Result<PodState> {
    let path = pod_dir(name)?.join("state.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Error::new(format!(
                "no pod named {name:?}: list pods with `setns-demo ls`"
            )));
        }
        Err(e) => {
            return Err(Error::new(format!(
                "could not read {}: {e}",
                path.display()
            )));
        }
    };
    serde_json::from_str(&text).map_err(|e| {
        Error::new(format!(
            "the state of pod {name:?} ({}) is damaged: {e}; remove it with `setns-demo rm {name}`",
            path.display()
        ))
    })
}

/// The names of all pods, sorted.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(state_root())
        .map(|dir| {
            dir.filter_map(|e| {
                let e = e.ok()?;
                let name = e.file_name().into_string().ok()?;
                (e.path().is_dir() && validate_name(&name).is_ok()).then_some(name)
            })
            .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Removes the pod's directory and everything in it.
pub fn remove(name: &str) -> Result<()> {
    let dir = pod_dir(name)?;
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::new(format!(
            "could not remove {}: {e}",
            dir.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_stay_in_the_state_directory_are_accepted() {
        for name in ["web", "blog-1", "a.b_c", "x"] {
            validate_name(name).unwrap();
        }
    }

    #[test]
    fn names_that_escape_or_are_empty_or_too_long_are_refused() {
        let long = "a".repeat(MAX_NAME_LEN + 1);
        for name in [
            "",
            "..",
            "../x",
            "/",
            "a/b",
            ".hidden",
            "-flag",
            long.as_str(),
        ] {
            let err = validate_name(name).unwrap_err().to_string();
            assert!(err.contains("invalid pod name"), "{name}: {err}");
        }
    }
}
