//! Wrong on purpose: reaps one child per SIGCHLD. Signals of one kind do not
//! queue, so when many children exit together most stay zombies.

use nix::sys::wait::{WaitPidFlag, waitpid};

// ANCHOR: reap
/// SIGCHLD: reap one child.
pub extern "C" fn reap(_: libc::c_int) {
    let _ = waitpid(None, Some(WaitPidFlag::WNOHANG));
}
// ANCHOR_END: reap
