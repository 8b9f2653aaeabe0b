//! Faults: a `run` killed part-way, a pause that died next to a newer pod
//! reusing its namespace inodes, a state that is damaged, deleted or names
//! the wrong interface. In every case `rm` removes what is the pod's, and
//! only that.

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use setns_demo::discover::carries_marker;
use setns_demo::process::{ProcessId, all_pids};
use setns_demo::state;

/// Live processes started for the pod whose directory is `dir`.
fn marked(dir: &Path) -> Vec<i32> {
    all_pids()
        .into_iter()
        .filter(|&pid| ProcessId::of(pid).is_some_and(|p| p.is_alive()) && carries_marker(pid, dir))
        .collect()
}

fn interface_exists(name: &str) -> bool {
    Path::new("/sys/class/net").join(name).exists()
}

/// The index of interface `name`: a pod made later may reuse the name.
fn ifindex(name: &str) -> Option<String> {
    std::fs::read_to_string(Path::new("/sys/class/net").join(name).join("ifindex")).ok()
}

/// The number of steps `run` wrote to its progress file.
fn steps(progress: &Path) -> usize {
    std::fs::read_to_string(progress).map_or(0, |t| t.lines().count())
}

/// Kills `run` at 50 points spread over its whole life, each followed by
/// `rm`: nothing of the killed pods is left, and a bystander pod is intact.
#[test]
fn run_killed_at_any_point_leaves_a_pod_that_rm_removes_completely() {
    if !can_make_pods() {
        return;
    }
    let bystander = Pod::run("bystander", &[]);
    let bystander_pause = bystander.pause();
    let bystander_if = bystander.state().network.map(|n| n.host_if);
    let scratch = std::env::temp_dir().join(unique_name("setns-demo-faults"));
    std::fs::create_dir_all(&scratch).unwrap();
    let _scratch = RemoveOnDrop(scratch.clone());
    // Steps `run` reports: created, pause, namespaces, hostname, [address],
    // network, forwarder; then it exits. Wait for one, then a little more.
    let delays_us = [0, 100, 300, 1000, 3000, 10_000];
    let mut killed_after = std::collections::BTreeSet::new();
    for attempt in 0..50 {
        let name = unique_name(&format!("fault{attempt}"));
        let _guard = Pod { name: name.clone() };
        let progress = scratch.join(format!("{attempt}.progress"));
        let port = free_port();
        let mut run = setns_demo()
            .args(["run", &name, "--publish", &format!("{port}:80")])
            .env("SETNS_DEMO_PROGRESS", &progress)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let step = attempt % 7;
        let delay = Duration::from_micros(delays_us[(attempt / 7) % delays_us.len()]);
        let _ = nsproc::wait_until(Duration::from_secs(10), "run's progress", || {
            (steps(&progress) >= step).then_some(())
        });
        std::thread::sleep(delay);
        let _ = run.kill();
        let _ = run.wait();
        killed_after.insert(steps(&progress));

        let dir = state::pod_dir(&name).unwrap();
        let host_if = state::load(&name)
            .ok()
            .and_then(|s| s.network)
            .and_then(|n| Some((ifindex(&n.host_if)?, n.host_if)));
        let rm = run_cli(&["rm", &name]);
        let said = stderr(&rm);
        assert!(
            rm.status.success() || (said.contains("no pod named") && !dir.exists()),
            "attempt {attempt} (after step {step}): rm failed: {said}"
        );
        assert_eq!(
            marked(&dir),
            Vec::<i32>::new(),
            "attempt {attempt}: a process of the pod is left"
        );
        assert!(!dir.exists(), "attempt {attempt}: {} left", dir.display());
        if let Some((index, host_if)) = host_if {
            assert_ne!(
                ifindex(&host_if),
                Some(index),
                "attempt {attempt}: {host_if} left"
            );
        }
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
        assert!(
            !mounts.contains(dir.to_str().unwrap()),
            "attempt {attempt}: a mount left"
        );
        assert!(
            std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
            "port {port} held"
        );
    }
    // The kills really were spread: before the first step, between steps, after the last.
    assert!(
        killed_after.len() >= 5,
        "kills landed after steps {killed_after:?} only"
    );
    assert!(
        bystander_pause.is_alive(),
        "the bystander's pause was killed"
    );
    if let Some(host_if) = bystander_if {
        assert!(
            interface_exists(&host_if),
            "the bystander's veth was deleted"
        );
    }
    assert!(bystander.exec(&[], &["true"]).status.success());
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write_state(name: &str, text: &str) {
    std::fs::write(state::pod_dir(name).unwrap().join("state.json"), text).unwrap();
}

fn kill_and_wait(process: ProcessId) {
    kill(Pid::from_raw(process.pid), Signal::SIGKILL).unwrap();
    assert!(process.wait_dead(Duration::from_secs(5)));
}

/// Once A's pause is gone its inode numbers identify nothing: a pod B that
/// got the same ipc and uts inodes is not A's, and `rm A` leaves it alone.
#[test]
fn rm_of_a_dead_pod_leaves_a_pod_that_reuses_its_inodes_running() {
    if !can_make_pods() {
        return;
    }
    let a = Pod::run("dead-a", &[]);
    kill_and_wait(a.pause());
    let b = Pod::run("live-b", &[]);
    let member = b.start(&[], &["sleep", "300"]);
    // What the kernel does when it reuses the numbers, done for certain: A's
    // state now names B's ipc and uts namespaces.
    let b_pause = b.pause();
    let mut forged = a.state();
    let ns = forged.namespaces.as_mut().unwrap();
    ns.ipc = inode(b_pause.pid, "ipc");
    ns.uts = inode(b_pause.pid, "uts");
    write_state(&a.name, &serde_json::to_string(&forged).unwrap());

    let rm = run_cli(&["rm", &a.name]);
    assert!(rm.status.success(), "{rm:?}");
    assert!(
        b_pause.is_alive(),
        "rm of the dead pod killed the live pod's pause"
    );
    assert!(
        member.is_alive(),
        "rm of the dead pod killed the live pod's member"
    );
}

/// A pod started with a forwarder and a member, whose pause, forwarder and
/// veth must all go.
struct Made {
    pod: Pod,
    pause: ProcessId,
    forwarder: ProcessId,
    host_if: Option<String>,
}

fn made(what: &str) -> Made {
    let port = free_port();
    let pod = Pod::run(what, &["--publish", &format!("{port}:80")]);
    let state = pod.state();
    Made {
        pause: state.pause.unwrap(),
        forwarder: state.forwarder.unwrap(),
        host_if: state.network.map(|n| n.host_if),
        pod,
    }
}

fn assert_all_gone(made: &Made) {
    assert!(!made.pause.is_alive(), "pause left");
    assert!(!made.forwarder.is_alive(), "forwarder left");
    if let Some(host_if) = &made.host_if {
        assert!(!interface_exists(host_if), "{host_if} left");
    }
    assert!(
        !state::pod_dir(&made.pod.name).unwrap().exists(),
        "state left"
    );
}

#[test]
fn a_damaged_state_is_removed_with_everything_it_made() {
    if !can_make_pods() {
        return;
    }
    let made = made("damaged");
    write_state(&made.pod.name, "{ this is not json");
    let listing = stdout(&run_cli(&["ls"]));
    assert!(listing.contains("damaged"), "{listing}");
    let rm = run_cli(&["rm", &made.pod.name]);
    assert!(rm.status.success(), "{rm:?}");
    assert!(stdout(&rm).contains("damaged"), "{}", stdout(&rm));
    assert_all_gone(&made);
}

#[test]
fn a_deleted_state_is_found_again_and_removed() {
    if !can_make_pods() {
        return;
    }
    let made = made("deleted");
    std::fs::remove_dir_all(state::pod_dir(&made.pod.name).unwrap()).unwrap();
    let rm = run_cli(&["rm", &made.pod.name]);
    assert!(rm.status.success(), "{rm:?}");
    let said = stdout(&rm);
    assert!(
        said.contains("missing") && said.contains("by its marker"),
        "{said}"
    );
    assert_all_gone(&made);
}

/// Ctrl-C in the shell that ran `run` signals its whole process group:
/// pause, in a session of its own, is not in it.
#[test]
fn pause_is_in_a_session_of_its_own() {
    if !can_make_pods() {
        return;
    }
    let name = unique_name("session");
    let run = setns_demo()
        .args(["run", &name])
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let run_group = run.id() as i32;
    let out = run.wait_with_output().unwrap();
    let pod = Pod { name };
    assert!(out.status.success(), "{out:?}");
    let pause = pod.pause();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pause.pid)).unwrap();
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    // Fields 5 and 6 of stat: its process group and session are its own.
    assert_eq!(fields[2], pause.pid.to_string(), "process group: {stat}");
    assert_eq!(fields[3], pause.pid.to_string(), "session: {stat}");
    // What Ctrl-C does to the group `run` led: pause is not in it.
    let _ = kill(Pid::from_raw(-run_group), Signal::SIGINT);
    assert!(
        !pause.wait_dead(Duration::from_millis(300)),
        "SIGINT to run's process group killed pause"
    );
}

