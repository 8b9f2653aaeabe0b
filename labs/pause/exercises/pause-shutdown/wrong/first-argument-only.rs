//! Wrong on purpose: looks for `-v` in the first argument only; pause.c
//! looks at every argument.

use nix::unistd::write;

// ANCHOR: shutdown
/// SIGINT and SIGTERM: say which signal stopped us, then exit 0.
pub extern "C" fn shutdown(signal: libc::c_int) {
    let message: &[u8] = if signal == libc::SIGINT {
        b"Shutting down, got signal: Interrupt\n"
    } else {
        b"Shutting down, got signal: Terminated\n"
    };
    let _ = write(std::io::stderr(), message);
    // SAFETY: _exit(2) ends the process at once.
    unsafe { libc::_exit(0) }
}
// ANCHOR_END: shutdown

// ANCHOR: wants_version
/// Looks at the first argument only.
pub fn wants_version<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(args: I) -> bool {
    args.into_iter()
        .next()
        .is_some_and(|arg| arg.as_ref().eq_ignore_ascii_case(b"-v"))
}
// ANCHOR_END: wants_version
