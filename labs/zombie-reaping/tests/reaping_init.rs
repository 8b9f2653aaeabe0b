//! The `loop` init (the reaping-init exercise): every orphan of a burst is
//! reaped, however many SIGCHLDs coalesced, and the zombie count falls to 0.

mod common;

use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use zombie_reaping::pod::InitKind;

use common::{bin, inside, namespaces, pause, pod, wait_for_zombies};

#[test]
fn the_loop_init_leaves_no_zombies_from_1000_orphans_that_exit_together() {
    if !namespaces() || pause().is_none() {
        return;
    }
    let out = Command::new(bin())
        .args(["demo", "--init", "loop", "--orphans", "1000", "--json"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "`demo --init loop` failed (did the init crash?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["settled"], true, "the count never settled: {report}");
    assert_eq!(
        report["zombies"], 0,
        "1000 orphans exited together; expected 0 zombies left, saw {} \
         (one waitpid per SIGCHLD is not enough: signals coalesce)",
        report["zombies"]
    );
}

#[test]
fn the_loop_init_reaps_orphans_that_exit_one_by_one() {
    let Some(pod) = pod(InitKind::Loop) else {
        return;
    };
    let out = inside(&pod, bin(), &["orphans", "300", "--one-by-one", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    wait_for_zombies(&pod, 0);
    // Still PID 1 and still alive: a handler that panics or exits kills the pod.
    let status = nsproc::procfs::status(pod.pid()).expect("the init is gone");
    assert_eq!(
        status.name, "init-loop",
        "the init is not the one we started"
    );
}

#[test]
fn the_loop_init_sleeps_again_while_a_child_still_runs() {
    let Some(pod) = pod(InitKind::Loop) else {
        return;
    };
    let pid = pod.pid();
    // A sleep orphaned to the init: a child that stays alive.
    // Its output goes nowhere: a sleep holding a pipe would keep us waiting.
    let started = inside(&pod, "sh", &["-c", "sleep 1000 & exit 0"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(started.success(), "{started:?}");
    let bound = Duration::from_secs(10);
    let stayer = nsproc::wait_until(bound, "a sleep adopted by the init", || {
        let children = nsproc::procfs::children_of(pid).ok()?;
        (children.len() == 1).then(|| children[0])
    })
    .unwrap();
    // One more orphan, which exits at once: a SIGCHLD while a child lives.
    let out = inside(&pod, bin(), &["orphans", "1", "--one-by-one", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let asleep = || {
        let status = nsproc::procfs::status(pid).ok()?;
        let children = nsproc::procfs::children_of(pid).ok()?;
        (status.state == 'S' && children == [stayer]).then_some(())
    };
    nsproc::wait_until(bound, "the init to reap the orphan and sleep again", asleep)
        .unwrap_or_else(|e| {
            let state = nsproc::procfs::status(pid).map(|s| s.state).unwrap_or('?');
            panic!(
                "{e}: the init is in state {state}, not asleep, with one child still \
                 running (does the handler loop while waitpid says StillAlive?)"
            )
        });
    let ticks = nsproc::procfs::cpu_ticks(pid).unwrap();
    std::thread::sleep(Duration::from_millis(300)); // a measurement window
    assert_eq!(
        nsproc::procfs::cpu_ticks(pid).unwrap(),
        ticks,
        "the init keeps using CPU time with nothing to reap"
    );
}
