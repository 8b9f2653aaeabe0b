//! A benchmark, not a timed test (ignored by default):
//!
//!     cargo test -p setns-demo --release --test bench -- --ignored --nocapture
//!
//! It times, in the same run, `setns-demo run` until pause is ready against
//! `unshare --fork` starting pause in the same namespaces (alone, and with
//! the same veth set-up done by `ip` and `nsenter`), and `setns-demo exec`
//! of /bin/true against `nsenter` doing the same joins. Medians of N runs.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use nix::sys::signal::Signal;

const RUNS: usize = 30;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// `unshare --fork` with pause: returns (unshare's child, pause's PID) once ready.
fn unshare_pause() -> (std::process::Child, i32) {
    let child = Command::new("unshare")
        .args([
            "--net",
            "--ipc",
            "--uts",
            "--pid",
            "--mount",
            "--fork",
            "--kill-child",
        ])
        .arg(pause_binary())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let id = child.id();
    let children = format!("/proc/{id}/task/{id}/children");
    let pause = nsproc::wait_until(Duration::from_secs(5), "unshare's child", || {
        std::fs::read_to_string(&children)
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
    .unwrap();
    let signals = [Signal::SIGTERM, Signal::SIGINT, Signal::SIGCHLD];
    nsproc::wait_for_handlers(pause, &signals, Duration::from_secs(5)).unwrap();
    (child, pause)
}

fn stop(mut child: std::process::Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The veth set-up `run` does, by hand with ip and nsenter.
fn veth_by_hand(pause: i32, index: usize) {
    let host_if = format!("sdbench{index}");
    let script = format!(
        "link add {host_if} type veth peer name spbench netns {pause}\n\
         addr add 10.213.255.1/30 dev {host_if}\nlink set {host_if} up\n"
    );
    ip_batch(&["ip"], &script);
    let pause = pause.to_string();
    ip_batch(
        &["nsenter", "-t", &pause, "-n", "ip"],
        "link set lo up\nlink set spbench name eth0\naddr add 10.213.255.2/30 dev eth0\nlink set eth0 up\n",
    );
}

fn ip_batch(prefix: &[&str], script: &str) {
    let mut child = Command::new(prefix[0])
        .args(&prefix[1..])
        .args(["-batch", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
#[ignore = "a benchmark: run it with --ignored --nocapture"]
fn bench_run_and_exec_against_unshare_and_nsenter() {
    if !can_make_pods() || !is_root() {
        return;
    }
    let (mut run, mut bare, mut by_hand) = (vec![], vec![], vec![]);
    for i in 0..RUNS {
        let name = unique_name(&format!("bench{i}"));
        let start = Instant::now();
        let out = run_cli(&["run", &name]);
        run.push(start.elapsed());
        assert!(out.status.success(), "{out:?}");
        let _ = run_cli(&["rm", &name]);

        let start = Instant::now();
        let (child, _) = unshare_pause();
        bare.push(start.elapsed());
        stop(child);

        let start = Instant::now();
        let (child, pause) = unshare_pause();
        veth_by_hand(pause, i);
        by_hand.push(start.elapsed());
        let _ = Command::new("ip")
            .args(["link", "del", &format!("sdbench{i}")])
            .status();
        stop(child);
    }

    let pod = Pod::run("bench-exec", &[]);
    let pause = pod.pause().pid.to_string();
    let (mut exec, mut nsenter) = (vec![], vec![]);
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = run_cli(&["exec", &pod.name, "--", "/bin/true"]);
        exec.push(start.elapsed());
        assert!(out.status.success());
        let start = Instant::now();
        let status = Command::new("nsenter")
            .args(["-t", &pause, "-n", "-i", "-u", "-p", "/bin/true"])
            .status()
            .unwrap();
        nsenter.push(start.elapsed());
        assert!(status.success());
    }

    let (run, bare, by_hand) = (median(run), median(bare), median(by_hand));
    let (exec, nsenter) = (median(exec), median(nsenter));
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("median of {RUNS} runs");
    println!("setns-demo run (pause ready, veth, state)   {}", ms(run));
    println!(
        "unshare --fork pause (ready)                 {}   ratio {:.2}",
        ms(bare),
        ratio(run, bare)
    );
    println!(
        "unshare + ip + nsenter ip (same veth)        {}   ratio {:.2}",
        ms(by_hand),
        ratio(run, by_hand)
    );
    println!("setns-demo exec /bin/true                    {}", ms(exec));
    println!(
        "nsenter -n -i -u -p /bin/true                {}   ratio {:.2}",
        ms(nsenter),
        ratio(exec, nsenter)
    );
}
