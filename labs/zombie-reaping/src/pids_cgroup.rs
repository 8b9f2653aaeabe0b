//! Why zombies hurt: a `pids` cgroup caps how many processes a pod may
//! have, and a zombie still holds its PID (and its place in the count) until
//! it is reaped. With an init that never reaps, zombies fill the limit and
//! `fork` fails with EAGAIN; with pause, the pod stays healthy.
//!
//! Works with cgroup v1 (a `pids` hierarchy) and v2 (a unified hierarchy
//! with the `pids` controller). The cgroup, `zombie-reaping-<our PID>`, is
//! removed when dropped, when SIGINT or SIGTERM ends the run, and (after a
//! SIGKILL, which nothing can catch) by the next run, which removes the
//! groups of runs that are no longer alive.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use nix::sys::signal::{SigSet, Signal, kill};
use nix::unistd::Pid;

use crate::census::census;
use crate::demo::{Progress, watch};
use crate::orphans::ForkFailed;
use crate::pod::{InitKind, Pod};
use crate::{Error, Result};

/// Which cgroup hierarchy holds the `pids` controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// A `pids` cgroup of our own, removed on drop (its processes killed first).
#[derive(Debug)]
pub struct PidsCgroup {
    pub path: PathBuf,
    pub version: Version,
}

/// Finds the `pids` controller: a v1 hierarchy of its own if mounted (the
/// controller is then bound there), else a v2 hierarchy that offers it.
pub fn find_pids_hierarchy() -> Result<(PathBuf, Version)> {
    let mountinfo = fs::read_to_string("/proc/self/mountinfo")
        .map_err(|e| Error::new(format!("could not read /proc/self/mountinfo: {e}")))?;
    let mut v2 = None;
    for line in mountinfo.lines() {
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let Some(mount_point) = left.split_whitespace().nth(4) else {
            continue;
        };
        let mut right = right.split_whitespace();
        let (fstype, options) = (right.next(), right.nth(1).unwrap_or(""));
        match fstype {
            Some("cgroup") if options.split(',').any(|o| o == "pids") => {
                return Ok((PathBuf::from(mount_point), Version::V1));
            }
            Some("cgroup2") => {
                let controllers =
                    fs::read_to_string(Path::new(mount_point).join("cgroup.controllers"))
                        .unwrap_or_default();
                if controllers.split_whitespace().any(|c| c == "pids") {
                    v2.get_or_insert(PathBuf::from(mount_point));
                }
            }
            _ => {}
        }
    }
    v2.map(|path| (path, Version::V2)).ok_or_else(|| {
        Error::new("no cgroup hierarchy here offers the pids controller (see /proc/self/mountinfo)")
    })
}

/// The prefix of our cgroups' names; the rest is the PID of the run.
pub const GROUP_PREFIX: &str = "zombie-reaping-";

/// Whether `pid` is a live `zombie-reaping` run.
fn is_live_run(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "zombie-reaping")
}

/// Removes the groups left by runs that died without cleaning up (SIGKILL).
pub fn remove_stale_groups(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(root) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(GROUP_PREFIX)
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() as i32 && !is_live_run(pid) {
            let path = entry.path();
            remove_group(&path);
            if !path.exists() {
                removed.push(path);
            }
        }
    }
    removed
}

/// Kills what is left in the group, then removes it (only an empty group
/// can be removed).
fn remove_group(path: &Path) {
    if !path.exists() {
        return;
    }
    let procs = fs::read_to_string(path.join("cgroup.procs")).unwrap_or_default();
    for pid in procs.split_whitespace().filter_map(|p| p.parse().ok()) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
    let _ = nsproc::wait_until(Duration::from_secs(10), "the cgroup to be removed", || {
        fs::remove_dir(path).ok()
    });
}

