//! The heart of the lab: joining the namespaces that pause holds, which is
//! what `docker run --net=container:pause --ipc=... --pid=...` and a CRI
//! runtime do for every container of a pod.
//!
//! Joining takes two steps, so that the second can run between `fork` and
//! `exec` (where a child of a threaded program may not allocate): [`open`]
//! opens `/proc/<pause>/ns/<kind>` for each kind, [`Joins::enter`] calls
//! `setns(2)` on each file and nothing else.
//!
//! Exercise: fill in the TODOs of `open` and `enter`. Check it with
//! `cargo xtask exercise check setns-join-order`.

use std::fs::File;

#[allow(unused_imports)]
use nix::sched::setns;

use crate::error::{Error, Result};
use nsproc::{NsKind, ns_inode};

/// Open handles on the namespaces of one pause process.
#[derive(Debug)]
pub struct Joins {
    targets: Vec<(File, NsKind)>,
}

// ANCHOR: open
/// Opens the namespaces of process `pause` that a member will share.
pub fn open(pause: i32, share: &[NsKind]) -> Result<Joins> {
    // TODO: decide which namespaces to join, and in which order, in `order`.
    // - `share` says which of Ipc, Uts, Net and Pid the member shares.
    // - A rootless pod also lives in a user namespace of its own. Joining
    //   another namespace takes CAP_SYS_ADMIN in the user namespace that
    //   owns it: when do we have that right, and when must we get it first?
    // - Joining the user namespace we are already in is an error (EINVAL):
    //   compare inodes with `ns_inode(pid, kind)` to know whether it differs.
    let order: Vec<NsKind> = todo!("the namespaces to join, in order");
    let mut targets = Vec::new();
    for kind in order {
        let path = format!("/proc/{pause}/ns/{kind}");
        let file = File::open(&path).map_err(|e| {
            Error::new(format!(
                "could not open {path} (the {kind} namespace of pause): {e}; \
                 is the pod running, and is it yours?"
            ))
        })?;
        targets.push((file, kind));
    }
    Ok(Joins { targets })
}
// ANCHOR_END: open

impl Joins {
    // ANCHOR: enter
    /// Moves the calling thread into every opened namespace. Only `setns`
    /// calls: safe between `fork` and `exec`. Joining a user namespace needs
    /// a single-threaded caller. Joining a PID namespace moves nobody: it
    /// only decides where the caller's next child is born.
    pub fn enter(&self) -> nix::Result<()> {
        // TODO: join each opened namespace, in order, with nix's `setns`;
        // `kind.clone_flag()` is the flag that names its kind. Stop at the
        // first error and return it.
        todo!("join the opened namespaces")
    }
    // ANCHOR_END: enter

    /// The kinds that [`Joins::enter`] joins, in order.
    pub fn kinds(&self) -> Vec<NsKind> {
        self.targets.iter().map(|(_, kind)| *kind).collect()
    }
}
