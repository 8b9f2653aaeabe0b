//! Two inits that get PID 1's job wrong, to compare with pause:
//!
//! - `none` never calls `wait` and installs no handler at all;
//! - `once` reaps exactly one child per SIGCHLD, the classic bug: while a
//!   SIGCHLD is pending, more exits raise no second one (standard signals
//!   do not queue), so children that exit together leave zombies behind.
//!
//! Each announces that it is ready by renaming itself (`/proc/PID/comm`):
//! [`NONE_READY`] or [`ONCE_READY`], after its handlers are in place.

use nix::errno::Errno;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::wait::{WaitPidFlag, waitpid};

/// The name `init-none` takes once it is ready.
pub const NONE_READY: &str = "init-none";
/// The name `init-once` takes once it is ready.
pub const ONCE_READY: &str = "init-once";

/// An init with no handler and no `wait`: every child that exits stays a
/// zombie, and (as PID 1) every signal from inside its namespace is dropped.
pub fn run_none() -> ! {
    drop_runtime_handlers();
    announce(NONE_READY);
    loop {
        nix::unistd::pause();
    }
}

// ANCHOR: once
/// The bug: one `waitpid` per SIGCHLD. Ten children that exit while one
/// SIGCHLD is pending raise no more signals, so nine stay zombies.
extern "C" fn reap_one(_: libc::c_int) {
    let saved = Errno::last_raw();
    let _ = waitpid(None, Some(WaitPidFlag::WNOHANG));
    Errno::set_raw(saved);
}
// ANCHOR_END: once

/// An init that reaps, but only one child per SIGCHLD.
pub fn run_once() -> ! {
    drop_runtime_handlers();
    let action = SigAction::new(
        SigHandler::Handler(reap_one),
        SaFlags::SA_NOCLDSTOP,
        SigSet::empty(),
    );
    // SAFETY: the handler only calls waitpid, which is async-signal-safe.
    if let Err(errno) = unsafe { sigaction(Signal::SIGCHLD, &action) } {
        eprintln!("init-once: could not install the SIGCHLD handler: {errno}");
        std::process::exit(3);
    }
    announce(ONCE_READY);
    loop {
        nix::unistd::pause();
    }
}

/// The Rust runtime catches SIGSEGV and SIGBUS (to report stack overflows)
/// and ignores SIGPIPE. Our inits must have no handler but their own.
pub(crate) fn drop_runtime_handlers() {
    let default = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    for signal in [Signal::SIGSEGV, Signal::SIGBUS, Signal::SIGPIPE] {
        // SAFETY: restoring the default action is always sound.
        let _ = unsafe { sigaction(signal, &default) };
    }
}

/// Renames this process (PR_SET_NAME), which a watcher reads as "ready".
pub(crate) fn announce(name: &str) {
    let mut bytes = [0u8; 16];
    let n = name.len().min(15);
    bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
    // SAFETY: a NUL-terminated buffer of 16 bytes, as PR_SET_NAME requires.
    unsafe {
        libc::prctl(libc::PR_SET_NAME, bytes.as_ptr());
    }
}
