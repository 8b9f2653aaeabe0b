//! pause with no libc at all: Kubernetes' pause (build/pause/linux/pause.c)
//! behaviour for behaviour, on raw Linux system calls, so the whole program
//! fits in a few hundred bytes of machine code.
//!
//! - [`sys`]: the system calls, in inline assembly (x86-64 and aarch64);
//! - [`handlers`]: the heart, as in the `pause` lab;
//! - [`args`]: finding `-v` in the argument vector.
//!
//! The entry point `_start`, which libc's start files would otherwise
//! provide, is in src/main.rs; it hands [`run`] the initial stack.
#![cfg_attr(not(test), no_std)]

pub mod args;
pub mod handlers;
pub mod sys;

/// What `-v` prints: the same line as the `pause` lab's binary.
pub const VERSION_LINE: &str = concat!("pause.rs ", env!("CARGO_PKG_VERSION"), "\n");

const WARNING: &str = "Warning: pause should be the first process\n";

// ANCHOR: run
/// The program, from the kernel's initial stack: `argc`, then `argv`.
/// `extern "C"`: `_start` calls it from assembly.
///
/// # Safety
/// `stack` must be the stack pointer the kernel handed `_start`.
pub unsafe extern "C" fn run(stack: *const usize) -> ! {
    // SAFETY: at process start the stack holds argc, then argc pointers.
    let (argc, argv) = unsafe { (*stack, stack.add(1).cast::<*const u8>()) };
    // SAFETY: argv[0..argc] are the kernel's NUL-terminated strings.
    if unsafe { args::wants_version(argc, argv) } {
        sys::write(1, VERSION_LINE.as_bytes());
        sys::exit(0);
    }
    if sys::getpid() != 1 {
        sys::write(2, WARNING.as_bytes());
    }
    if let Err(code) = handlers::install() {
        sys::exit(code);
    }
    loop {
        sys::wait_for_signal();
    }
}
// ANCHOR_END: run
