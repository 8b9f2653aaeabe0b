//! Nothing of a run is left when it ends in any way: a step past its
//! timeout, the whole run past its own, Stop, the page closing (its events
//! connection dropped, or the close beacon), the runner's SIGTERM and
//! SIGINT. A test transcript prints bash's PID (its session), its private
//! state directory and a background job's PID, then hangs.

mod common;

use std::time::Duration;

use common::*;
use nix::sys::signal::Signal;

const HOLD: &str = "echo $$; echo $SETNS_DEMO_STATE_DIR; sleep 1000 & echo $!";

fn labs() -> TempDir {
    extra_labs(
        "testlab",
        &[
            ("hold", "", &[(HOLD, ""), ("sleep 1000", "")]),
            (
                "hang",
                "",
                &[(HOLD, ""), ("sleep 1000 & echo $!; sleep 1000", "")],
            ),
            (
                "slow",
                "",
                &[("echo $$", ""), ("sleep 3", ""), ("sleep 3", "")],
            ),
            (
                "split",
                "",
                &[
                    ("echo to-stdout; echo to-stderr >&2", ""),
                    ("x=41; printf 'no newline'", ""),
                    ("echo $((x + 1)); false", ""),
                    ("echo never", ""),
                ],
            ),
        ],
    )
}

/// What a run printed first: bash's PID, the state dir, a job's PID.
struct Made {
    session: i32,
    state_dir: std::path::PathBuf,
    job: i32,
}

fn made_by(events: &mut Events) -> Made {
    let seen = events.until("exit");
    let text = output(&seen, "stdout", 0);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{seen:?}");
    let made = Made {
        session: lines[0].parse().unwrap(),
        state_dir: lines[1].into(),
        job: lines[2].parse().unwrap(),
    };
    assert!(alive(made.job), "the job should run");
    assert!(made.state_dir.is_dir(), "the state dir should exist");
    made
}

fn assert_nothing_left(made: &Made) {
    wait_until(
        Duration::from_secs(10),
        "the run's processes and files to go",
        || (in_session(made.session).is_empty() && !made.state_dir.exists()).then_some(()),
    );
    assert!(!alive(made.job), "job {} survived", made.job);
    assert!(
        !made.state_dir.exists(),
        "{} survived",
        made.state_dir.display()
    );
}

