//! Where pods live: one directory per pod under the state root, holding
//! `state.json` (what `run` made, so that `rm` can unmake it) and logs.
//!
//! The root is `$SETNS_DEMO_STATE_DIR` if set, else `/run/setns-demo` for
//! root, else `$XDG_RUNTIME_DIR/setns-demo`, else `/tmp/setns-demo-<uid>`.
//! Whichever it is, it must be ours and private (see [`files`]).

use std::io::{ErrorKind, Read, Write};
use std::net::Ipv4Addr;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;

use nsproc::error::Context;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files;
use crate::lock::{self, Lock};
use crate::process::ProcessId;

/// Set in the environment of pause and the forwarder to the pod's
/// directory: the proof, readable in /proc/PID/environ, that a process was
/// started for that pod, even when its state is lost.
pub const POD_MARKER_ENV: &str = "SETNS_DEMO_POD";

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
    /// Set once `run` has finished: until then the pod is being made (or
    /// its `run` was killed part-way) and only `rm` may touch it.
    #[serde(default)]
    pub ready: bool,
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

/// The state root, made (0700) if needed and checked to be ours.
pub fn root() -> Result<PathBuf> {
    let root = state_root();
    files::secure_dir(&root)?;
    Ok(root)
}

/// An exclusive lock on the state root, held while pods are made or
/// unmade, so that two `run`s never pick the same address.
pub fn lock() -> Result<Lock> {
    lock::acquire(&root()?.join(".lock"))
}

/// Creates the directory (0700) of a new pod; fails if the name is taken.
pub fn create(name: &str) -> Result<PathBuf> {
    root()?;
    let dir = pod_dir(name)?;
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
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
    let path = pod_dir(&state.name)?.join("state.json");
    let text = serde_json::to_string_pretty(state).context(|| "encode the pod state".into())?;
    files::write_atomic(&path, &text)
}

/// The existing state root, checked; None if there is none yet.
fn existing_root() -> Result<Option<PathBuf>> {
    let root = state_root();
    match std::fs::symlink_metadata(&root) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        _ => files::check_dir(&root).map(|()| Some(root)),
    }
}

pub fn load(name: &str) -> Result<PodState> {
    let path = pod_dir(name)?.join("state.json");
    let no_pod = || {
        Error::new(format!(
            "no pod named {name:?}: list pods with `setns-demo ls`"
        ))
    };
    if existing_root()?.is_none() {
        return Err(no_pod());
    }
    let mut text = String::new();
    match files::open_read(&path).and_then(|mut f| f.read_to_string(&mut text)) {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(no_pod());
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
            "the state of pod {name:?} ({}) is damaged: {e}",
            path.display()
        ))
    })
}

/// The names of all pods, sorted.
pub fn names() -> Vec<String> {
    let Ok(Some(root)) = existing_root() else {
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map(|dir| {
            dir.filter_map(|e| {
                let e = e.ok()?;
                let name = e.file_name().into_string().ok()?;
                // file_type() does not follow links: a planted link is no pod.
                (e.file_type().ok()?.is_dir() && validate_name(&name).is_ok()).then_some(name)
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

/// Appends a member started by `exec` to the pod's record, so that `rm`
/// can find it by PID and start time even after pause is gone.
pub fn record_member(name: &str, member: ProcessId) -> Result<()> {
    let path = pod_dir(name)?.join("members");
    let mut file = files::open_append(&path)?;
    // One short write per line: O_APPEND keeps concurrent lines whole.
    file.write_all(format!("{} {}\n", member.pid, member.started).as_bytes())
        .context(|| format!("write {}", path.display()))?;
    Ok(())
}

/// The members `exec` recorded (dead ones included).
pub fn recorded_members(name: &str) -> Vec<ProcessId> {
    let Ok(path) = pod_dir(name).map(|d| d.join("members")) else {
        return Vec::new();
    };
    let mut text = String::new();
    let _ = files::open_read(&path).and_then(|mut f| f.read_to_string(&mut text));
    text.lines()
        .filter_map(|line| {
            let (pid, started) = line.split_once(' ')?;
            Some(ProcessId {
                pid: pid.parse().ok()?,
                started: started.trim().parse().ok()?,
            })
        })
        .collect()
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