/// A veth pair with both ends on the host (this kernel may lack the
/// dummy driver), deleted when dropped.
struct Dummy(String);

impl Dummy {
    fn new(name: &str, address: Option<&str>) -> Dummy {
        let ok = Command::new("ip")
            .args([
                "link",
                "add",
                name,
                "type",
                "veth",
                "peer",
                "name",
                &format!("{name}p"),
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok, "could not make the veth pair {name}");
        let dummy = Dummy(name.into());
        if let Some(address) = address {
            let ok = Command::new("ip")
                .args(["addr", "add", address, "dev", name])
                .status()
                .unwrap()
                .success();
            assert!(ok, "could not address {name}");
        }
        dummy
    }
}

impl Drop for Dummy {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "del", &self.0]).status();
    }
}

/// With `host_if` edited to another interface, `rm` deletes nothing but
/// the pod's own: neither a name outside the pod pattern nor a pod-like
/// name whose peer is not in the pod.
#[test]
fn rm_deletes_only_an_interface_whose_peer_is_in_the_pod() {
    if !can_make_pods() || !is_root() {
        return;
    }
    let id = std::process::id();
    let others = [
        format!("keep{:x}", id % 0xffff),
        format!("sd{:08x}", 0xff00_0000u32 | (id & 0xff_ffff)),
    ];
    for other in &others {
        let _dummy = Dummy::new(other, None);
        let pod = Pod::run("wrong-if", &[]);
        let mut forged = pod.state();
        let real = forged.network.as_ref().unwrap().host_if.clone();
        let real_index = ifindex(&real);
        forged.network.as_mut().unwrap().host_if = other.clone();
        write_state(&pod.name, &serde_json::to_string(&forged).unwrap());
        let rm = run_cli(&["rm", &pod.name]);
        assert!(interface_exists(other), "rm deleted {other}");
        assert!(!rm.status.success(), "{rm:?}");
        assert!(stderr(&rm).contains("left alone"), "{}", stderr(&rm));
        // The pod's own veth went with its network namespace.
        let gone = nsproc::wait_until(Duration::from_secs(5), "the veth to go", || {
            (ifindex(&real) != real_index).then_some(())
        });
        assert!(gone.is_ok(), "{real} left");
    }
}

/// A range that overlaps an address on the host is refused in one line.
#[test]
fn a_subnet_overlapping_a_host_address_is_refused() {
    if !can_make_pods() || !is_root() {
        return;
    }
    let octet = 100 + std::process::id() % 100;
    let _dummy = Dummy::new(
        &format!("ovl{:x}", std::process::id() % 0xffff),
        Some(&format!("10.214.{octet}.1/24")),
    );
    let name = unique_name("overlap");
    let out = run_cli(&["run", &name, "--subnet", &format!("10.214.{octet}.0/24")]);
    let _pod = Pod { name: name.clone() };
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let said = stderr(&out);
    assert!(
        said.contains("overlaps") && said.lines().count() == 1,
        "{said}"
    );
    assert!(!state::names().contains(&name));
}
