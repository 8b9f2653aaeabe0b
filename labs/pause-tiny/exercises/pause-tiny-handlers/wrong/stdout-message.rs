//! Wrong on purpose: the shutdown line goes to standard output (file
//! descriptor 1); pause.c writes it to standard error.

use crate::sys;

// ANCHOR: shut_down
/// SIGINT and SIGTERM: say why we stop, then exit 0.
#[inline(always)] // called once: a call would only cost bytes
fn shut_down(signal: i32) -> ! {
    let message: &[u8] = if signal == sys::SIGINT {
        b"Shutting down, got signal: Interrupt\n"
    } else {
        b"Shutting down, got signal: Terminated\n"
    };
    sys::write(1, message);
    sys::exit(0)
}
// ANCHOR_END: shut_down

// ANCHOR: reap
/// SIGCHLD: reap every child that has exited, not just one (signals of
/// the same kind coalesce while one is pending).
#[inline(always)]
fn reap() {
    while sys::reap_one() > 0 {}
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
    // SAFETY: the handler makes only raw system calls, which are
    // async-signal-safe, and touches no shared state (not even errno).
    unsafe {
        ACTION.install(sys::SIGINT).map_err(|_| 1)?;
        ACTION.install(sys::SIGTERM).map_err(|_| 2)?;
        ACTION.install(sys::SIGCHLD).map_err(|_| 3)?;
    }
    Ok(())
}
// ANCHOR_END: install
