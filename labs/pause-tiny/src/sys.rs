//! The few Linux system calls pause needs, made directly with `syscall`
//! (x86-64) or `svc 0` (aarch64): no libc, no errno, no wrappers.
//!
//! A call returns the kernel's raw result: a value `>= 0`, or `-errno`.

use core::arch::{asm, global_asm};

pub const SIGINT: i32 = 2;
pub const SIGTERM: i32 = 15;
pub const SIGCHLD: i32 = 17;
pub const SA_NOCLDSTOP: u64 = 1;
const SA_RESTORER: u64 = 0x0400_0000;
const WNOHANG: usize = 1;

#[cfg(target_arch = "x86_64")]
mod nr {
    pub const WRITE: usize = 1;
    pub const RT_SIGACTION: usize = 13;
    pub const PAUSE: usize = 34;
    pub const GETPID: usize = 39;
    pub const WAIT4: usize = 61;
    pub const EXIT_GROUP: usize = 231;
}

#[cfg(target_arch = "aarch64")]
mod nr {
    pub const WRITE: usize = 64;
    pub const PPOLL: usize = 73;
    pub const RT_SIGACTION: usize = 134;
    pub const GETPID: usize = 172;
    pub const WAIT4: usize = 260;
    pub const EXIT_GROUP: usize = 94;
}

// ANCHOR: syscall
/// Makes system call `n` with four arguments (unused ones are 0).
///
/// # Safety
/// The arguments must be what the kernel expects for call `n`: pointers
/// valid for the access the call makes, for as long as it makes it.
#[cfg(target_arch = "x86_64")]
unsafe fn syscall(n: usize, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller vouches for the arguments; `syscall` clobbers only
    // rax (the result), rcx and r11, and touches no stack of ours.
    unsafe {
        asm!("syscall",
            inlateout("rax") n as isize => ret,
            in("rdi") a, in("rsi") b, in("rdx") c, in("r10") d,
            lateout("rcx") _, lateout("r11") _,
            options(nostack));
    }
    ret
}

// ANCHOR_END: syscall

/// Makes system call `n` with four arguments (unused ones are 0).
///
/// # Safety
/// As for the x86-64 version.
#[cfg(target_arch = "aarch64")]
unsafe fn syscall(n: usize, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: the caller vouches for the arguments; `svc 0` returns its
    // result in x0 and preserves every other register.
    unsafe {
        asm!("svc 0",
            in("x8") n,
            inlateout("x0") a as isize => ret,
            in("x1") b, in("x2") c, in("x3") d,
            options(nostack));
    }
    ret
}

/// write(2) the whole of `bytes` to `fd` (short writes are not retried:
/// our messages are far below a pipe's atomic size).
pub fn write(fd: i32, bytes: &[u8]) {
    // SAFETY: the pointer and length describe one live slice.
    unsafe {
        syscall(
            nr::WRITE,
            fd as usize,
            bytes.as_ptr() as usize,
            bytes.len(),
            0,
        )
    };
}

/// exit_group(2): ends the process with `code`.
pub fn exit(code: i32) -> ! {
    // SAFETY: exit_group takes no pointer and does not return.
    unsafe { syscall(nr::EXIT_GROUP, code as usize, 0, 0, 0) };
    unreachable_without_code()
}

/// getpid(2).
pub fn getpid() -> isize {
    // SAFETY: getpid takes no argument.
    unsafe { syscall(nr::GETPID, 0, 0, 0, 0) }
}

/// waitpid(-1, NULL, WNOHANG): the PID of one exited child reaped, 0 if
/// children are left but none has exited, `-ECHILD` if there are none.
pub fn reap_one() -> isize {
    // SAFETY: NULL status and rusage pointers ask the kernel to store nothing.
    unsafe { syscall(nr::WAIT4, usize::MAX, 0, WNOHANG, 0) }
}

/// Sleeps until a signal handler has run, like pause(2). aarch64 has no
/// pause call: glibc's pause() uses ppoll with no descriptors and no
/// timeout there, and so do we.
pub fn wait_for_signal() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: pause takes no argument.
    unsafe {
        syscall(nr::PAUSE, 0, 0, 0, 0)
    };
    #[cfg(target_arch = "aarch64")]
    // SAFETY: no descriptors (NULL, 0), no timeout, no mask change.
    unsafe {
        syscall(nr::PPOLL, 0, 0, 0, 0)
    };
}

// ANCHOR: catch
/// The kernel's `struct sigaction` on x86-64 and aarch64 (not libc's).
#[repr(C)]
struct KernelSigaction {
    handler: extern "C" fn(i32),
    flags: u64,
    restorer: unsafe extern "C" fn(),
    mask: u64,
}

unsafe extern "C" {
    /// Calls rt_sigreturn(2); defined in assembly below.
    fn pause_tiny_restore();
}

// When a handler returns, it "returns" into the restorer, which asks the
// kernel to restore the interrupted context. libc normally supplies this
// (SA_RESTORER); x86-64 requires one, aarch64 would fall back to the vDSO's.
#[cfg(target_arch = "x86_64")]
global_asm!(
    ".pushsection .text.pause_tiny_restore,\"ax\",@progbits",
    ".globl pause_tiny_restore",
    "pause_tiny_restore:",
    "mov eax, 15", // rt_sigreturn
    "syscall",
    ".popsection",
);
#[cfg(target_arch = "aarch64")]
global_asm!(
    ".pushsection .text.pause_tiny_restore,\"ax\",@progbits",
    ".globl pause_tiny_restore",
    "pause_tiny_restore:",
    "mov x8, #139", // rt_sigreturn
    "svc 0",
    ".popsection",
);

/// Installs `handler` for `signal` with `flags` (no SA_RESTART, empty mask),
/// like sigaction(2). Returns the kernel's `-errno` on failure.
///
/// # Safety
/// `handler` runs at any point of the program: it must only make
/// async-signal-safe calls (these raw system calls are).
pub unsafe fn catch(signal: i32, handler: extern "C" fn(i32), flags: u64) -> Result<(), isize> {
    let action = KernelSigaction {
        handler,
        flags: flags | SA_RESTORER,
        restorer: pause_tiny_restore,
        mask: 0,
    };
    let old = 0usize; // NULL: we do not want the previous action
    // SAFETY: `action` lives across the call; sigsetsize is 8 on both arches.
    let ret = unsafe {
        syscall(
            nr::RT_SIGACTION,
            signal as usize,
            &action as *const _ as usize,
            old,
            8,
        )
    };
    if ret < 0 { Err(ret) } else { Ok(()) }
}

// ANCHOR_END: catch

/// After exit_group: tells the compiler control never gets here, without
/// the panic machinery `unreachable!()` would pull in.
fn unreachable_without_code() -> ! {
    loop {
        core::hint::spin_loop();
    }
}
