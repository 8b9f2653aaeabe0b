//! How pause stops and how it answers `-v` (exercise `pause-shutdown`).
//! The handler may only make async-signal-safe calls: see [`crate::handlers`].
//!
//! Exercise: write the bodies of `shutdown` and `wants_version`. Check them
//! with `cargo xtask exercise check pause-shutdown`; stuck?
//! `cargo xtask exercise hint pause-shutdown`.

// ANCHOR: shutdown
/// SIGINT and SIGTERM: say which signal stopped us, then exit 0.
pub extern "C" fn shutdown(signal: libc::c_int) {
    // pause.c prints what psignal(3) says for the signal, on standard
    // error, then ends the process with status 0. Think about:
    // - the exact line for SIGINT and for SIGTERM (the chapter shows it);
    // - which ways of writing and of exiting are safe inside a handler,
    //   and which take locks, allocate or run clean-up code.
    let _ = signal;
    todo!("say which signal stopped pause, then exit 0")
}
// ANCHOR_END: shutdown

// ANCHOR: wants_version
/// Like pause.c, look at every argument, case-insensitively, for `-v`;
/// every other argument is ignored.
pub fn wants_version<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(args: I) -> bool {
    // `args` are the arguments after the program's name, as bytes.
    // Which of them count, and does `-V` count too?
    let _ = args;
    todo!("is there a -v among the arguments?")
}
// ANCHOR_END: wants_version
