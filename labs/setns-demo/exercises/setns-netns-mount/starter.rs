//! Keeping a network namespace alive without a process in it, as containerd
//! does for every pod (and `ip netns attach NAME PID` by hand): a bind mount
//! of `/proc/<pid>/ns/net` on a file under `/run/netns`. A namespace lives
//! as long as something refers to it (a process, an open descriptor, a
//! mount); the mount is a reference that outlives every process.
//!
//! Exercise: write `attach` and `detach` (the TODOs below). Check them with
//! `cargo xtask exercise check setns-netns-mount`. It needs root: the mount is
//! made in the caller's mount namespace.

#[allow(unused_imports)]
use std::fs::File;
use std::path::{Path, PathBuf};

#[allow(unused_imports)]
use nix::mount::{MntFlags, MsFlags, mount, umount2};

#[allow(unused_imports)]
use crate::error::{Error, Result};

/// Where `ip netns` (and containerd, under /var/run, a link to /run) keep them.
pub const NETNS_DIR: &str = "/run/netns";

/// The file that holds the network namespace called `name`.
pub fn path_of(name: &str) -> PathBuf {
    Path::new(NETNS_DIR).join(name)
}

// ANCHOR: attach
/// Holds the network namespace of process `pid` under `/run/netns/<name>`,
/// so that it survives the process; returns the file that holds it.
pub fn attach(pid: i32, name: &str) -> Result<PathBuf> {
    // TODO: make `path_of(name)` hold the network namespace of `pid`.
    // - Which file names that namespace? (`ls -l /proc/self/ns`)
    // - A link to it dies with the process; what kind of reference does
    //   not? (`ip netns attach`, and containerd, use the same one.)
    // - It needs something to sit on: make NETNS_DIR and an empty file.
    // - On failure, leave nothing behind, and say what to check.
    let _ = pid;
    todo!("hold the namespace under {}", path_of(name).display())
}

/// Lets the namespace go: unmount, then remove the file. The kernel frees
/// the namespace once nothing else (a process, a descriptor) holds it.
pub fn detach(name: &str) -> Result<()> {
    // TODO: undo `attach`. Can you remove a file that is a mount point?
    todo!("let {} go", path_of(name).display())
}
// ANCHOR_END: attach
