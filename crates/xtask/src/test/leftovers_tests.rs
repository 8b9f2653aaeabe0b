use super::*;
use crate::test::census::{Kind, dirs_named, mounts_under, process_kind, processes};
use std::path::PathBuf;
use std::process::Command;

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn census(entries: &[(Kind, &[&str])]) -> Census {
    entries
        .iter()
        .map(|(kind, names)| (*kind, set(names)))
        .collect()
}

#[test]
fn leftovers_are_what_appeared_during_the_run() {
    let before = census(&[
        (Kind::PauseProcess, &["10 pause"]),
        (Kind::NetworkNamespace, &[]),
        (Kind::DockerContainer, &["abc"]),
        (Kind::Interface, &["lo", "eth0"]),
    ]);
    let after = census(&[
        (Kind::PauseProcess, &["10 pause", "42 pause"]),
        (Kind::NetworkNamespace, &["pod1"]),
        (Kind::DockerContainer, &["abc"]),
        (Kind::Interface, &["lo", "eth0", "veth1a2b"]),
        (Kind::Cgroup, &["/sys/fs/cgroup/pids/zombie-reaping-7"]),
    ]);
    let new = Leftovers::between(&before, after);
    assert!(!new.is_empty());
    assert_eq!(new.of(Kind::PauseProcess), set(&["42 pause"]));
    assert_eq!(new.of(Kind::Interface), set(&["veth1a2b"]));
    assert!(new.of(Kind::DockerContainer).is_empty());
    let text = new.describe();
    for expected in [
        "42 pause",
        "pod1",
        "ip netns delete",
        "veth1a2b",
        "ip link delete",
        "zombie-reaping-7",
        "rmdir",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(!text.contains("abc") && !text.contains("eth0"), "{text}");
    assert!(Leftovers::between(&Census::new(), Census::new()).is_empty());
    // What went away during the run is no leftover.
    assert!(Leftovers::between(&before, Census::new()).is_empty());
}

#[test]
fn every_kind_says_what_it_is_and_how_to_remove_it() {
    let labels: BTreeSet<&str> = Kind::ALL.iter().map(|k| k.label()).collect();
    assert_eq!(labels.len(), Kind::ALL.len(), "two kinds share a label");
    for kind in Kind::ALL {
        assert!(!kind.fix().is_empty(), "{kind:?}");
    }
}

#[test]
fn runtime_processes_are_told_from_others() {
    for comm in ["containerd", "containerd-shim", "conmon", "podman"] {
        assert_eq!(process_kind(comm), Some(Kind::RuntimeProcess), "{comm}");
    }
    assert_eq!(process_kind("pause"), Some(Kind::PauseProcess));
    assert_eq!(process_kind("pause-tiny"), Some(Kind::PauseProcess));
    for comm in ["dockerd", "bash", "sleep", "conmonitor"] {
        assert_eq!(process_kind(comm), None, "{comm}");
    }
}

#[test]
fn mounts_under_the_watched_directories_are_found() {
    let mountinfo = "\
22 1 0:21 / /proc rw - proc proc rw
40 22 0:4 / /run/netns/pod1 rw - nsfs nsfs rw
41 22 0:50 / /work/main/target/probe\\040dir rw - tmpfs none rw
42 22 0:51 / /work/main/target-other rw - tmpfs none rw
43 22 0:52 / /run/real-node-77/rootfs rw - overlay overlay rw
44 22 0:53 / /run/real-nodes rw - tmpfs none rw
";
    let watched = [
        PathBuf::from("/work/main/target"),
        PathBuf::from("/run/netns"),
    ];
    assert_eq!(
        mounts_under(mountinfo, &watched, &["/run/real-node-"]),
        set(&[
            "/run/netns/pod1",
            "/run/real-node-77/rootfs",
            "/work/main/target/probe dir"
        ])
    );
}

/// Removes the directory tree on drop, also when an assertion fails.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn cgroups_are_found_at_any_depth_without_following_links() {
    let top = TempDir::new("xtask-cgroup-probe");
    let deep = top.0.join("pids/user.slice/zombie-reaping-12");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::create_dir_all(top.0.join("unified/zombie-reaping-13")).unwrap();
    std::fs::create_dir_all(top.0.join("memory/real-node-14")).unwrap();
    std::fs::create_dir_all(top.0.join("memory/other")).unwrap();
    std::os::unix::fs::symlink(top.0.join("pids"), top.0.join("pids-link")).unwrap();
    let prefixes = ["zombie-reaping-", "real-node-"];
    let found = dirs_named(&top.0, &prefixes, 6);
    let expected: BTreeSet<String> = [
        deep,
        top.0.join("unified/zombie-reaping-13"),
        top.0.join("memory/real-node-14"),
    ]
    .iter()
    .map(|p| p.display().to_string())
    .collect();
    assert_eq!(found, expected);
    assert!(dirs_named(&top.0, &prefixes, 1).is_empty());
}

