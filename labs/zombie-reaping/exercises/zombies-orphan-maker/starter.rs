//! The orphan maker: the process that leaves children behind for PID 1.
//!
//! Each orphan is made by a double fork: we fork a middle child, the middle
//! child forks the orphan and exits at once, and we reap the middle child.
//! The orphan has lost its parent, so the kernel hands it to the init of its
//! PID namespace (or to the nearest `PR_SET_CHILD_SUBREAPER` ancestor), and
//! when it exits, only that new parent can reap it.
//!
//! Exercise: write the loop of `make_orphans` (the TODO below). Check it
//! with `cargo xtask exercise check zombies-orphan-maker`. Between `fork` and `_exit` the
//! children only make raw, async-signal-safe system calls.

use nix::errno::Errno;

/// When the orphans exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exits {
    /// All orphans wait on a gate (a pipe) and exit at the same moment, once
    /// the last one has been made: a burst, like the process tree of a
    /// container that dies. Their SIGCHLDs coalesce.
    Together,
    /// Each orphan exits as soon as it is born: a steady trickle.
    OneByOne,
}

/// Why making orphans stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ForkFailed {
    /// How many orphans were made before the failure.
    pub made: usize,
    /// The error of the `fork` that failed (EAGAIN when a pids limit is hit).
    pub errno: Errno,
}

impl std::fmt::Display for ForkFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "fork failed after {} orphans: {:?} ({})",
            self.made,
            self.errno,
            self.errno.desc()
        )
    }
}

// ANCHOR: maker
/// Makes `count` orphans. With `report`, each orphan (which then must exit
/// [`Exits::Together`]) writes `orphan <pid> parent <ppid>` to stdout once it
/// has been reparented, with both PIDs as its own PID namespace sees them.
pub fn make_orphans(count: usize, exits: Exits, report: bool) -> Result<usize, ForkFailed> {
    let gate = match exits {
        Exits::Together => Some(pipe().map_err(|errno| ForkFailed { made: 0, errno })?),
        Exits::OneByOne => None,
    };
    for made in 0..count {
        // TODO: make one orphan. A child whose parent is still alive is not
        // an orphan; a child whose parent waits for it never will be.
        // - Which process must be gone before the orphan looks at its
        //   parent, and who must be left to reap that process?
        // - `be_the_orphan(gate, report)` is what the orphan does; it never
        //   returns. In a forked child use only raw `libc` calls and leave
        //   with `libc::_exit`, never `return`.
        // - A failed fork is `ForkFailed { made, errno: Errno::last() }`;
        //   `close_gate(gate)` first, or the orphans made so far wait forever.
        // - `wait_for(pid)` gives a child's exit code: a middle process can
        //   report the errno of its own failed fork through it.
        let _ = (made, report);
        todo!("make one orphan")
    }
    // Every orphan must have its new parent by now: the caller relies on it.
    close_gate(gate);
    Ok(count)
}

/// The orphan: wait at the gate (if any), say who its parent is now, exit.
unsafe fn be_the_orphan(gate: Option<(i32, i32)>, report: bool) -> ! {
    // SAFETY: raw system calls on our own file descriptors and stack buffers.
    unsafe {
        if let Some((read_end, write_end)) = gate {
            libc::close(write_end);
            let mut byte = 0u8;
            // End of file comes when the maker closes its write end.
            while libc::read(read_end, (&raw mut byte).cast(), 1) < 0
                && Errno::last() == Errno::EINTR
            {}
        }
        if report {
            let mut line = Line::default();
            line.push(b"orphan ");
            line.push_number(libc::getpid());
            line.push(b" parent ");
            line.push_number(libc::getppid());
            line.push(b"\n");
            // One write of less than PIPE_BUF bytes: lines never interleave.
            libc::write(1, line.bytes.as_ptr().cast(), line.len);
        }
        libc::_exit(0)
    }
}
// ANCHOR_END: maker

fn pipe() -> Result<(i32, i32), Errno> {
    let mut fds = [0; 2];
    // SAFETY: fds is a valid array of two ints.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } < 0 {
        return Err(Errno::last());
    }
    Ok((fds[0], fds[1]))
}

/// Opens the gate (all waiting orphans exit) and closes our read end.
fn close_gate(gate: Option<(i32, i32)>) {
    if let Some((read_end, write_end)) = gate {
        // SAFETY: closing descriptors we own.
        unsafe {
            libc::close(write_end);
            libc::close(read_end);
        }
    }
}

/// Waits for child `pid`; returns its exit code (or 128 + signal).
fn wait_for(pid: i32) -> i32 {
    let mut status = 0;
    // SAFETY: a valid pointer to an int.
    while unsafe { libc::waitpid(pid, &mut status, 0) } < 0 {
        if Errno::last() != Errno::EINTR {
            return Errno::last() as i32;
        }
    }
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    }
}

/// A line built without allocating (we are in a forked child).
struct Line {
    bytes: [u8; 64],
    len: usize,
}

impl Default for Line {
    fn default() -> Self {
        Line {
            bytes: [0; 64],
            len: 0,
        }
    }
}

impl Line {
    fn push(&mut self, text: &[u8]) {
        let room = self.bytes.len() - self.len;
        let n = text.len().min(room);
        self.bytes[self.len..self.len + n].copy_from_slice(&text[..n]);
        self.len += n;
    }

    fn push_number(&mut self, number: i32) {
        let mut digits = [0u8; 12];
        let mut i = digits.len();
        let mut rest = number.unsigned_abs();
        loop {
            i -= 1;
            digits[i] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if number < 0 {
            self.push(b"-");
        }
        self.push(&digits[i..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_built_without_allocating() {
        let mut line = Line::default();
        line.push(b"orphan ");
        line.push_number(4711);
        line.push(b" parent ");
        line.push_number(0);
        line.push_number(-12);
        assert_eq!(&line.bytes[..line.len], b"orphan 4711 parent 0-12");
    }

    #[test]
    fn fork_failure_says_how_far_it_got() {
        let failed = ForkFailed {
            made: 61,
            errno: Errno::EAGAIN,
        };
        let text = failed.to_string();
        assert!(
            text.starts_with("fork failed after 61 orphans: EAGAIN"),
            "{text}"
        );
    }
}
