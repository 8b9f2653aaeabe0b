//! The SIGCHLD handler: pause's reason to exist as PID 1 (exercise
//! `pause-reaper`). A signal handler may only make async-signal-safe calls:
//! see [`crate::handlers`].

use nix::errno::Errno;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};

// ANCHOR: reap
/// SIGCHLD: reap every child that has exited, not just one.
pub extern "C" fn reap(_: libc::c_int) {
    // Signals do not queue: a thousand children exiting at once may raise a
    // single SIGCHLD. So loop until waitpid says nobody else has exited
    // (StillAlive: children left, none exited; Err(ECHILD): no children).
    let saved = Errno::last_raw(); // the code we interrupted may read errno
    while waitpid(None, Some(WaitPidFlag::WNOHANG)).is_ok_and(|s| s != WaitStatus::StillAlive) {}
    Errno::set_raw(saved);
}
// ANCHOR_END: reap