#[test]
fn stdout_and_stderr_come_apart_with_each_exit_code_and_a_failure_ends_the_run() {
    let labs = labs();
    let runner = Runner::start(Options {
        extra: Some(labs.path()),
        ..Options::default()
    });
    let run = runner.run("testlab/split", "page-split");
    let events = runner.events(&run).rest();
    assert_eq!(output(&events, "stdout", 0), "to-stdout\n");
    assert_eq!(output(&events, "stderr", 0), "to-stderr\n");
    assert_eq!(output(&events, "stdout", 1), "no newline");
    assert_eq!(output(&events, "stdout", 2), "42\n");
    let exits: Vec<(u64, i64)> = events
        .iter()
        .filter(|e| e.name == "exit")
        .map(|e| {
            (
                e.data["index"].as_u64().unwrap(),
                e.data["code"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(exits, [(0, 0), (1, 0), (2, 1)]);
    let steps: Vec<&str> = events
        .iter()
        .filter(|e| e.name == "step")
        .map(|e| e.data["command"].as_str().unwrap())
        .collect();
    assert_eq!(steps.len(), 3, "no step after the failure: {steps:?}");
    let done = events.last().unwrap();
    assert_eq!(done.name, "done");
    assert_eq!(done.data["status"], "failed");
    assert_eq!(done.data["code"], 1);
}

#[test]
fn a_step_past_its_timeout_is_killed_with_its_children() {
    let labs = labs();
    let runner = Runner::start(Options {
        extra: Some(labs.path()),
        step_timeout: Some(2),
        ..Options::default()
    });
    let run = runner.run("testlab/hang", "page-hang");
    let mut events = runner.events(&run);
    let made = made_by(&mut events);
    let rest = events.rest();
    let second_job: i32 = output(&rest, "stdout", 1).trim().parse().unwrap();
    let done = rest.last().unwrap();
    assert_eq!(done.name, "done", "{rest:?}");
    assert_eq!(done.data["status"], "timeout");
    assert_eq!(done.data["code"], 124);
    // done comes once everything is gone.
    assert!(in_session(made.session).is_empty());
    assert!(
        !alive(second_job),
        "sleep {second_job} survived the timeout"
    );
    assert_nothing_left(&made);
}

#[test]
fn stop_and_one_run_per_page() {
    let labs = labs();
    let runner = Runner::start(Options {
        extra: Some(labs.path()),
        ..Options::default()
    });
    let run = runner.run("testlab/hold", "page-stop");
    let mut events = runner.events(&run);
    let made = made_by(&mut events);
    let again = runner.start_run("testlab/hold", "page-stop");
    assert_eq!(again.status, 409, "{again:?}");
    let stop = runner.api("POST", &format!("/api/runs/{run}/stop"), "");
    assert_eq!(stop.status, 200);
    assert_eq!(stop.json()["status"], "stopping");
    let rest = events.rest();
    assert_eq!(done_status(&rest), "stopped");
    assert_nothing_left(&made);
    // The page may run again.
    let next = runner.run("testlab/split", "page-stop");
    assert_eq!(done_status(&runner.events(&next).rest()), "failed");
}

#[test]
fn dropping_the_events_connection_stops_the_run() {
    let labs = labs();
    let runner = Runner::start(Options {
        extra: Some(labs.path()),
        ..Options::default()
    });
    let run = runner.run("testlab/hold", "page-drop");
    let mut events = runner.events(&run);
    let made = made_by(&mut events);
    drop(events);
    assert_nothing_left(&made);
    // A late connection still reads the whole run.
    let all = runner.events(&run).rest();
    assert_eq!(done_status(&all), "stopped");
    assert_eq!(all[0].name, "step");
}

#[test]
fn the_close_beacon_stops_the_page_s_run() {
    let labs = labs();
    let runner = Runner::start(Options {
        extra: Some(labs.path()),
        ..Options::default()
    });
    let run = runner.run("testlab/hold", "page-beacon");
    let mut events = runner.events(&run);
    let made = made_by(&mut events);
    // sendBeacon: no custom header, the token in the query.
    let beacon = raw(
        runner.port,
        "POST",
        &format!("/api/pages/page-beacon/close?token={}", runner.token),
        &[
            runner.host(),
            format!("Origin: http://127.0.0.1:{}", runner.port),
            "Content-Type: text/plain;charset=UTF-8".into(),
        ],
        "",
    );
    assert_eq!(beacon.status, 200, "{beacon:?}");
    assert_eq!(done_status(&events.rest()), "stopped");
    assert_nothing_left(&made);
}

#[test]
fn the_whole_run_has_a_timeout_too() {
    let labs = labs();
    let runner = Runner::start(Options {
        extra: Some(labs.path()),
        run_timeout: Some(4),
        ..Options::default()
    });
    let run = runner.run("testlab/slow", "page-slow");
    let events = runner.events(&run).rest();
    let session: i32 = output(&events, "stdout", 0).trim().parse().unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.data["status"], "timeout", "{events:?}");
    // Step 1 ended within the run's time, step 2 did not.
    assert!(
        events
            .iter()
            .any(|e| e.name == "exit" && e.data["index"] == 1)
    );
    assert!(in_session(session).is_empty());
}

fn signal_during_a_run(signal: Signal) {
    let labs = labs();
    let mut runner = Runner::start(Options {
        extra: Some(labs.path()),
        ..Options::default()
    });
    let run = runner.run("testlab/hold", "page-signal");
    let mut events = runner.events(&run);
    let made = made_by(&mut events);
    runner.signal(signal);
    let rest = events.rest();
    assert_eq!(done_status(&rest), "stopped", "{signal}");
    let status = runner.wait_exit(Duration::from_secs(30));
    assert!(status.success(), "{signal}: {status}");
    assert_nothing_left(&made);
}

#[test]
fn sigterm_during_a_run_leaves_nothing() {
    signal_during_a_run(Signal::SIGTERM);
}

#[test]
fn sigint_during_a_run_leaves_nothing() {
    signal_during_a_run(Signal::SIGINT);
}
