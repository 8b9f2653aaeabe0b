//! Wrong on purpose: loops while waitpid succeeds, forgetting that
//! `StillAlive` (children left, none exited) is also a success. With one
//! child still running, the handler never returns: pause spins on the CPU.

use nix::sys::wait::{WaitPidFlag, waitpid};

// ANCHOR: reap
/// SIGCHLD: reap until waitpid fails.
pub extern "C" fn reap(_: libc::c_int) {
    while waitpid(None, Some(WaitPidFlag::WNOHANG)).is_ok() {}
}
// ANCHOR_END: reap
