//! pause-tiny must behave exactly like pause: it passes the pause lab's
//! conformance suite (labs/pause/tests), run with `PAUSE_BIN` pointing at
//! it, plus the core checks again here as PID 1 of a PID namespace.

mod common;

use std::path::Path;

use common::{Launcher, check_reaping_and_sigterm, check_version, tiny_binary};

#[test]
fn core_behaviour_as_pid_1() {
    let bin = tiny_binary(None).unwrap();
    let launcher = Launcher::native(&bin);
    check_version(&launcher);
    if testkit::require("PID namespaces", testkit::isolation()).is_some() {
        check_reaping_and_sigterm(&launcher, 200);
    }
}

#[test]
fn not_pid_1_warns_and_keeps_running_until_sigint() {
    let bin = tiny_binary(None).unwrap();
    let child = std::process::Command::new(&bin)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    // A failure before SIGINT must not leave it running (holding our output).
    let guard = KillOnDrop(pid);
    let ready = [
        nix::sys::signal::Signal::SIGTERM,
        nix::sys::signal::Signal::SIGINT,
        nix::sys::signal::Signal::SIGCHLD,
    ];
    nsproc::wait_for_handlers(pid, &ready, common::TIMEOUT).unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    std::mem::forget(guard); // reaped: the PID is no longer its
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Warning: pause should be the first process\nShutting down, got signal: Interrupt\n"
    );
}

/// Kills the process when dropped.
struct KillOnDrop(i32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.0);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        let _ = nix::sys::wait::waitpid(pid, None);
    }
}

/// Runs `cargo test -p pause --test conformance` (labs/pause/tests)
/// with `PAUSE_BIN` set to pause-tiny, in a target directory of its own.
#[test]
fn passes_the_pause_conformance_suite() {
    let root = testkit::workspace_root();
    let suite = root.join("labs/pause/tests");
    let has_suite = std::fs::read_dir(&suite)
        .map(|d| {
            d.filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "rs"))
        })
        .unwrap_or(false);
    let found = if has_suite {
        Ok(())
    } else {
        Err(format!("{} has no test files yet", suite.display()))
    };
    if testkit::require("the pause conformance suite", found).is_none() {
        return;
    }
    let bin = tiny_binary(None).unwrap();
    let out = run_suite(&root, &bin);
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the pause suite failed against pause-tiny:\n{text}"
    );
    let passed: u32 = text
        .lines()
        .filter(|l| l.starts_with("test result: ok."))
        .filter_map(|l| l.split_whitespace().nth(3)?.parse::<u32>().ok())
        .sum();
    assert!(passed > 0, "the pause suite ran no test:\n{text}");
    eprintln!(
        "pause conformance suite: {passed} tests passed against {}",
        bin.display()
    );
}

fn run_suite(root: &Path, bin: &Path) -> std::process::Output {
    // Output goes to files: a pipe left unread could block the nested run.
    let dir = root.join("target").join("tiny-suite");
    std::fs::create_dir_all(&dir).unwrap();
    let (out_path, err_path) = (dir.join("suite.stdout"), dir.join("suite.stderr"));
    let mut child = testkit::run::cargo()
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &dir)
        .env("PAUSE_BIN", bin)
        .args(["test", "-p", "pause", "--test", "conformance"])
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    // Bounded: a cold build of the suite takes about a minute here.
    let waited = nsproc::wait_until(SUITE_BOUND, "the pause suite to finish", || {
        child.try_wait().unwrap()
    });
    let status = waited.unwrap_or_else(|e| {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{e}")
    });
    std::process::Output {
        status,
        stdout: std::fs::read(&out_path).unwrap(),
        stderr: std::fs::read(&err_path).unwrap(),
    }
}

const SUITE_BOUND: std::time::Duration = std::time::Duration::from_secs(600);
