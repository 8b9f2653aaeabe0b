//! Counting the processes of a PID namespace from `/proc`: how many are
//! zombies, how many still run, and whether the init has finished reaping.

use std::io::ErrorKind;

use nix::sys::signal::Signal;
use nsproc::procfs;

use crate::{Error, Result};

/// The processes of one PID namespace at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Census {
    /// Processes in state `Z`: exited, not yet reaped by their parent.
    pub zombies: usize,
    /// Every other process, the init included.
    pub live: usize,
}

/// Takes a census of the PID namespace that process `pid` lives in.
pub fn census(pid: i32) -> Result<Census> {
    check_inspectable(pid)?;
    let pids = procfs::pids_in_pid_namespace_of(pid)
        .map_err(|e| Error::new(format!("could not list the PID namespace of {pid}: {e}")))?;
    let mut count = Census {
        zombies: 0,
        live: 0,
    };
    for p in pids {
        match procfs::status(p) {
            Ok(status) if status.state == 'Z' => count.zombies += 1,
            Ok(_) => count.live += 1,
            Err(_) => {} // gone (reaped) since the listing
        }
    }
    Ok(count)
}

/// Fails with a one-line explanation unless `pid` exists and we may read
/// its namespaces.
pub fn check_inspectable(pid: i32) -> Result<()> {
    if pid <= 0 {
        return Err(Error::input(format!(
            "{pid} is not a process ID: give a PID above 0"
        )));
    }
    let path = format!("/proc/{pid}/ns/pid");
    match std::fs::metadata(&path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Err(Error::new(format!(
            "there is no process {pid} (nothing at {path})"
        ))),
        // Root is refused too when the kernel says no for another reason
        // (a ptrace restriction such as Yama, or a security module).
        Err(e) if e.kind() == ErrorKind::PermissionDenied && nix::unistd::geteuid().is_root() => {
            Err(Error::new(format!(
                "the kernel refuses to let us inspect process {pid} ({path}: permission denied, \
                 even as root): a security module or ptrace restriction forbids it"
            )))
        }
        Err(e) if e.kind() == ErrorKind::PermissionDenied => Err(Error::new(format!(
            "we may not inspect process {pid} ({path}: permission denied): run as its owner or as root"
        ))),
        Err(source) => Err(Error::Read { path, source }),
    }
}

/// Whether the init `pid` has finished: it is the only live process left in
/// its namespace, so no more SIGCHLD can come, it has none pending, and it
/// sleeps (in `pause()`, not in a handler). The zombie count is then final.
pub fn settled(pid: i32, census: Census) -> bool {
    if census.live != 1 {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    let sleeping = text
        .lines()
        .any(|l| l.starts_with("State:") && l.contains("S (sleeping)"));
    sleeping && !sigchld_pending(&text)
}

/// Whether SIGCHLD is pending for the thread (`SigPnd`) or the process (`ShdPnd`).
fn sigchld_pending(status: &str) -> bool {
    let bit = procfs::signal_bit(Signal::SIGCHLD);
    status.lines().any(|line| {
        let Some((key, value)) = line.split_once(':') else {
            return false;
        };
        (key == "SigPnd" || key == "ShdPnd")
            && u64::from_str_radix(value.trim(), 16).is_ok_and(|mask| mask & bit != 0)
    })
}

/// Host PIDs of the children of `pid`, from `/proc/PID/task/PID/children`:
/// one file read, much cheaper than a scan of `/proc` with 10,000 zombies.
pub fn children(pid: i32) -> Result<Vec<i32>> {
    let path = format!("/proc/{pid}/task/{pid}/children");
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    Ok(text
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sees_a_pending_sigchld_in_either_mask() {
        let idle = "SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n";
        let shared = "SigPnd:\t0000000000000000\nShdPnd:\t0000000000010000\n";
        let other = "SigPnd:\t0000000000000001\nShdPnd:\t0000000000000000\n";
        assert!(!sigchld_pending(idle));
        assert!(sigchld_pending(shared));
        assert!(!sigchld_pending(other));
    }

    #[test]
    fn rejects_impossible_and_missing_pids() {
        let zero = check_inspectable(0).unwrap_err().to_string();
        assert!(zero.contains("not a process ID"), "{zero}");
        let missing = check_inspectable(i32::MAX).unwrap_err().to_string();
        assert!(
            missing.contains("there is no process 2147483647"),
            "{missing}"
        );
    }
}
