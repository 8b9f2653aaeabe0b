//! The heart of pause: what it does on SIGINT, SIGTERM and SIGCHLD.
//! Same behaviour as labs/pause/src/handlers.rs, with raw system calls.

use crate::sys;

// ANCHOR: shut_down
/// SIGINT and SIGTERM: say why we stop, then exit 0.
extern "C" fn shut_down(signal: i32) {
    let message: &[u8] = if signal == sys::SIGINT {
        b"Shutting down, got signal: Interrupt\n"
    } else {
        b"Shutting down, got signal: Terminated\n"
    };
    sys::write(2, message);
    sys::exit(0);
}
// ANCHOR_END: shut_down

// ANCHOR: reap
/// SIGCHLD: reap every child that has exited, not just one (signals of
/// the same kind coalesce while one is pending).
extern "C" fn reap(_: i32) {
    while sys::reap_one() > 0 {}
}
// ANCHOR_END: reap

// ANCHOR: install
/// Installs the handlers; the error is the exit code upstream uses.
pub fn install() -> Result<(), i32> {
    // SAFETY: both handlers make only raw system calls, which are
    // async-signal-safe, and touch no shared state (not even errno).
    unsafe {
        sys::catch(sys::SIGINT, shut_down, 0).map_err(|_| 1)?;
        sys::catch(sys::SIGTERM, shut_down, 0).map_err(|_| 2)?;
        sys::catch(sys::SIGCHLD, reap, sys::SA_NOCLDSTOP).map_err(|_| 3)?;
    }
    Ok(())
}
// ANCHOR_END: install
