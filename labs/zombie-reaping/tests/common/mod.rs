//! Helpers shared by the integration tests: the real binaries, the
//! prerequisites, and pods started from the real `zombie-reaping` binary.
#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use nsproc::procfs;
use zombie_reaping::pod::{InitKind, InitProgram, Pod};

/// The binary under test (the tests' own executable is not it).
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_zombie-reaping"))
}

/// The workspace's pause (or `$PAUSE_BIN`), built once per test binary.
pub fn pause() -> Option<PathBuf> {
    static PAUSE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = PAUSE
        .get_or_init(|| testkit::workspace_binary("pause", "pause").map_err(|e| e.to_string()));
    testkit::require("the pause binary", found.clone())
}

/// Whether PID namespaces can be made here (as root or rootless).
pub fn namespaces() -> bool {
    testkit::require("PID namespaces", testkit::isolation()).is_some()
}

/// Whether we are root (bind mounts in the host's mount namespace, veths,
/// cgroups).
pub fn root(what: &str) -> bool {
    let check = if nix::unistd::geteuid().is_root() {
        Ok(())
    } else {
        Err("not root".to_string())
    };
    testkit::require(what, check).is_some()
}

/// A pod whose PID 1 is `kind`, started from the real binaries.
pub fn pod(kind: InitKind) -> Option<Pod> {
    pod_with(kind, &[])
}

/// The same, with more namespaces (`Net`, ...).
pub fn pod_with(kind: InitKind, extra: &[nsproc::NsKind]) -> Option<Pod> {
    if !namespaces() {
        return None;
    }
    let program = match kind {
        InitKind::Pause => InitProgram {
            path: pause()?,
            args: vec![],
        },
        InitKind::None => InitProgram {
            path: bin(),
            args: vec!["init-none".into()],
        },
        InitKind::Once => InitProgram {
            path: bin(),
            args: vec!["init-once".into()],
        },
        InitKind::Loop => InitProgram {
            path: bin(),
            args: vec!["init-loop".into()],
        },
    };
    Some(Pod::start_program(kind, &program, extra).expect("start the pod"))
}

/// A command that runs `program args...` inside the pod's PID namespace,
/// with a private /proc that shows the pod's processes.
pub fn inside(pod: &Pod, program: impl AsRef<Path>, args: &[&str]) -> Command {
    use nsproc::CommandInNamespaces;
    let mut command = Command::new(program.as_ref());
    command.args(args);
    command
        .in_namespaces_of(pod.pid(), &[nsproc::NsKind::Pid])
        .expect("enter the pod");
    command
}

/// Waits until the pod's namespace holds exactly `zombies` zombies.
pub fn wait_for_zombies(pod: &Pod, zombies: usize) {
    nsproc::wait_until(
        Duration::from_secs(20),
        &format!("{zombies} zombies in the pod"),
        || {
            let n = procfs::zombies_in_pid_namespace_of(pod.pid()).ok()?;
            (n == zombies).then_some(())
        },
    )
    .unwrap();
}

/// `SigPnd` and `ShdPnd` of a process: signals queued and not yet handled.
pub fn pending_signals(pid: i32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| *k == "SigPnd" || *k == "ShdPnd")
        .map(|(_, v)| u64::from_str_radix(v.trim(), 16).unwrap())
        .fold(0, |a, b| a | b)
}

/// A child process killed (and reaped) when the test ends, even on panic.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
