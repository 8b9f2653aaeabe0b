//! Signals and PID 1: the kernel drops, for PID 1, every signal it has no
//! handler for when it comes from inside the namespace; from the parent
//! namespace only SIGKILL and SIGSTOP get through.

mod common;

use std::time::Duration;

use nix::sys::signal::Signal;
use nsproc::procfs;
use zombie_reaping::pod::{InitKind, Pod};

use common::{inside, pending_signals, pod};

/// PID 1 is alive, asleep, with nothing queued: the signals were dropped
/// when sent, not merely delayed.
fn assert_untouched(pod: &Pod) {
    let status = procfs::status(pod.pid()).expect("PID 1 is gone");
    assert_eq!(status.state, 'S', "{status:?}");
    assert_eq!(
        pending_signals(pod.pid()),
        0,
        "signals are queued for PID 1"
    );
}

/// Runs `kill SIGNAL 1` from a shell inside the pod; kill(2) must succeed.
fn kill_pid_1_from_inside(pod: &Pod, signals: &str) {
    let script = format!("for s in {signals}; do kill -$s 1 || exit 1; done");
    let out = inside(pod, "sh", &["-c", &script]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn pid_1_drops_every_signal_it_has_no_handler_for_from_inside() {
    let Some(pod) = pod(InitKind::None) else {
        return;
    };
    let status = procfs::status(pod.pid()).unwrap();
    assert_eq!(status.sig_caught, 0, "init-none must have no handler");
    // Every standard signal, SIGKILL and SIGSTOP included, and every
    // real-time one (32 and 33 are reserved by glibc, but the kernel takes them).
    let all: Vec<String> = (1..=64).map(|s| s.to_string()).collect();
    kill_pid_1_from_inside(&pod, &all.join(" "));
    assert_untouched(&pod);
}

#[test]
fn sigkill_from_the_parent_namespace_kills_pid_1() {
    let Some(mut pod) = pod(InitKind::None) else {
        return;
    };
    kill_pid_1_from_inside(&pod, "KILL");
    assert_untouched(&pod);
    pod.init.signal(Signal::SIGKILL).unwrap();
    let exit = pod.init.wait_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(exit.signal(), Some(Signal::SIGKILL));
}

#[test]
fn sigterm_to_a_pid_1_without_handler_does_nothing() {
    let Some(pod) = pod(InitKind::None) else {
        return;
    };
    // `kill -TERM 1` in the pod, then SIGTERM from the host as `docker stop`
    // sends it: both dropped, so docker waits its 10 s and sends SIGKILL.
    kill_pid_1_from_inside(&pod, "TERM");
    assert_untouched(&pod);
    pod.init.signal(Signal::SIGTERM).unwrap();
    assert_untouched(&pod);
}

#[test]
fn sigterm_inside_stops_pause_which_has_a_handler() {
    let Some(mut pod) = pod(InitKind::Pause) else {
        return;
    };
    // The shell may be killed with the namespace when pause exits: ignore
    // its status, watch pause's.
    let _ = inside(&pod, "sh", &["-c", "kill -TERM 1"])
        .output()
        .unwrap();
    let exit = pod.init.wait_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(exit.code(), Some(0));
}
