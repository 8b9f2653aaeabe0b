//! The orphan maker, run by the benchmark inside an init's PID namespace as
//! `footprint make-orphans N`: it forks N children that exit at once, waits
//! (without reaping) until all N are zombies, prints the time and exits.
//! Its exit hands the N zombies to the namespace's init in one go, which
//! must reap them all.
//!
//! Zombies, not live orphans: a `waitpid(-1)` walks the caller's list of
//! children, so an init reaping while thousands of orphans still live
//! walks them again and again, and its cost would depend on timing more
//! than on the init. Handing over zombies measures the reaping itself.

use std::io::Write;

use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::{ForkResult, Pid, fork};

/// Runs the orphan maker; returns only on error.
pub fn run(count: usize) -> Result<(), String> {
    let mut children: Vec<Pid> = Vec::with_capacity(count);
    for made in 0..count {
        // SAFETY: this process is single-threaded (it has just started and
        // spawned no thread); the child only calls _exit(2).
        match unsafe { fork() } {
            // SAFETY: _exit(2) is async-signal-safe and ends the child now.
            Ok(ForkResult::Child) => unsafe { libc::_exit(0) },
            Ok(ForkResult::Parent { child }) => children.push(child),
            Err(e) => return Err(format!("fork orphan {made} of {count}: {e}")),
        }
    }
    for child in &children {
        // WNOWAIT: wait until it is a zombie, but leave it for the init.
        waitid(Id::Pid(*child), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT)
            .map_err(|e| format!("wait for orphan {child}: {e}"))?;
    }
    // Say when we hand them over: the benchmark times from here. (It cannot
    // talk to us while we run: nsproc's spawn returns only once we exit.)
    let mut out = std::io::stdout();
    writeln!(out, "{}", monotonic_ns())
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}

/// CLOCK_MONOTONIC in nanoseconds: comparable between processes.
pub fn monotonic_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into `now`, which we own.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}
