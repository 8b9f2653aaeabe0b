//! pause, side by side with pause.c's `main`.
//!
//! `#![no_main]`: we export C's `main` ourselves, so the Rust runtime's own
//! start-up code never runs. That code would ignore SIGPIPE and install
//! SIGSEGV and SIGBUS handlers (to report stack overflows); pause.c leaves
//! every signal but SIGINT, SIGTERM and SIGCHLD at its default action, and so
//! must we: `/proc/PID/status` shows the difference (`SigCgt`, `SigIgn`).
#![no_main]

use std::ffi::{CStr, c_char, c_int};

use nix::unistd::{Pid, getpid};
use pause::{VERSION, handlers, wants_version};

// ANCHOR: main
#[unsafe(no_mangle)]
extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
    // SAFETY: the C runtime hands us argc valid, NUL-terminated strings.
    let args = (1..argc as usize).map(|i| unsafe { CStr::from_ptr(*argv.add(i)) });
    if wants_version(args.map(CStr::to_bytes)) {
        println!("pause.rs {VERSION}");
        return 0;
    }
    if getpid() != Pid::from_raw(1) {
        // Not an error: pause sees use outside of infra containers.
        eprintln!("Warning: pause should be the first process");
    }
    if let Err(code) = handlers::install() {
        return code;
    }
    loop {
        nix::unistd::pause(); // returns after each handler; sleep again
    }
}
// ANCHOR_END: main
