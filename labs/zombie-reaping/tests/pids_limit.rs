//! Why zombies hurt: they keep their PIDs, and a pids cgroup counts them.

mod common;

use assert_cmd::Command;
use serde_json::Value;

use common::{bin, namespaces, pause, root};

fn pids_limit(init: &str) -> Option<Value> {
    if !root("root, to create a pids cgroup") || !namespaces() {
        return None;
    }
    let out = Command::new(bin())
        .args([
            "pids-limit",
            "--init",
            init,
            "--limit",
            "32",
            "--orphans",
            "100",
            "--json",
        ])
        .arg("--pause")
        .arg(pause()?)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let path = report["cgroup_path"].as_str().unwrap();
    assert!(
        !std::path::Path::new(path).exists(),
        "{path} was left behind"
    );
    Some(report)
}

#[test]
fn zombies_fill_a_pids_limit_until_fork_fails() {
    let Some(report) = pids_limit("none") else {
        return;
    };
    assert_eq!(report["fork_error"], "EAGAIN", "{report}");
    let made = report["made"].as_u64().unwrap();
    assert!(made < 100, "{report}");
    assert_eq!(report["zombies"], made, "{report}");
    // The zombies, plus the init, are all charged to the cgroup.
    assert_eq!(report["pids_current"], made + 1, "{report}");
}

#[test]
fn with_pause_the_same_pod_stays_healthy() {
    let Some(report) = pids_limit("pause") else {
        return;
    };
    assert_eq!(report["fork_error"], Value::Null, "{report}");
    assert_eq!(report["made"], 100, "{report}");
    assert_eq!(report["zombies"], 0, "{report}");
    assert_eq!(report["pids_current"], 1, "{report}");
}

/// `pids-limit` started in the background; returns it once its cgroup exists.
fn started_pids_limit(pause: &std::path::Path) -> (std::process::Child, std::path::PathBuf) {
    let child = std::process::Command::new(bin())
        .args([
            "pids-limit",
            "--init",
            "pause",
            "--limit",
            "64",
            "--orphans",
            "5000",
        ])
        .arg("--pause")
        .arg(pause)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (root, _) = zombie_reaping::pids_cgroup::find_pids_hierarchy().unwrap();
    let group = root.join(format!("zombie-reaping-{}", child.id()));
    nsproc::wait_until(
        std::time::Duration::from_secs(20),
        "the run's cgroup",
        || group.join("pids.current").exists().then_some(()),
    )
    .unwrap();
    (child, group)
}

/// Removes a group a failed test left (killing what is in it).
struct GroupGuard(std::path::PathBuf);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        let procs = std::fs::read_to_string(self.0.join("cgroup.procs")).unwrap_or_default();
        for pid in procs.split_whitespace().filter_map(|p| p.parse().ok()) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        let _ = nsproc::wait_until(std::time::Duration::from_secs(10), "rmdir", || {
            std::fs::remove_dir(&self.0)
                .ok()
                .or((!self.0.exists()).then_some(()))
        });
    }
}

#[test]
fn an_interrupted_run_removes_its_cgroup() {
    if !root("root, to create a pids cgroup") || !namespaces() {
        return;
    }
    let Some(pause) = pause() else { return };
    for signal in [
        nix::sys::signal::Signal::SIGINT,
        nix::sys::signal::Signal::SIGTERM,
    ] {
        let (mut child, group) = started_pids_limit(&pause);
        let _guard = GroupGuard(group.clone());
        let pid = nix::unistd::Pid::from_raw(child.id() as i32);
        nix::sys::signal::kill(pid, signal).unwrap();
        let status = child.wait().unwrap();
        // It was still running, and ended the way a shell reports a signal.
        assert_eq!(
            status.code(),
            Some(128 + signal as i32),
            "{signal}: {status}"
        );
        assert!(!group.exists(), "{signal}: {} left", group.display());
    }
}

#[test]
fn a_group_left_by_a_killed_run_is_removed_by_the_next() {
    if !root("root, to create a pids cgroup") || !namespaces() {
        return;
    }
    let Some(pause) = pause() else { return };
    let (mut child, stale) = started_pids_limit(&pause);
    let _guard = GroupGuard(stale.clone());
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(stale.exists(), "SIGKILL cannot be caught: the group stays");
    let report = pids_limit("pause").expect("the prerequisites held a moment ago");
    assert_eq!(report["zombies"], 0, "{report}");
    assert!(
        !stale.exists(),
        "{} was not removed by the next run",
        stale.display()
    );
}