/// Taken by the interrupt's cleanup, and by the ordinary one.
static INTERRUPTED: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// On SIGINT or SIGTERM, removes the group at `path` and exits as a shell
/// reports a signal (128 + N). The signals are blocked and taken by a
/// thread with sigwait, so the cleanup runs as ordinary code; children get
/// an empty signal mask from their spawners.
fn remove_on_interrupt(path: PathBuf) -> Result<()> {
    let signals = SigSet::from_iter([Signal::SIGINT, Signal::SIGTERM]);
    signals
        .thread_block()
        .map_err(|e| Error::new(format!("could not block SIGINT and SIGTERM: {e}")))?;
    std::thread::spawn(move || {
        if let Ok(signal) = signals.wait() {
            // Held until we exit: the main thread, at its own cleanup, waits
            // here instead of ending the process first with its own status.
            let _exiting = INTERRUPTED.lock();
            remove_group(&path);
            std::process::exit(128 + signal as i32);
        }
    });
    Ok(())
}

impl PidsCgroup {
    /// Creates cgroup `name` with `pids.max = max`.
    pub fn create(name: &str, max: u64) -> Result<PidsCgroup> {
        let (root, version) = find_pids_hierarchy()?;
        if version == Version::V2 {
            enable_pids_for_children(&root)?;
        }
        remove_stale_groups(&root);
        let path = root.join(name);
        fs::create_dir(&path).map_err(|e| {
            Error::new(format!(
                "could not create the cgroup {}: {e} (creating cgroups needs root, \
                 or a cgroup v2 subtree delegated to you)",
                path.display()
            ))
        })?;
        let cgroup = PidsCgroup { path, version };
        cgroup.write("pids.max", &max.to_string())?;
        Ok(cgroup)
    }

    fn write(&self, file: &str, value: &str) -> Result<()> {
        let path = self.path.join(file);
        fs::write(&path, value).map_err(|e| {
            Error::new(format!(
                "could not write {value} to {}: {e}",
                path.display()
            ))
        })
    }

    fn read(&self, file: &str) -> Result<String> {
        let path = self.path.join(file);
        fs::read_to_string(&path)
            .map(|t| t.trim().to_string())
            .map_err(|e| Error::new(format!("could not read {}: {e}", path.display())))
    }

    /// Moves process `pid` into the cgroup.
    pub fn add(&self, pid: i32) -> Result<()> {
        self.write("cgroup.procs", &pid.to_string())
    }

    /// Makes `command` join the cgroup right after its fork, before anything
    /// else it does (so its own children are counted too).
    pub fn join_on_start(&self, command: &mut Command) -> Result<()> {
        let path = self.path.join("cgroup.procs");
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| Error::new(format!("bad cgroup path {}", path.display())))?;
        // SAFETY: between fork and exec: raw open/write/close on a path
        // prepared before the fork; "0" means "the writing process".
        unsafe {
            command.pre_exec(move || {
                let fd = libc::open(c_path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
                if fd < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let written = libc::write(fd, b"0".as_ptr().cast(), 1);
                libc::close(fd);
                if written != 1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        Ok(())
    }

    /// `pids.current`: processes (zombies included) charged to the cgroup.
    pub fn current(&self) -> Result<u64> {
        let text = self.read("pids.current")?;
        text.parse()
            .map_err(|_| Error::new(format!("unexpected pids.current: {text:?}")))
    }
}

impl Drop for PidsCgroup {
    fn drop(&mut self) {
        let _cleaning = INTERRUPTED.lock();
        remove_group(&self.path);
    }
}

/// On cgroup v2 a child gets the controllers listed in its parent's
/// `cgroup.subtree_control`.
fn enable_pids_for_children(parent: &Path) -> Result<()> {
    let control = parent.join("cgroup.subtree_control");
    let enabled = fs::read_to_string(&control).unwrap_or_default();
    if enabled.split_whitespace().any(|c| c == "pids") {
        return Ok(());
    }
    fs::write(&control, "+pids").map_err(|e| {
        Error::new(format!(
            "could not enable the pids controller in {}: {e}",
            control.display()
        ))
    })
}

/// What the pids demonstration saw.
#[derive(Clone, Debug, PartialEq)]
pub struct PidsReport {
    pub init: InitKind,
    pub version: Version,
    /// Where the cgroup was (it is removed by the time the report is read).
    pub path: PathBuf,
    pub limit: u64,
    pub orphans: usize,
    /// How many orphans were made; fewer than asked when fork failed.
    pub made: usize,
    /// The failed fork's error (EAGAIN), if any.
    pub fork_error: Option<String>,
    pub zombies: usize,
    pub pids_current: u64,
}

impl PidsReport {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "init": self.init.name(),
            "cgroup": match self.version { Version::V1 => "v1", Version::V2 => "v2" },
            "cgroup_path": self.path.display().to_string(),
            "limit": self.limit,
            "orphans": self.orphans,
            "made": self.made,
            "fork_error": self.fork_error,
            "zombies": self.zombies,
            "pids_current": self.pids_current,
        })
    }
}

