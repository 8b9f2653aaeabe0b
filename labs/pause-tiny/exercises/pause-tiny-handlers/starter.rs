//! The heart of pause: what it does on SIGINT, SIGTERM and SIGCHLD.
//! Same behaviour as the `pause` lab's handlers, with raw system calls.
//!
//! Exercise `pause-tiny-handlers`: no std, no libc, no nix here. All you
//! may call is in [`crate::sys`]: `write`, `exit`, `reap_one`, `Action` and
//! the constants. Check with `cargo xtask exercise check pause-tiny-handlers`.

use crate::sys;

// ANCHOR: shut_down
/// SIGINT and SIGTERM: say why we stop, then exit 0.
#[inline(always)] // called once: a call would only cost bytes
fn shut_down(signal: i32) -> ! {
    // The same line as the `pause` lab prints, on file descriptor 2, then
    // the end of the process with status 0. No formatting here: pick one of
    // two byte strings.
    let _ = signal;
    todo!("say why pause stops, then exit 0")
}
// ANCHOR_END: shut_down

// ANCHOR: reap
/// SIGCHLD: reap every child that has exited, not just one (signals of
/// the same kind coalesce while one is pending).
#[inline(always)]
fn reap() {
    // sys::reap_one returns the kernel's raw answer: what do a positive
    // value, 0 and a negative value each mean?
    todo!("reap every child that has exited")
}
// ANCHOR_END: reap

// ANCHOR: install
/// The one handler of all three signals: one action to hand the kernel
/// instead of two (SA_NOCLDSTOP means nothing to SIGINT and SIGTERM).
extern "C" fn on_signal(signal: i32) {
    if signal == sys::SIGCHLD {
        reap()
    } else {
        shut_down(signal)
    }
}

static ACTION: sys::Action = sys::Action::new(on_signal, sys::SA_NOCLDSTOP);

/// Installs the handlers; the error is the exit code upstream uses.
pub fn install() -> Result<(), i32> {
    // `on_signal` above is the one handler of all three signals, and
    // ACTION the action that names it. Install it for each signal; each
    // failure has its own exit code (1, 2, 3 as in pause.c). Installing is
    // unsafe: say in a SAFETY comment why this handler is fine.
    todo!("install ACTION for SIGINT, SIGTERM and SIGCHLD")
}
// ANCHOR_END: install