/// Kills and reaps the child on drop, also when an assertion fails.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn processes_of_this_run_carry_its_marker() {
    let spawn = |marked: bool| {
        let mut command = Command::new("sleep");
        command.arg("30");
        if marked {
            command.env(RUN_MARKER, run_id());
        } else {
            command.env_remove(RUN_MARKER);
        }
        Reaped(command.spawn().expect("spawn sleep"))
    };
    let (ours, theirs) = (spawn(true), spawn(false));
    // /proc/<pid>/environ is readable once exec has set up the new
    // stack, a moment after spawn returns: poll for the marked one.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !carries_marker(&format!("{} sleep", ours.0.id())) {
        assert!(
            Instant::now() < deadline,
            "the marked process never showed its marker"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let theirs_ready = || {
        std::fs::read(format!("/proc/{}/environ", theirs.0.id())).is_ok_and(|env| !env.is_empty())
    };
    while !theirs_ready() {
        assert!(
            Instant::now() < deadline,
            "the unmarked process has no environment"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!carries_marker(&format!("{} sleep", theirs.0.id())));
    assert!(!carries_marker("not-a-pid sleep"));
}

/// A copy of sleep named `name` (comm is the file name), in its own directory.
fn sleep_named(dir: &TempDir, name: &str) -> PathBuf {
    // Copied by cp, not written here: an open write descriptor held while
    // another test forks would make exec fail (ETXTBSY).
    let probe = dir.0.join(name);
    let copied = Command::new("cp")
        .arg("/bin/sleep")
        .arg(&probe)
        .status()
        .unwrap();
    assert!(copied.success());
    probe
}

fn listed(kind: Kind, name: &str, pid: u32) -> bool {
    processes()
        .iter()
        .any(|(k, p)| *k == kind && p.starts_with(&format!("{pid} {name} (")))
}

/// Polls until the kernel has named the process: comm is set during exec, a
/// moment after spawn returns.
fn wait_listed(kind: Kind, name: &str, pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !listed(kind, name, pid) {
        assert!(Instant::now() < deadline, "{pid} not in {:?}", processes());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn finds_live_pause_processes_but_not_zombies() {
    let dir = TempDir::new("pause-book-probe");
    let probe = sleep_named(&dir, "pause-probe");
    let live = Reaped(Command::new(&probe).arg("30").spawn().unwrap());
    wait_listed(Kind::PauseProcess, "pause-probe", live.0.id());

    let mut zombie = Command::new(&probe).arg("30").spawn().unwrap();
    let pid = zombie.id();
    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    // Wait (by polling /proc) until it is a zombie, then it must not be listed.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.contains(") Z "))
    {
        assert!(
            Instant::now() < deadline,
            "the probe did not become a zombie"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!listed(Kind::PauseProcess, "pause-probe", pid));
    let _ = zombie.wait();
}

#[test]
fn finds_a_conmon_process() {
    let dir = TempDir::new("pause-book-conmon-probe");
    let probe = sleep_named(&dir, "conmon");
    let live = Reaped(Command::new(&probe).arg("30").spawn().unwrap());
    wait_listed(Kind::RuntimeProcess, "conmon", live.0.id());
}

#[path = "census_probes.rs"]
mod census_probes;