/// Puts a pod under `pids.max = limit` and makes `orphans` orphans in it,
/// one at a time.
pub fn run(
    init: InitKind,
    limit: u64,
    orphans: usize,
    pause: Option<&Path>,
    progress: &Progress,
) -> Result<PidsReport> {
    if limit < 4 {
        return Err(Error::new(format!(
            "a limit of {limit} leaves no room for the init, the orphan maker and one orphan: give 4 or more"
        )));
    }
    let name = format!("{GROUP_PREFIX}{}", std::process::id());
    // Taken over before the group exists: a signal in between would leave it.
    remove_on_interrupt(find_pids_hierarchy()?.0.join(&name))?;
    let cgroup = PidsCgroup::create(&name, limit)?;
    let say = |line: String| {
        if !matches!(progress, Progress::Quiet) {
            println!("{line}");
        }
    };
    say(format!(
        "pids cgroup ({}) {}: pids.max = {limit}",
        match cgroup.version {
            Version::V1 => "v1",
            Version::V2 => "v2",
        },
        cgroup.path.display()
    ));
    // Declared after the cgroup, so dropped (killed) before it is removed.
    let pod = Pod::start(init, pause, &[])?;
    cgroup.add(pod.pid())?;
    say(format!("PID 1: {} (host PID {})", init.name(), pod.pid()));

    let mut maker = Command::new(crate::pod::this_program()?);
    maker.args(["orphans", &orphans.to_string(), "--one-by-one", "--quiet"]);
    cgroup.join_on_start(&mut maker)?;
    let output = pod
        .enter(maker)?
        .output()
        .map_err(|e| Error::new(format!("could not run the orphan maker: {e}")))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failure = parse_failure(&stderr);
    let (made, fork_error) = match (output.status.success(), failure) {
        (true, _) => (orphans, None),
        (false, Some(failed)) => (failed.made, Some(format!("{:?}", failed.errno))),
        (false, None) => {
            return Err(Error::new(format!(
                "the orphan maker failed ({}): {}",
                output.status,
                stderr.trim()
            )));
        }
    };
    match &fork_error {
        None => say(format!("made {made} orphans, one at a time")),
        Some(errno) => say(format!(
            "made {made} orphans, then fork failed with {errno}: the pod cannot start a process"
        )),
    }
    let (last, _, _, _) = watch(pod.pid(), orphans, &Progress::Quiet)?;
    let zombies = census(pod.pid()).map_or(last.zombies, |c| c.zombies);
    let pids_current = cgroup.current()?;
    say(format!(
        "zombies: {zombies}; pids.current = {pids_current} of {limit}"
    ));
    Ok(PidsReport {
        init,
        version: cgroup.version,
        path: cgroup.path.clone(),
        limit,
        orphans,
        made,
        fork_error,
        zombies,
        pids_current,
    })
}

/// Reads the orphan maker's `fork failed after N orphans: ERRNO (...)`.
fn parse_failure(stderr: &str) -> Option<ForkFailed> {
    let rest = stderr.split("fork failed after ").nth(1)?;
    let (made, rest) = rest.split_once(" orphans: ")?;
    let name = rest.split_whitespace().next()?;
    let errno = [
        nix::errno::Errno::EAGAIN,
        nix::errno::Errno::ENOMEM,
        nix::errno::Errno::EPERM,
    ]
    .into_iter()
    .find(|e| format!("{e:?}") == name)?;
    Some(ForkFailed {
        made: made.trim().parse().ok()?,
        errno,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_makers_failure() {
        let text = "zombie-reaping: fork failed after 27 orphans: EAGAIN (Try again)\n";
        let failed = parse_failure(text).unwrap();
        assert_eq!(failed.made, 27);
        assert_eq!(failed.errno, nix::errno::Errno::EAGAIN);
        assert_eq!(parse_failure("something else"), None);
    }
}
