//! Bad input: each mistake gets one line on stderr that says what to do, a
//! non-zero exit, and nothing half-made left behind.

mod common;

use std::net::TcpListener;

use assert_cmd::Command;
use common::*;

/// Runs `setns-demo ARGS`, expects failure with one line naming `needle`.
fn fails_with(args: &[&str], code: i32, needle: &str) {
    let out = Command::new(BIN)
        .env("SETNS_DEMO_PAUSE", pause_binary())
        .args(args)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: not one line: {err}");
    assert!(err.starts_with("setns-demo: "), "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err} lacks {needle:?}");
}

/// The pod directories that exist now.
fn pods() -> Vec<String> {
    setns_demo::state::names()
}

#[test]
fn unknown_pods_are_reported_with_a_hint() {
    let name = unique_name("no-such-pod");
    for args in [
        vec!["exec", &name, "--", "true"],
        vec!["ps", &name],
        vec!["ns", &name],
        vec!["rm", &name],
    ] {
        let code = if args[0] == "exec" { 125 } else { 1 };
        fails_with(&args, code, "setns-demo ls");
    }
}

#[test]
fn bad_names_are_refused_before_anything_is_made() {
    let long = "x".repeat(41);
    let escaping = unique_name("escaped");
    let up = format!("../{escaping}");
    let nested = format!("{escaping}/b");
    for name in ["", &long, &up, "/", &nested, ".."] {
        fails_with(&["run", name], 1, "invalid pod name");
        fails_with(&["rm", name], 1, "invalid pod name");
    }
    let root = setns_demo::state::state_root();
    assert!(!root.parent().unwrap().join(&escaping).exists());
    assert!(!root.join(&escaping).exists());
    assert!(!root.join(&long).exists());
}

#[test]
fn a_duplicate_name_is_refused_and_the_first_pod_is_untouched() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("dup", &[]);
    let pause = pod.pause();
    fails_with(&["run", &pod.name], 1, "already exists");
    assert!(pause.is_alive());
    assert_eq!(pod.pause(), pause);
}

#[test]
fn malformed_publish_is_refused_with_an_example() {
    let name = unique_name("badpub");
    for spec in [
        "80",
        "x:80",
        "0:80",
        "8080:70000",
        "1:2:3:4",
        "banana:8080:80",
        "",
    ] {
        fails_with(&["run", &name, "--publish", spec], 1, "e.g. 8880:80");
    }
    assert!(!pods().contains(&name));
}

#[test]
fn a_taken_host_port_fails_before_the_pod_is_made() {
    if !can_make_pods() {
        return;
    }
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let name = unique_name("taken");
    fails_with(
        &["run", &name, "--publish", &format!("{port}:80")],
        1,
        "pick another HOST_PORT",
    );
    // The port is bound before anything else is made: no directory, so no
    // pause, veth or forwarder was ever started for this pod.
    assert!(!pods().contains(&name));
    assert!(!stdout(&run_cli(&["ls"])).contains(&name));
}

#[test]
fn a_command_that_does_not_exist_fails_with_127_and_leaves_no_member() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("nocmd", &[]);
    fails_with(
        &["exec", &pod.name, "--", "no-such-command-here"],
        127,
        "not found in the pod",
    );
    fails_with(
        &["exec", "--detach", &pod.name, "--", "no-such-command-here"],
        127,
        "not found",
    );
    let not_executable = std::env::temp_dir().join(unique_name("not-executable"));
    std::fs::write(&not_executable, "plain text\n").unwrap();
    let path = not_executable.to_str().unwrap();
    fails_with(&["exec", &pod.name, "--", path], 126, "could not run");
    std::fs::remove_file(&not_executable).unwrap();
    let ps = stdout(&run_cli(&["ps", &pod.name]));
    assert_eq!(ps.lines().count(), 2, "only the header and pause: {ps}");
}

#[test]
fn bad_share_lists_and_subnets_are_refused() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("badshare", &[]);
    fails_with(
        &["exec", "--share", "mnt", &pod.name, "--", "true"],
        125,
        "never shared",
    );
    fails_with(
        &["exec", "--share", "", &pod.name, "--", "true"],
        125,
        "nothing to share",
    );
    let name = unique_name("badnet");
    fails_with(
        &["run", &name, "--subnet", "10.213.0.0/31"],
        1,
        "e.g. 10.213.0.0/24",
    );
    fails_with(
        &["run", &name, "--hostname", "bad host"],
        1,
        "invalid hostname",
    );
    assert!(!pods().contains(&name));
}

#[test]
fn a_missing_pause_binary_is_reported() {
    let out = Command::new(BIN)
        .args([
            "--pause",
            "/nonexistent/pause",
            "run",
            &unique_name("nopause"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a file"), "{}", stderr(&out));
}
