//! Running cargo so that what the tests leave behind can neither hang the
//! checker nor outlive it. A test that fails half-way may leave a process it
//! started running (a pause that never got its signal, a pod's member): it
//! inherited cargo's standard output, so reading cargo's output through a
//! pipe would wait for it forever. cargo writes to files instead; when cargo
//! has exited, every process still holding one of them open, or still
//! carrying this run's marker in its environment (a daemon that let go of
//! its output), is a leftover of this run, and is ended.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use nsproc::procfs;

use crate::error::Error;

/// What one cargo run printed, and what it left running.
pub struct Run {
    pub output: Output,
    /// `PID command line` of each process it left behind (ended since).
    pub leftovers: Vec<String>,
}

/// Runs `command` to its end with its output in temporary files, then ends
/// the processes it left holding them.
pub fn run(command: &mut Command) -> Result<Run, Error> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let stem = format!(
        "course-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let dir = std::env::temp_dir();
    let files = Files([
        dir.join(format!("{stem}.out")),
        dir.join(format!("{stem}.err")),
    ]);
    let [out, err] = [&files.0[0], &files.0[1]].map(|p| {
        File::options()
            .write(true)
            .create_new(true)
            .open(p)
            .map_err(Error::io(p))
    });
    // /proc names a file by its canonical path.
    let names = files
        .0
        .iter()
        .map(|p| std::fs::canonicalize(p).map_err(Error::io(p)))
        .collect::<Result<Vec<_>, _>>()?;
    let marker = format!("{MARKER}={stem}");
    let mut child = command
        .env(MARKER, &stem)
        .stdin(std::process::Stdio::null())
        .stdout(out?)
        .stderr(err?)
        .spawn()
        .map_err(Error::Spawn)?;
    let status = child.wait().map_err(Error::Spawn)?;
    let leftovers = end_holders(&names, &marker);
    let read = |p: &Path| std::fs::read(p).map_err(Error::io(p));
    Ok(Run {
        output: Output {
            status,
            stdout: read(&files.0[0])?,
            stderr: read(&files.0[1])?,
        },
        leftovers,
    })
}

/// The output files, removed when dropped.
struct Files([PathBuf; 2]);

impl Drop for Files {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The variable that marks the processes of one run (and what they start).
pub const MARKER: &str = "PAUSE_BOOK_CHECK_RUN";

/// Ends (SIGKILL) every other process that holds one of `files` open or
/// carries `marker` (`NAME=value`) in its environment, and waits (briefly)
/// until none is left. Returns what they were.
fn end_holders(files: &[PathBuf], marker: &str) -> Vec<String> {
    let mut ended = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut unsure_since: Option<Instant> = None;
    loop {
        let look = look(files, marker);
        if look.holders.is_empty() {
            // A process caught inside execve shows an empty environment for
            // a moment; look again until it has one. A process whose
            // environment stays empty (`env -i`) is given up after UNSURE.
            let unsure_for = unsure_since.get_or_insert_with(Instant::now).elapsed();
            if look.unsure.is_empty() || unsure_for > UNSURE || Instant::now() > deadline {
                return ended;
            }
            std::thread::yield_now();
            continue;
        }
        unsure_since = None;
        if Instant::now() > deadline {
            return ended;
        }
        for pid in look.holders {
            let line = format!("{pid} {}", procfs::cmdline(pid).unwrap_or_default());
            // SAFETY: kill(2) on a PID has no memory effects; a PID that is
            // gone by now just makes it fail with ESRCH.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            if !ended.contains(&line) {
                ended.push(line);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How long an empty environment is looked at again: an execve takes well
/// under a millisecond.
const UNSURE: Duration = Duration::from_millis(200);

/// One look at every process other than this one. Zombies hold nothing.
struct Look {
    /// Holding one of the files, or carrying the marker.
    holders: Vec<i32>,
    /// Not holding the files, with an empty environment that may be an
    /// execve under way (kernel threads, with no `exe`, are left out).
    unsure: Vec<i32>,
}

fn look(files: &[PathBuf], marker: &str) -> Look {
    let me = std::process::id() as i32;
    let mut look = Look {
        holders: Vec::new(),
        unsure: Vec::new(),
    };
    for pid in procfs::all_pids().unwrap_or_default() {
        if pid == me {
            continue;
        }
        let holds = procfs::open_files(pid)
            .is_ok_and(|open| open.iter().any(|target| files.contains(target)));
        if holds {
            look.holders.push(pid);
            continue;
        }
        match procfs::environ(pid) {
            Ok(env) if env.iter().any(|e| e == marker) => look.holders.push(pid),
            Ok(env) if env.is_empty() && std::fs::read_link(format!("/proc/{pid}/exe")).is_ok() => {
                look.unsure.push(pid)
            }
            _ => {}
        }
    }
    look
}
