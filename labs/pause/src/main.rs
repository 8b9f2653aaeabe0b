//! pause, side by side with pause.c's `main`.
//!
//! `#![no_main]`: we export C's `main` ourselves, so the Rust runtime's own
//! start-up code never runs. That code would ignore SIGPIPE and install
//! SIGSEGV and SIGBUS handlers (to report stack overflows); pause.c leaves
//! every signal but SIGINT, SIGTERM and SIGCHLD at its default action, and so
//! must we: `/proc/PID/status` shows the difference (`SigCgt`, `SigIgn`).
#![no_main]

mod layout;

use std::ffi::{CStr, c_char, c_int};

use nix::unistd::{Pid, getpid, write};
use pause::{handlers, wants_version};

/// What `-v` prints: `pause.rs ` and [`pause::VERSION`].
const VERSION_LINE: &str = concat!("pause.rs ", env!("CARGO_PKG_VERSION"), "\n");

// ANCHOR: main
#[unsafe(no_mangle)]
extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
    // SAFETY: the C runtime hands us argc valid, NUL-terminated strings.
    let args = (1..argc as usize).map(|i| unsafe { CStr::from_ptr(*argv.add(i)) });
    if wants_version(args.map(CStr::to_bytes)) {
        // One write(2), as C's printf to stdout makes before exiting, rather
        // than println!, which sets up stdout's lock and 1 KiB buffer.
        let _ = write(std::io::stdout(), VERSION_LINE.as_bytes());
        return 0;
    }
    if getpid() != Pid::from_raw(1) {
        // Not an error: pause sees use outside of infra containers.
        let _ = write(
            std::io::stderr(),
            b"Warning: pause should be the first process\n",
        );
    }
    if let Err(code) = handlers::install() {
        return code;
    }
    loop {
        nix::unistd::pause(); // returns after each handler; sleep again
    }
}
// ANCHOR_END: main
