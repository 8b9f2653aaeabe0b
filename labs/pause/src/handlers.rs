//! The heart of pause: what it does on SIGINT, SIGTERM and SIGCHLD.

use nix::errno::Errno;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};

/// SIGINT and SIGTERM: say why we stop, then exit 0.
extern "C" fn shutdown(signal: libc::c_int) {
    let message: &[u8] = if signal == libc::SIGINT {
        b"Shutting down, got signal: Interrupt\n"
    } else {
        b"Shutting down, got signal: Terminated\n"
    };
    // SAFETY: write(2) and _exit(2) are async-signal-safe.
    unsafe {
        libc::write(libc::STDERR_FILENO, message.as_ptr().cast(), message.len());
        libc::_exit(0);
    }
}

/// SIGCHLD: reap every child that has exited, not just one.
extern "C" fn reap(_: libc::c_int) {
    let saved = Errno::last_raw();
    while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        if status == WaitStatus::StillAlive {
            break;
        }
    }
    Errno::set_raw(saved);
}

/// Installs the handlers; the error is the exit code upstream uses.
pub fn install() -> Result<(), i32> {
    let stop = SigAction::new(
        SigHandler::Handler(shutdown),
        SaFlags::empty(),
        SigSet::empty(),
    );
    let child = SigAction::new(
        SigHandler::Handler(reap),
        SaFlags::SA_NOCLDSTOP,
        SigSet::empty(),
    );
    // SAFETY: both handlers only make async-signal-safe calls.
    unsafe {
        sigaction(Signal::SIGINT, &stop).map_err(|_| 1)?;
        sigaction(Signal::SIGTERM, &stop).map_err(|_| 2)?;
        sigaction(Signal::SIGCHLD, &child).map_err(|_| 3)?;
    }
    Ok(())
}
