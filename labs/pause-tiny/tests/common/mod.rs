//! Building pause-tiny for the tests, and checks the tests share.
#![allow(dead_code)] // each test file uses a part of it

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use nix::sys::signal::Signal;
use nsproc::{CommandInNamespaces, NsCommand, NsKind, Stdio, procfs};

/// What `-v` must print.
pub const VERSION_LINE: &str = concat!("pause.rs ", env!("CARGO_PKG_VERSION"), "\n");

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A release build of pause-tiny for `target` (None: the host; there
/// `PAUSE_TINY_BIN` overrides it): see `testkit::bins::tiny_binary`.
pub fn tiny_binary(target: Option<&str>) -> Result<PathBuf, String> {
    testkit::bins::tiny_binary(target).map_err(String::from)
}

/// How to start the program: directly, or under a user-mode emulator.
pub struct Launcher {
    /// argv before the program's own arguments.
    pub prefix: Vec<String>,
    /// Under qemu: the file qemu logs the guest's system calls to, which
    /// tells us when pause-tiny is ready (qemu itself catches every signal,
    /// so /proc's SigCgt says nothing about the guest's handlers).
    pub strace_log: Option<PathBuf>,
}

impl Launcher {
    pub fn native(bin: &Path) -> Launcher {
        Launcher {
            prefix: vec![bin.display().to_string()],
            strace_log: None,
        }
    }

    pub fn qemu(qemu: &str, bin: &Path, log: &Path) -> Launcher {
        Launcher {
            prefix: vec![
                qemu.to_string(),
                "-d".into(),
                "strace".into(),
                "-D".into(),
                log.display().to_string(),
                bin.display().to_string(),
            ],
            strace_log: Some(log.to_path_buf()),
        }
    }

    fn wait_ready(&self, pid: i32) {
        match &self.strace_log {
            None => nsproc::wait_for_handlers(
                pid,
                &[Signal::SIGTERM, Signal::SIGINT, Signal::SIGCHLD],
                TIMEOUT,
            )
            .unwrap(),
            Some(log) => {
                // The guest sleeps in ppoll(2) only after installing its handlers.
                nsproc::wait_until(TIMEOUT, "the guest to block in ppoll", || {
                    std::fs::read_to_string(log)
                        .ok()?
                        .contains(" ppoll(")
                        .then_some(())
                })
                .unwrap()
            }
        }
    }
}

/// `-V` among other arguments prints the version line and exits 0.
pub fn check_version(launcher: &Launcher) {
    let out = Command::new(&launcher.prefix[0])
        .args(&launcher.prefix[1..])
        .args(["x", "-V"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), VERSION_LINE);
}

/// As PID 1 of a new PID namespace: orphans that exit are reaped (no
/// zombie is left), and SIGTERM ends it with exit code 0 and the message.
pub fn check_reaping_and_sigterm(launcher: &Launcher, orphans: usize) {
    let child = NsCommand::new(&launcher.prefix[0])
        .args(launcher.prefix[1..].iter().cloned())
        .namespaces(&[NsKind::Pid])
        .stdout(Stdio::Piped)
        .stderr(Stdio::Piped)
        .kill_with_parent(true)
        .spawn()
        .unwrap();
    let pid = child.pid();
    launcher.wait_ready(pid);

    // sh starts the sleepers in the background and exits at once: they are
    // orphans, adopted by our PID 1, and become its zombies when they end.
    let script = format!("for i in $(seq {orphans}); do sleep 0.05 & done");
    let status = Command::new("sh")
        .args(["-c", &script])
        .in_namespaces_of(pid, &[NsKind::Pid])
        .unwrap()
        .status()
        .unwrap();
    assert!(status.success());
    nsproc::wait_until(TIMEOUT, "every orphan to be reaped", || {
        let alive = procfs::pids_in_pid_namespace_of(pid).ok()?;
        (alive == [pid]).then_some(())
    })
    .unwrap_or_else(|e| {
        let zombies = procfs::zombies_in_pid_namespace_of(pid).unwrap_or(0);
        panic!("{e} ({zombies} zombies left)")
    });

    child.signal(Signal::SIGTERM).unwrap();
    let out = child.wait_with_output(TIMEOUT).unwrap();
    assert_eq!(out.exit.code(), Some(0), "{out:?}");
    assert!(
        out.stderr.contains("Shutting down, got signal: Terminated"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("Warning"), "it is PID 1: {out:?}");
}
