//! How pause stops and how it answers `-v` (exercise `pause-shutdown`).
//! The handler may only make async-signal-safe calls: see [`crate::handlers`].

use nix::unistd::write;

// ANCHOR: shutdown
/// SIGINT and SIGTERM: say which signal stopped us, then exit 0.
pub extern "C" fn shutdown(signal: libc::c_int) {
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

// ANCHOR: wants_version
/// Like pause.c, look at every argument, case-insensitively, for `-v`;
/// every other argument is ignored.
pub fn wants_version<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(args: I) -> bool {
    args.into_iter()
        .any(|arg| arg.as_ref().eq_ignore_ascii_case(b"-v"))
}
// ANCHOR_END: wants_version
