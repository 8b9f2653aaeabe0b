//! Keeping a network namespace alive without a process in it, as containerd
//! does for every pod (and `ip netns attach NAME PID` by hand): a bind mount
//! of `/proc/<pid>/ns/net` on a file under `/run/netns`. A namespace lives
//! as long as something refers to it (a process, an open descriptor, a
//! mount); the mount is a reference that outlives every process.
//!
//! This is the module an exercise of the course has the student write; the
//! lab's tests check whichever version is here. It needs root: the mount is
//! made in the caller's mount namespace.

use std::fs::File;
use std::path::{Path, PathBuf};

use nix::mount::{MntFlags, MsFlags, mount, umount2};

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
    let target = path_of(name);
    std::fs::create_dir_all(NETNS_DIR)
        .map_err(|e| Error::new(format!("could not create {NETNS_DIR}: {e}; are you root?")))?;
    // A bind mount needs something to mount on: an empty file.
    File::options()
        .write(true)
        .create_new(true)
        .open(&target)
        .map_err(|e| {
            Error::new(format!(
                "could not create {}: {e}; is the name already taken?",
                target.display()
            ))
        })?;
    let source = format!("/proc/{pid}/ns/net");
    if let Err(e) = mount(
        Some(source.as_str()),
        &target,
        None::<&str>,
        MsFlags::MS_BIND,
        None::<&str>,
    ) {
        let _ = std::fs::remove_file(&target);
        return Err(Error::new(format!(
            "could not bind-mount {source} on {}: {e}; is process {pid} alive, and are you root?",
            target.display()
        )));
    }
    Ok(target)
}

/// Lets the namespace go: unmount, then remove the file. The kernel frees
/// the namespace once nothing else (a process, a descriptor) holds it.
pub fn detach(name: &str) -> Result<()> {
    let target = path_of(name);
    umount2(&target, MntFlags::MNT_DETACH)
        .map_err(|e| Error::new(format!("could not unmount {}: {e}", target.display())))?;
    std::fs::remove_file(&target)
        .map_err(|e| Error::new(format!("could not remove {}: {e}", target.display())))
}
// ANCHOR_END: attach
