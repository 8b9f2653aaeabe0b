//! Visiting a namespace from the calling thread: join it with `setns(2)`,
//! do one thing there, and come back. `run` does this (as root) to set the
//! pod's hostname and to open a netlink socket in the pod's network
//! namespace: no forked child and no helper thread, whose start-up on a busy
//! machine costs more than the work itself. A socket stays in the namespace
//! it was created in, so the socket keeps acting inside the pod after the
//! thread has come home.
//!
//! Only for namespaces a thread may leave again: not a user namespace
//! (joining one needs a single-threaded caller and cannot be undone), which
//! is why a rootless pod still forks a child that joins for good.

use std::fs::File;

use nix::sched::{CloneFlags, setns};

use crate::error::{Error, Result};
use nsproc::NsKind;

/// Runs `work` with the calling thread in the namespace `target` (an open
/// `/proc/PID/ns/<kind>`), then moves the thread back to the namespace it
/// was in, whether `work` succeeded or not.
pub fn visit<T>(target: &File, kind: NsKind, work: impl FnOnce() -> Result<T>) -> Result<T> {
    if kind == NsKind::User {
        return Err(Error::new(
            "a user namespace cannot be visited, only joined for good: join it in a forked child",
        ));
    }
    let flag: CloneFlags = kind.clone_flag();
    let home_path = format!("/proc/thread-self/ns/{kind}");
    let home = File::open(&home_path)
        .map_err(|e| Error::new(format!("could not open {home_path}: {e}")))?;
    setns(target, flag).map_err(|e| {
        Error::new(format!(
            "could not join the pod's {kind} namespace: {e}; run as root, or as the user who \
             made the pod"
        ))
    })?;
    let done = work();
    // Back home before anything else, also when `work` failed.
    setns(&home, flag).map_err(|e| {
        Error::new(format!(
            "could not return to our own {kind} namespace: {e}; stop here and remove the pod \
             with `setns-demo rm`"
        ))
    })?;
    done
}
