//! What a failing test leaves running neither hangs the checker nor
//! outlives it, and the tests' nested builds follow the tree being checked.

use std::process::Command;
use std::time::{Duration, Instant};

/// Whether `pid` is gone (or a zombie: it holds nothing any more).
fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z')),
    }
}

fn assert_leftover_is(leftovers: &[String], pid: i32) {
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    assert!(
        leftovers[0].starts_with(&format!("{pid} ")),
        "{leftovers:?}"
    );
}

#[test]
fn a_process_left_holding_the_output_is_ended_and_the_run_returns() {
    // sh exits at once; its background sleep keeps sh's stdout open.
    let mut sh = Command::new("sh");
    sh.args(["-c", "sleep 300 & echo started $!"]);
    let started = Instant::now();
    let run = course::leftovers::run(&mut sh).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the run waited for its leftover"
    );
    assert!(run.output.status.success());
    let stdout = String::from_utf8_lossy(&run.output.stdout);
    let pid: i32 = stdout
        .trim()
        .strip_prefix("started ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{stdout:?}"));
    // Named by PID and command line (which may be sh's, or empty: caught
    // between fork and exec).
    assert_leftover_is(&run.leftovers, pid);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !gone(pid) {
        assert!(Instant::now() < deadline, "{pid} is still running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_daemon_that_let_go_of_the_output_is_ended_too() {
    // setsid and /dev/null: all it keeps of the run is its environment.
    let mut sh = Command::new("sh");
    sh.args([
        "-c",
        "setsid sleep 301 </dev/null >/dev/null 2>&1 & echo started $!",
    ]);
    let run = course::leftovers::run(&mut sh).unwrap();
    let stdout = String::from_utf8_lossy(&run.output.stdout);
    let pid: i32 = stdout
        .trim()
        .strip_prefix("started ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{stdout:?}"));
    assert_leftover_is(&run.leftovers, pid);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !gone(pid) {
        assert!(Instant::now() < deadline, "{pid} is still running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_clean_run_ends_nothing_and_keeps_both_outputs() {
    let mut sh = Command::new("sh");
    sh.args(["-c", "echo out; echo err >&2; exit 3"]);
    let run = course::leftovers::run(&mut sh).unwrap();
    assert_eq!(run.output.status.code(), Some(3));
    assert_eq!(run.output.stdout, b"out\n");
    assert_eq!(run.output.stderr, b"err\n");
    assert!(run.leftovers.is_empty(), "{:?}", run.leftovers);
}

#[test]
fn the_checker_names_the_tree_the_way_testkit_reads_it() {
    assert_eq!(course::runner::ROOT_VAR, testkit::bins::ROOT_VAR);
}
