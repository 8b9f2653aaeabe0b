//! Rootless mode, checked as user `nobody` when the tests run as root (run
//! as any other user, every test of the lab is already rootless). A pod
//! then lives in a user namespace that maps `nobody` to root, as rootless
//! Podman's do, and gets loopback only: the host end of a veth pair needs
//! CAP_NET_ADMIN in the host's network namespace, which `nobody` lacks.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;

const NOBODY: u32 = 65534;

/// `setns-demo ARGS` as user nobody, with a clean environment.
fn as_nobody(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
        .env("HOME", "/")
        .env("SETNS_DEMO_PAUSE", pause_binary())
        .uid(NOBODY)
        .gid(NOBODY)
        .stdin(Stdio::null())
        .output()
        .expect("run setns-demo as nobody")
}

/// Whether `nobody` may run the file at `path` (every directory searchable).
fn reachable_by_others(path: &Path) -> Result<(), String> {
    for dir in path.ancestors().skip(1) {
        let mode = std::fs::metadata(dir)
            .map_err(|e| e.to_string())?
            .permissions()
            .mode();
        if mode & 0o001 == 0 {
            return Err(format!("{} is not searchable by nobody", dir.display()));
        }
    }
    Ok(())
}

fn prerequisites() -> bool {
    let check = if !nix::unistd::geteuid().is_root() {
        Err("not root: the other tests already run rootless".to_string())
    } else {
        [Path::new(BIN), &pause_binary(), &tiny_blog()]
            .iter()
            .try_for_each(|p| reachable_by_others(p))
    };
    nsproc::require("root, to switch to nobody", check).is_some()
}

struct NobodysPod(String);

impl Drop for NobodysPod {
    fn drop(&mut self) {
        let _ = as_nobody(&["rm", &self.0]);
    }
}

#[test]
fn a_rootless_pod_shares_namespaces_and_publishes_without_a_veth() {
    if !can_make_pods() || !prerequisites() {
        return;
    }
    let name = unique_name("rootless");
    let port = free_port();
    let run = as_nobody(&[
        "run",
        &name,
        "--hostname",
        "rootless-pod",
        "--publish",
        &format!("{port}:2368"),
    ]);
    let pod = NobodysPod(name.clone());
    assert!(run.status.success(), "{run:?}");
    assert!(stdout(&run).contains("loopback only"), "{}", stdout(&run));

    // pause runs as nobody on the host, in a user namespace of its own.
    let pause: i32 = stdout(&run)
        .split("pause is PID ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .expect("pause's PID");
    let status = nsproc::procfs::status(pause).unwrap();
    assert_ne!(
        inode(pause, "user"),
        inode(std::process::id() as i32, "user")
    );
    let uid = std::fs::read_to_string(format!("/proc/{pause}/status")).unwrap();
    assert!(uid.lines().any(|l| l.starts_with("Uid:\t65534\t")), "{uid}");
    assert_eq!(status.nspid.last(), Some(&1));

    // Inside, the member is root of the pod's user namespace, sees the
    // pod's hostname, and has loopback only.
    let exec = as_nobody(&[
        "exec",
        &name,
        "--",
        "sh",
        "-c",
        "id -u; hostname; ip -br link",
    ]);
    assert!(exec.status.success(), "{exec:?}");
    let text = stdout(&exec);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "0");
    assert_eq!(lines[1], "rootless-pod");
    assert_eq!(lines.len(), 3, "only lo: {text}");
    assert!(lines[2].starts_with("lo "), "{text}");

    // --publish works: the forwarder joined the pod's user and net namespaces.
    let start = as_nobody(&[
        "exec",
        "--detach",
        &name,
        "--",
        tiny_blog().to_str().unwrap(),
    ]);
    assert!(start.status.success(), "{start:?}");
    wait_for_page(port, "<title>tiny-blog");

    let rm = as_nobody(&["rm", &name]);
    assert!(rm.status.success(), "{rm:?}");
    assert!(!Path::new(&format!("/tmp/setns-demo-{NOBODY}/{name}")).exists());
    let gone = setns_demo::process::ProcessId::of(pause).is_none_or(|p| !p.is_alive());
    assert!(gone, "pause {pause} survived rm");
    drop(pod);
}

#[test]
fn nobody_cannot_join_a_pod_made_by_root() {
    if !can_make_pods() || !is_root() || !prerequisites() {
        return;
    }
    let pod = Pod::run("roots", &[]);
    // nobody cannot even read root's state directory entry as its own:
    // it has a state root of its own, so the pod is unknown to it...
    let exec = as_nobody(&["exec", &pod.name, "--", "true"]);
    assert_eq!(exec.status.code(), Some(125), "{exec:?}");
    // ...and pointed at root's state, joining fails: setns needs
    // CAP_SYS_ADMIN in the namespace's owning user namespace.
    let exec = Command::new(BIN)
        .args(["exec", &pod.name, "--", "true"])
        .env_clear()
        .env("SETNS_DEMO_STATE_DIR", "/run/setns-demo")
        .uid(NOBODY)
        .gid(NOBODY)
        .output()
        .unwrap();
    assert_eq!(exec.status.code(), Some(125), "{exec:?}");
    assert!(stderr(&exec).contains("setns-demo: "), "{}", stderr(&exec));
}
