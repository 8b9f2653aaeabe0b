//! Wrong on purpose: `-V` is not taken for `-v` (pause.c uses strcasecmp).

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
/// Looks for `-v`, case-sensitively.
pub fn wants_version<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(args: I) -> bool {
    args.into_iter().any(|arg| arg.as_ref() == b"-v")
}
// ANCHOR_END: wants_version
