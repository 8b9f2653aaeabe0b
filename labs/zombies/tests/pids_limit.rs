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
