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

use anyhow::Context;
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::time::{ClockId, clock_gettime};
use nix::unistd::{ForkResult, Pid, fork};

/// Runs the orphan maker; returns once the `count` zombies are ready to be
/// handed over (our exit hands them over).
pub fn run(count: usize) -> anyhow::Result<()> {
    let mut children: Vec<Pid> = Vec::with_capacity(count);
    for made in 0..count {
        // SAFETY: this process is single-threaded (it has just started and
        // spawned no thread); the child only calls _exit(2).
        match unsafe { fork() } {
            // SAFETY: _exit(2) is async-signal-safe and ends the child now.
            Ok(ForkResult::Child) => unsafe { libc::_exit(0) },
            Ok(ForkResult::Parent { child }) => children.push(child),
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot fork orphan {made} of {count} (lower N, or raise ulimit -u)")
                });
            }
        }
    }
    for child in &children {
        // WNOWAIT: wait until it is a zombie, but leave it for the init.
        waitid(Id::Pid(*child), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT)
            .with_context(|| format!("cannot wait for orphan {child} to exit"))?;
    }
    // Say when we hand them over: the benchmark times from here. (It cannot
    // talk to us while we run: nsproc's spawn returns only once we exit.)
    let now = monotonic_ns()?;
    let mut out = std::io::stdout();
    writeln!(out, "{now}")
        .and_then(|()| out.flush())
        .context("cannot write the hand-over time to stdout")
}

/// CLOCK_MONOTONIC in nanoseconds: comparable between processes.
pub fn monotonic_ns() -> anyhow::Result<u64> {
    let now = clock_gettime(ClockId::CLOCK_MONOTONIC).context("cannot read CLOCK_MONOTONIC")?;
    Ok(now.tv_sec() as u64 * 1_000_000_000 + now.tv_nsec() as u64)
}
