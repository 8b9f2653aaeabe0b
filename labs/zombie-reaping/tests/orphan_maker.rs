//! The orphan maker (the orphan-maker exercise): every orphan is handed to
//! PID 1 of its namespace before `orphans` returns, and the maker finishes
//! on its own, whichever way the orphans exit.

mod common;

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use zombie_reaping::pod::{InitKind, Pod};

use common::{bin, inside, pod, wait_for_zombies};

/// Runs `zombie-reaping ARGS` inside the pod and returns its stdout;
/// fails if it has not finished after 30 s. The output is read by threads:
/// orphans stuck in a deadlock hold the pipes open until the pod is dropped.
fn orphans_inside(pod: &Pod, args: &[&str]) -> String {
    let mut child = inside(pod, bin(), args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let shown = format!("zombie-reaping {}", args.join(" "));
    let finished = nsproc::wait_until(Duration::from_secs(30), &shown, || {
        child.try_wait().ok().flatten()
    });
    let status = finished.unwrap_or_else(|_| {
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "`{shown}` did not finish within 30 s: does a parent wait for an orphan \
             that waits for the maker?"
        )
    });
    let stderr = stderr.join().unwrap();
    assert!(status.success(), "`{shown}` failed ({status}): {stderr}");
    stdout.join().unwrap()
}

#[test]
fn each_orphan_reports_pid_1_as_its_new_parent() {
    let Some(pod) = pod(InitKind::Pause) else {
        return;
    };
    let stdout = orphans_inside(&pod, &["orphans", "50", "--report", "--quiet"]);
    let mut pids = Vec::new();
    for line in stdout.lines() {
        let rest = line
            .strip_prefix("orphan ")
            .unwrap_or_else(|| panic!("not an orphan's report: {line:?}"));
        let (pid, parent) = rest.split_once(" parent ").expect(line);
        let (pid, parent): (i32, i32) = (pid.parse().unwrap(), parent.parse().unwrap());
        assert_eq!(
            parent, 1,
            "orphan {pid} reports parent {parent}; expected 1: its parent must be \
             gone before it looks (fork twice, and let the middle child exit)"
        );
        pids.push(pid);
    }
    pids.sort_unstable();
    pids.dedup();
    assert_eq!(pids.len(), 50, "expected 50 distinct orphans:\n{stdout}");
}

#[test]
fn orphans_that_exit_one_by_one_become_zombies_of_pid_1() {
    let Some(pod) = pod(InitKind::None) else {
        return;
    };
    orphans_inside(&pod, &["orphans", "40", "--one-by-one", "--quiet"]);
    // Only an init that never waits keeps them: exactly one zombie each.
    wait_for_zombies(&pod, 40);
}
