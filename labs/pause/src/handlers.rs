//! The heart of pause: what it does on SIGINT, SIGTERM and SIGCHLD. The
//! handlers themselves are in [`crate::shutdown`] and [`crate::reaper`], one
//! module per exercise; this module installs them.
//!
//! A handler runs in the middle of whatever the process was doing, possibly
//! inside `malloc` or inside `println!` holding stdout's lock. If the handler
//! then took the same lock, or touched the same heap, it would deadlock or
//! corrupt it. So a handler may only make *async-signal-safe* calls
//! (signal-safety(7)): raw system calls like write(2), waitpid(2) and
//! _exit(2); no allocation, no locks, no `println!`. pause's `main` does spend
//! its life inside pause(2), but the rule is the rule: exercises swap those
//! modules for a student's, and the same reasoning applies everywhere.

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

use crate::reaper::reap;
use crate::shutdown::shutdown;

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
