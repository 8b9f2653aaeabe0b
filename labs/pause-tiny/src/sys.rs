//! The few Linux system calls pause needs, made directly with `syscall`
//! (x86-64) or `svc 0` (aarch64): no libc, no errno, no wrappers.
//!
//! A call returns the kernel's raw result: a value `>= 0`, or `-errno`.

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
    pub const RT_SIGRETURN: usize = 15;
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
    pub const RT_SIGRETURN: usize = 139;
    pub const GETPID: usize = 172;
    pub const WAIT4: usize = 260;
    pub const EXIT_GROUP: usize = 94;
}

// ANCHOR: syscall
/// `syscall!(n, a, b, c, d)` makes system call `n` with up to four
/// arguments, setting only the registers of the arguments given (each
/// register set to 0 for nothing would cost code).
///
/// # Safety
/// The arguments must be what the kernel expects for call `n`: pointers
/// valid for the access the call makes, for as long as it makes it.
#[cfg(target_arch = "x86_64")]
macro_rules! syscall {
    ($n:expr $(, $a:expr $(, $b:expr $(, $c:expr $(, $d:expr)?)?)?)?) => {{
        let ret: isize;
        // `syscall` clobbers only rax (the result), rcx and r11, and
        // touches no stack of ours.
        core::arch::asm!("syscall",
            inlateout("rax") $n as isize => ret,
            $(in("rdi") $a, $(in("rsi") $b, $(in("rdx") $c, $(in("r10") $d,)?)?)?)?
            lateout("rcx") _, lateout("r11") _,
            options(nostack));
        ret
    }};
}
// ANCHOR_END: syscall

/// As for x86-64: the number goes in x8, the arguments in x0 to x3, the
/// result comes back in x0; `svc 0` preserves every other register.
#[cfg(target_arch = "aarch64")]
macro_rules! syscall {
    ($n:expr) => {{
        let ret: isize;
        core::arch::asm!("svc 0", in("x8") $n, lateout("x0") ret, options(nostack));
        ret
    }};
    ($n:expr, $a:expr $(, $b:expr $(, $c:expr $(, $d:expr)?)?)?) => {{
        let ret: isize;
        core::arch::asm!("svc 0",
            in("x8") $n,
            inlateout("x0") $a as isize => ret,
            $(in("x1") $b, $(in("x2") $c, $(in("x3") $d,)?)?)?
            options(nostack));
        ret
    }};
}

/// write(2) the whole of `bytes` to `fd` (short writes are not retried:
/// our messages are far below a pipe's atomic size).
pub fn write(fd: i32, bytes: &[u8]) {
    // SAFETY: the pointer and length describe one live slice.
    unsafe { syscall!(nr::WRITE, fd as usize, bytes.as_ptr(), bytes.len()) };
}

/// exit_group(2): ends the process with `code`. The one call that never
/// returns, so it is written out here with `noreturn`: no code after it.
pub fn exit(code: i32) -> ! {
    // SAFETY: exit_group takes no pointer and does not return.
    unsafe {
        #[cfg(target_arch = "x86_64")]
        core::arch::asm!("syscall", in("rax") nr::EXIT_GROUP, in("rdi") code,
            options(noreturn, nostack));
        #[cfg(target_arch = "aarch64")]
        core::arch::asm!("svc 0", in("x8") nr::EXIT_GROUP, in("x0") code,
            options(noreturn, nostack));
    }
}

/// getpid(2).
pub fn getpid() -> isize {
    // SAFETY: getpid takes no argument.
    unsafe { syscall!(nr::GETPID) }
}

/// waitpid(-1, NULL, WNOHANG): the PID of one exited child reaped, 0 if
/// children are left but none has exited, `-ECHILD` if there are none.
pub fn reap_one() -> isize {
    // SAFETY: NULL status and rusage pointers ask the kernel to store nothing.
    unsafe { syscall!(nr::WAIT4, usize::MAX, 0usize, WNOHANG, 0usize) }
}

/// Sleeps until a signal handler has run, like pause(2). aarch64 has no
/// pause call: glibc's pause() uses ppoll with no descriptors and no
/// timeout there, and so do we.
pub fn wait_for_signal() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: pause takes no argument.
    unsafe {
        syscall!(nr::PAUSE)
    };
    #[cfg(target_arch = "aarch64")]
    // SAFETY: no descriptors (NULL, 0), no timeout, no mask change.
    unsafe {
        syscall!(nr::PPOLL, 0usize, 0usize, 0usize, 0usize)
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
// Assembly, not Rust: not one byte may be pushed before the call, since the
// kernel finds its saved context at the stack pointer.
#[cfg(target_arch = "x86_64")]
core::arch::global_asm!(
    ".pushsection .text.pause_tiny_restore,\"ax\",@progbits",
    ".globl pause_tiny_restore",
    "pause_tiny_restore:",
    "mov eax, {nr}",
    "syscall",
    ".popsection",
    nr = const nr::RT_SIGRETURN,
);
#[cfg(target_arch = "aarch64")]
core::arch::global_asm!(
    ".pushsection .text.pause_tiny_restore,\"ax\",@progbits",
    ".globl pause_tiny_restore",
    "pause_tiny_restore:",
    "mov x8, #{nr}",
    "svc 0",
    ".popsection",
    nr = const nr::RT_SIGRETURN,
);

/// What to do on a signal, in the form the kernel takes: `handler`, run
/// with `flags` and an empty mask (no SA_RESTART). Built at compile time,
/// so that a `static` of it is 32 bytes of data, not code that fills them.
pub struct Action(KernelSigaction);

impl Action {
    pub const fn new(handler: extern "C" fn(i32), flags: u64) -> Action {
        Action(KernelSigaction {
            handler,
            flags: flags | SA_RESTORER,
            restorer: pause_tiny_restore,
            mask: 0,
        })
    }

    /// Installs this action for `signal`, like sigaction(2). Returns the
    /// kernel's `-errno` on failure.
    ///
    /// # Safety
    /// The handler runs at any point of the program: it must only make
    /// async-signal-safe calls (these raw system calls are).
    pub unsafe fn install(&self, signal: i32) -> Result<(), isize> {
        let old = 0usize; // NULL: we do not want the previous action
        let sigsetsize = 8usize; // the mask's size, on both arches
        // SAFETY: the kernel only reads `self.0`, which outlives the call.
        let ret = unsafe { syscall!(nr::RT_SIGACTION, signal as usize, &self.0, old, sigsetsize) };
        if ret < 0 { Err(ret) } else { Ok(()) }
    }
}
// ANCHOR_END: catch
