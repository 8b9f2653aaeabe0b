//! Telling a live process from a dead one, and from a newer process that
//! reused its PID: a PID plus its start time (field 22 of /proc/PID/stat)
//! names one process for the life of the machine.

use std::path::PathBuf;
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde::{Deserialize, Serialize};

use nsproc::NsKind;

/// One process, recorded in a pod's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessId {
    pub pid: i32,
    /// Start time in clock ticks since boot.
    pub started: u64,
}

impl ProcessId {
    /// The process now running as `pid`, if any.
    pub fn of(pid: i32) -> Option<ProcessId> {
        nsproc::procfs::stat(pid).ok().map(|stat| ProcessId {
            pid,
            started: stat.start_time,
        })
    }

    /// Still running: same start time, and not a zombie waiting for its
    /// parent (init here, which may take a moment) to reap it.
    pub fn is_alive(&self) -> bool {
        nsproc::procfs::stat(self.pid)
            .is_ok_and(|stat| stat.start_time == self.started && stat.running())
    }

    /// Sends `signal` if this very process is still alive.
    pub fn signal(&self, signal: Signal) {
        if self.is_alive() {
            let _ = kill(Pid::from_raw(self.pid), signal);
        }
    }

    /// Waits up to `timeout` for the process to end; true if it did.
    pub fn wait_dead(&self, timeout: Duration) -> bool {
        nsproc::wait_until(timeout, "process to end", || {
            (!self.is_alive()).then_some(())
        })
        .is_ok()
    }

    /// SIGTERM, then SIGKILL if it is still there after `grace`.
    pub fn stop(&self, grace: Duration) {
        self.signal(Signal::SIGTERM);
        if !self.wait_dead(grace) {
            self.signal(Signal::SIGKILL);
            self.wait_dead(Duration::from_secs(5));
        }
    }
}

/// The namespace inodes of `pid` for the kinds a pod is made of, in the
/// order net, ipc, uts, pid, mnt (None where /proc does not tell us).
pub fn inodes(pid: i32) -> [Option<u64>; 5] {
    [
        NsKind::Net,
        NsKind::Ipc,
        NsKind::Uts,
        NsKind::Pid,
        NsKind::Mnt,
    ]
    .map(|kind| nsproc::ns_inode(pid, kind).ok())
}

/// The command line of `pid`, arguments separated by spaces.
pub fn command_line(pid: i32) -> String {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let words: Vec<String> = raw
        .split(|&b| b == 0)
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    if words.is_empty() {
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|c| format!("[{}]", c.trim()))
            .unwrap_or_default()
    } else {
        words.join(" ")
    }
}

/// The PID that `pid` has in its own (innermost) PID namespace.
pub fn pid_in_own_namespace(pid: i32) -> Option<i32> {
    nsproc::procfs::status(pid)
        .ok()
        .and_then(|status| status.pid_in_own_namespace())
}

/// Every PID in /proc.
pub fn all_pids() -> Vec<i32> {
    std::fs::read_dir("/proc")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The path of program `name`: a path as given, else the first match in $PATH.
pub fn find_in_path(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return Some(PathBuf::from(name));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
