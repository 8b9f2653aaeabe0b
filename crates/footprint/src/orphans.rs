//! The orphan maker, run by the benchmark inside an init's PID namespace as
//! `footprint make-orphans N`: it forks N children that block reading a
//! pipe, prints the time, and exits. Its exit
//! closes the pipe's last write end, so all N children end at once, and
//! their zombies fall to the namespace's init, which must reap them all.

use std::io::Write;

use nix::unistd::{ForkResult, fork, pipe};

/// Runs the orphan maker; returns only on error.
pub fn run(count: usize) -> Result<(), String> {
    let (read_end, write_end) = pipe().map_err(|e| format!("create a pipe: {e}"))?;
    for made in 0..count {
        // SAFETY: this process is single-threaded (it has just started and
        // spawned no thread), so the child may run any code; it only makes
        // raw system calls anyway.
        match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                drop(write_end);
                let mut byte = [0u8; 1];
                // SAFETY: read(2) into a one-byte buffer, then _exit(2).
                unsafe {
                    libc::read(
                        std::os::fd::AsRawFd::as_raw_fd(&read_end),
                        byte.as_mut_ptr().cast(),
                        1,
                    );
                    libc::_exit(0)
                }
            }
            Ok(ForkResult::Parent { .. }) => {}
            Err(e) => return Err(format!("fork orphan {made} of {count}: {e}")),
        }
    }
    drop(read_end);
    // Say when we let them go: the benchmark times from here. (It cannot
    // talk to us while we run: nsproc's spawn returns only once we exit.)
    let mut out = std::io::stdout();
    writeln!(out, "{}", monotonic_ns())
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())?;
    drop(write_end);
    Ok(())
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
