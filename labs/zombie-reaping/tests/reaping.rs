//! Orphans, zombies and who reaps them.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use zombie_reaping::pod::InitKind;

use common::{bin, inside, namespaces, pause, pod, wait_for_zombies};

/// Runs `zombie-reaping demo --init INIT --orphans N --json`.
fn demo(init: &str, orphans: usize) -> Option<Value> {
    if !namespaces() {
        return None;
    }
    let pause = pause()?;
    let out = Command::new(bin())
        .args([
            "demo",
            "--init",
            init,
            "--orphans",
            &orphans.to_string(),
            "--json",
        ])
        .arg("--pause")
        .arg(&pause)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["init"], init);
    assert_eq!(report["orphans"], orphans);
    assert_eq!(report["settled"], true, "{report}");
    Some(report)
}

#[test]
fn orphans_are_reparented_to_pid_1_of_their_namespace() {
    for kind in [InitKind::Pause, InitKind::None] {
        let Some(pod) = pod(kind) else { return };
        let out = inside(&pod, bin(), &["orphans", "20", "--report", "--quiet"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let reports: Vec<(i32, i32)> = stdout
            .lines()
            .map(|line| {
                let rest = line.strip_prefix("orphan ").expect(line);
                let (pid, parent) = rest.split_once(" parent ").expect(line);
                (pid.parse().unwrap(), parent.parse().unwrap())
            })
            .collect();
        assert_eq!(reports.len(), 20, "{stdout}");
        for (pid, parent) in reports {
            assert_ne!(pid, 1, "an orphan cannot be PID 1");
            assert_eq!(parent, 1, "orphan {pid} of {kind:?} has parent {parent}");
        }
    }
}

#[test]
fn pause_leaves_no_zombies_from_1000_orphans() {
    let Some(report) = demo("pause", 1000) else {
        return;
    };
    assert_eq!(report["zombies"], 0, "{report}");
}

#[test]
fn an_init_that_never_waits_keeps_all_1000_zombies() {
    let Some(report) = demo("none", 1000) else {
        return;
    };
    assert_eq!(report["zombies"], 1000, "{report}");
}

#[test]
fn reaping_one_child_per_sigchld_leaves_zombies() {
    let Some(report) = demo("once", 1000) else {
        return;
    };
    let zombies = report["zombies"].as_u64().unwrap();
    // SIGCHLDs coalesced: far fewer signals than exits, so zombies remain.
    assert!(zombies > 0 && zombies < 1000, "{report}");
}

#[test]
fn a_subreaper_collects_orphans_without_being_pid_1() {
    let run = |extra: &[&str]| -> Value {
        let out = Command::new(bin())
            .args(["subreaper", "--orphans", "100", "--json"])
            .args(extra)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let on = run(&[]);
    let pid = on["pid"].as_i64().unwrap();
    assert_ne!(pid, 1);
    assert_eq!(
        on["parents"],
        serde_json::json!({ pid.to_string(): 100 }),
        "{on}"
    );
    assert_eq!(on["reaped"], 100, "{on}");

    let off = run(&["--off"]);
    let pid = off["pid"].as_i64().unwrap();
    assert!(off["parents"].get(pid.to_string()).is_none(), "{off}");
    assert_eq!(off["reaped"], 0, "{off}");
}

#[test]
fn count_reports_the_zombies_of_a_namespace() {
    let Some(keeper) = pod(InitKind::None) else {
        return;
    };
    let Some(reaper) = pod(InitKind::Pause) else {
        return;
    };
    for p in [&keeper, &reaper] {
        let out = inside(p, bin(), &["orphans", "25", "--quiet"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    wait_for_zombies(&keeper, 25);
    wait_for_zombies(&reaper, 0);
    for (p, expected) in [(&keeper, "25\n"), (&reaper, "0\n")] {
        Command::new(bin())
            .args(["count", "--pid", &p.pid().to_string()])
            .assert()
            .success()
            .stdout(expected.to_string());
    }
}
