//! The binary: an entry point in place of libc's start files, and a panic
//! handler in place of std's. Only release builds (panic = "abort", link
//! arguments from build.rs) make the real program; core is built with
//! unwinding, so a no_std binary cannot be built with the dev profile.
#![cfg_attr(all(panic = "abort", tiny_link), no_std, no_main)]

#[cfg(all(panic = "abort", tiny_link))]
mod elf_header;

#[cfg(all(panic = "abort", tiny_link))]
mod entry {
    // ANCHOR: start
    // The kernel starts us at `_start` with the stack pointer at argc,
    // aligned to 16 bytes as the calling convention wants. Clear the frame
    // pointer (and, on aarch64, the link register: no caller above us) and
    // call `run` with that pointer.
    #[cfg(target_arch = "x86_64")]
    core::arch::global_asm!(
        ".globl _start",
        "_start:",
        "xor ebp, ebp",
        "mov rdi, rsp",
        "call {run}",
        run = sym pause_tiny::run,
    );
    #[cfg(target_arch = "aarch64")]
    core::arch::global_asm!(
        ".globl _start",
        "_start:",
        "mov x29, #0",
        "mov x30, #0",
        "mov x0, sp",
        "bl {run}",
        run = sym pause_tiny::run,
    );
    // ANCHOR_END: start

    /// Nothing in pause-tiny can panic on its inputs; if it ever did, exit
    /// with Rust's panic code rather than loop.
    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        pause_tiny::sys::exit(101)
    }
}

#[cfg(not(all(panic = "abort", tiny_link)))]
fn main() {
    eprintln!(
        "pause-tiny: this is a debug build, which cannot be the real no-libc program; \
         build it with `cargo build --release -p pause-tiny`"
    );
    std::process::exit(2);
}
