//! Removing everything a run made: its processes (bash's process group and
//! session), the pods in its state directory (`setns-demo rm`, which finds
//! what is the pod's from /proc, not from the state alone; then, for what
//! rm could not remove, a sweep that kills the pods' processes), and the
//! state directory itself.

use std::io::ErrorKind;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use nsproc::{NsKind, procfs};

use crate::labenv::{self, RunPlace};
use crate::pod;

/// How long processes get after SIGTERM before SIGKILL.
pub const KILL_GRACE: Duration = Duration::from_secs(2);

/// How long `setns-demo rm` may take before the sweep takes over.
const RM_TIMEOUT: Duration = Duration::from_secs(15);

/// Makes a fresh private (0700) state directory under the temp folder.
pub fn make_state_dir(run_id: &str) -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("lab-runner-{run_id}"));
    std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    Ok(dir)
}

/// Live processes (not zombies) of session `sid`, or of process group
/// `sid` (for one that left the session but kept the group).
pub fn members(sid: i32) -> Vec<i32> {
    procfs::all_pids()
        .unwrap_or_default()
        .into_iter()
        .filter(|&pid| {
            procfs::stat(pid)
                .is_ok_and(|stat| (stat.pgrp == sid || stat.session == sid) && stat.running())
        })
        .collect()
}

fn signal_all(sid: i32, signal: Signal) {
    let _ = killpg(Pid::from_raw(sid), signal);
    for pid in members(sid) {
        let _ = kill(Pid::from_raw(pid), signal);
    }
}

/// SIGTERM to bash's group and session, then SIGKILL to what is left
/// after [`KILL_GRACE`]. Returns once none is left (or after 10 s).
pub async fn kill_session(sid: i32) {
    signal_all(sid, Signal::SIGTERM);
    let deadline = Instant::now() + KILL_GRACE;
    while Instant::now() < deadline && !members(sid).is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !members(sid).is_empty() && Instant::now() < deadline {
        signal_all(sid, Signal::SIGKILL);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `setns-demo rm` for every pod of the run's state directory, then the
/// directory. Says on stderr what it could not remove.
pub async fn remove_pods_and_state(place: &RunPlace) {
    let names = pod::pod_names(&place.state_dir);
    let rm_exists = place.bin_dir.join("setns-demo").is_file();
    for name in &names {
        if !rm_exists {
            eprintln!(
                "lab-runner: cannot remove pod {name}: {} is gone",
                place.bin_dir.join("setns-demo").display()
            );
            continue;
        }
        let mut rm = labenv::setns_demo(place);
        rm.args(["rm", name])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        match tokio::time::timeout(RM_TIMEOUT, rm.output()).await {
            Ok(Ok(out)) if out.status.success() => {}
            Ok(Ok(out)) => eprintln!(
                "lab-runner: setns-demo rm {name} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Ok(Err(e)) => eprintln!("lab-runner: cannot run setns-demo rm {name}: {e}"),
            Err(_) => eprintln!("lab-runner: setns-demo rm {name} took over {RM_TIMEOUT:?}"),
        }
    }
    // Whatever rm could not remove: kill it, so its namespaces (and the
    // veth pairs in them) go with it.
    let swept = sweep(&place.state_dir, &names).await;
    if swept > 0 {
        eprintln!("lab-runner: killed {swept} leftover processes of the run's pods");
    }
    remove_dir(&place.state_dir);
}

/// Processes started for a pod of `state_dir` (pause and the forwarder
/// carry `SETNS_DEMO_POD=<state_dir>/<pod>`), and the members `exec`
/// recorded (the very process, in a PID namespace other than ours):
/// SIGKILL, until none is left (at most 5 s). Returns how many there were.
async fn sweep(state_dir: &Path, names: &[String]) -> usize {
    let find = || {
        // Our state directories have ASCII names (lab-runner-<hex>).
        let prefix = format!("SETNS_DEMO_POD={}/", state_dir.to_string_lossy());
        let ours = nsproc::ns_inode(std::process::id() as i32, NsKind::Pid).ok();
        let mut pids: Vec<i32> = procfs::all_pids()
            .unwrap_or_default()
            .into_iter()
            .filter(|&pid| {
                procfs::environ(pid).is_ok_and(|env| env.iter().any(|v| v.starts_with(&prefix)))
            })
            .filter(|&pid| procfs::stat(pid).is_ok_and(|stat| stat.running()))
            .collect();
        for name in names {
            for (pid, started) in pod::recorded_members(&state_dir.join(name)) {
                let other_ns = nsproc::ns_inode(pid, NsKind::Pid).ok() != ours;
                if pod::is_alive(pid, started) && other_ns {
                    pids.push(pid);
                }
            }
        }
        pids.sort();
        pids.dedup();
        pids
    };
    let first = find();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut left = first.clone();
    while !left.is_empty() && Instant::now() < deadline {
        for &pid in &left {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        left = find();
    }
    first.len()
}

fn remove_dir(dir: &Path) {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => eprintln!("lab-runner: cannot remove {}: {e}", dir.display()),
    }
}
