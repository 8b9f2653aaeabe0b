//! A pod's life: `rm` leaves nothing behind, and a pod whose pause died is
//! reported as such and cleaned up.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use setns_demo::process::ProcessId;

#[test]
fn rm_leaves_nothing_behind() {
    if !can_make_pods() {
        return;
    }
    let port = free_port();
    let pod = Pod::run("rm", &["--publish", &format!("{port}:2368")]);
    let state = pod.state();
    let pause = pod.pause();
    let forwarder = state.forwarder.expect("forwarder");
    let shared = pod.start(&[], &["sleep", "1004"]);
    let own = pod.start(&["--share", "net,ipc,uts"], &["sleep", "1005"]);
    let inodes: Vec<String> = ["net", "ipc", "uts", "pid"]
        .iter()
        .map(|kind| format!("{kind}:[{}]", inode(pause.pid, kind)))
        .collect();
    let dir = setns_demo::state::pod_dir(&pod.name).unwrap();
    assert!(dir.is_dir());

    let out = run_cli(&["rm", &pod.name]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout(&out), format!("pod {} removed\n", pod.name));

    // No process: pause, the forwarder and both members are gone (a zombie
    // still waiting for init to reap it counts as gone: it holds nothing).
    for (what, process) in [
        ("pause", pause),
        ("forwarder", forwarder),
        ("member", shared),
        ("own-PID member", own),
    ] {
        assert!(
            !process.is_alive(),
            "{what} {} is still running",
            process.pid
        );
    }
    // No interface, no state.
    if let Some(net) = state.network {
        assert!(
            !Path::new("/sys/class/net").join(&net.host_if).exists(),
            "{} left",
            net.host_if
        );
    }
    assert!(!dir.exists(), "{} left", dir.display());
    assert!(!stdout(&run_cli(&["ls"])).contains(&pod.name));
    // No mount on the host refers to the pod's namespaces or state.
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    for needle in inodes
        .iter()
        .map(String::as_str)
        .chain([dir.to_str().unwrap()])
    {
        assert!(!mounts.contains(needle), "a mount mentions {needle}");
    }
    // No listener: the host port is free again.
    assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
}

#[test]
fn a_pod_whose_pause_died_is_reported_and_removed() {
    if !can_make_pods() {
        return;
    }
    let port = free_port();
    let pod = Pod::run("dead", &["--publish", &format!("{port}:80")]);
    let pause = pod.pause();
    let forwarder = pod.state().forwarder.unwrap();
    kill(Pid::from_raw(pause.pid), Signal::SIGKILL).unwrap();
    assert!(pause.wait_dead(Duration::from_secs(5)));
    // The forwarder follows pause (it watches it through a pidfd).
    assert!(
        forwarder.wait_dead(Duration::from_secs(5)),
        "forwarder outlived pause"
    );

    let listing = stdout(&run_cli(&["ls"]));
    let line = listing
        .lines()
        .find(|l| l.starts_with(&pod.name))
        .expect("listed");
    assert!(line.contains("exited"), "{line}");
    let exec = run_cli(&["exec", &pod.name, "--", "true"]);
    assert_eq!(exec.status.code(), Some(125));
    assert!(stderr(&exec).contains("is not running"), "{exec:?}");

    let out = run_cli(&["rm", &pod.name]);
    assert!(out.status.success(), "{out:?}");
    assert!(!setns_demo::state::pod_dir(&pod.name).unwrap().exists());
}

#[test]
fn exec_passes_stdio_and_exit_code_through() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("stdio", &[]);
    let out = assert_cmd::Command::new(BIN)
        .args([
            "exec",
            &pod.name,
            "--",
            "sh",
            "-c",
            "tr a-z A-Z; echo oops >&2; exit 7",
        ])
        .write_stdin("hello pod\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(stdout(&out), "HELLO POD\n");
    assert_eq!(stderr(&out), "oops\n");
    // A member killed by a signal: 128 + its number, as a shell reports it.
    let killed = pod.exec(&[], &["sh", "-c", "kill -9 $$"]);
    assert_eq!(killed.status.code(), Some(137));
}

#[test]
fn state_lives_in_one_directory_per_pod() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("statedir", &[]);
    let dir = setns_demo::state::pod_dir(&pod.name).unwrap();
    assert!(dir.join("state.json").is_file());
    if nix::unistd::geteuid().is_root()
        && std::env::var_os(setns_demo::state::STATE_DIR_ENV).is_none()
    {
        assert_eq!(dir, Path::new("/run/setns-demo").join(&pod.name));
    }
    let pause = pod.pause();
    assert_eq!(ProcessId::of(pause.pid), Some(pause));
}

#[test]
fn the_default_hostname_is_the_pod_name() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("host_name", &[]);
    let seen = pod.exec_ok(&[], &["hostname"]);
    // '_' is not allowed in a hostname: it becomes '-'.
    assert_eq!(seen.trim(), pod.name.replace('_', "-"));
}
