//! Wrong on purpose: ends with status 1, as if stopping were a failure. A
//! container runtime would report the pod's sandbox as crashed.

use nix::unistd::write;

// ANCHOR: shutdown
/// SIGINT and SIGTERM: say which signal stopped us, then exit 1.
pub extern "C" fn shutdown(signal: libc::c_int) {
    let message: &[u8] = if signal == libc::SIGINT {
        b"Shutting down, got signal: Interrupt\n"
    } else {
        b"Shutting down, got signal: Terminated\n"
    };
    let _ = write(std::io::stderr(), message);
    // SAFETY: _exit(2) ends the process at once.
    unsafe { libc::_exit(1) }
}
// ANCHOR_END: shutdown

// ANCHOR: wants_version
/// Looks for `-v` in any case.
pub fn wants_version<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(args: I) -> bool {
    args.into_iter()
        .any(|arg| arg.as_ref().eq_ignore_ascii_case(b"-v"))
}
// ANCHOR_END: wants_version
