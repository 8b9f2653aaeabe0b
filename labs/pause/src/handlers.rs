//! The heart of pause: what it does on SIGINT, SIGTERM and SIGCHLD.
//!
//! A handler runs in the middle of whatever the process was doing, possibly
//! inside `malloc` or inside `println!` holding stdout's lock. If the handler
//! then took the same lock, or touched the same heap, it would deadlock or
//! corrupt it. So a handler may only make *async-signal-safe* calls
//! (signal-safety(7)): raw system calls like write(2), waitpid(2) and
//! _exit(2); no allocation, no locks, no `println!`. pause's `main` does spend
//! its life inside pause(2), but the rule is the rule: exercises swap this
//! module for a student's, and the same reasoning applies everywhere.

use nix::errno::Errno;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::write;

// ANCHOR: shutdown
/// SIGINT and SIGTERM: say which signal stopped us, then exit 0.
extern "C" fn shutdown(signal: libc::c_int) {
    // What psignal(3) prints for these two signals in pause.c.
    let message: &[u8] = if signal == libc::SIGINT {
        b"Shutting down, got signal: Interrupt\n"
    } else {
        b"Shutting down, got signal: Terminated\n"
    };
    // `stderr()` is only a handle on file descriptor 2 (no lock, no
    // allocation); `write` is the bare write(2) system call.
    let _ = write(std::io::stderr(), message);
    // _exit(2), not exit(3): exit runs atexit handlers and flushes stdio
    // buffers, neither of which is async-signal-safe. pause has nothing to
    // flush or clean up, so the bare system call loses nothing.
    // SAFETY: _exit(2) ends the process at once; nothing is left to unwind.
    unsafe { libc::_exit(0) }
}
// ANCHOR_END: shutdown

// ANCHOR: reap
/// SIGCHLD: reap every child that has exited, not just one.
extern "C" fn reap(_: libc::c_int) {
    // Signals do not queue: a thousand children exiting at once may raise a
    // single SIGCHLD. So loop until waitpid says nobody else has exited
    // (StillAlive: children left, none exited; Err(ECHILD): no children).
    let saved = Errno::last_raw(); // the code we interrupted may read errno
    while waitpid(None, Some(WaitPidFlag::WNOHANG)).is_ok_and(|s| s != WaitStatus::StillAlive) {}
    Errno::set_raw(saved);
}
// ANCHOR_END: reap

// ANCHOR: install
/// Installs the handlers. On failure returns the exit code pause.c uses.
pub fn install() -> Result<(), i32> {
    // No SA_RESTART: the only call these signals interrupt is pause(2),
    // which is never restarted anyway; main's loop simply calls it again.
    let stop = SigAction::new(
        SigHandler::Handler(shutdown),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SA_NOCLDSTOP: no SIGCHLD when a child is merely stopped or continued.
    let child = SigAction::new(
        SigHandler::Handler(reap),
        SaFlags::SA_NOCLDSTOP,
        SigSet::empty(),
    );
    // SAFETY: both handlers only make async-signal-safe calls (see above).
    unsafe {
        sigaction(Signal::SIGINT, &stop).map_err(|_| 1)?;
        sigaction(Signal::SIGTERM, &stop).map_err(|_| 2)?;
        sigaction(Signal::SIGCHLD, &child).map_err(|_| 3)?;
    }
    Ok(())
}
// ANCHOR_END: install
