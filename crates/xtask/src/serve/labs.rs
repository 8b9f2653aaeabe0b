//! `cargo xtask serve --labs`: build the book once, build the lab runner and
//! the lab binaries its runnable transcripts call, then run the runner in
//! the foreground (crates/lab-runner): it serves the built book on
//! 127.0.0.1 and runs, for the pages' Run buttons, only the transcripts the
//! labs mark runnable.
//!
//! The runner gets its own process group, so a Ctrl-C reaches it once,
//! forwarded by us, and we wait while it removes what its runs made. It is
//! also told to stop (SIGTERM) if we die first.

use anyhow::Context;
use std::collections::BTreeSet;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The runner's package and binary.
const RUNNER: &str = "lab-runner";

/// The packages to build: the runner, pause (every pod's PID 1), and the
/// lab of each runnable transcript (a lab's folder is its package's name).
pub fn packages(catalog: &[transcripts::CatalogEntry]) -> Vec<String> {
    let mut packages: BTreeSet<String> = catalog
        .iter()
        .filter(|entry| entry.runnable)
        .map(|entry| entry.lab.clone())
        .collect();
    packages.insert("pause".into());
    packages.insert(RUNNER.into());
    packages.into_iter().collect()
}

/// cargo's target directory for the workspace at `root`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

pub fn took(started: Instant) -> String {
    let secs = started.elapsed().as_secs();
    format!("{}m{:02}s", secs / 60, secs % 60)
}

/// Fails at once, before minutes of building, if the port is taken.
pub fn check_port(port: u16) -> anyhow::Result<()> {
    std::net::TcpListener::bind(("127.0.0.1", port))
        .map(drop)
        .with_context(|| {
            format!(
                "port {port} on 127.0.0.1 is taken (by another runner or mdbook serve?): pass --port {}",
                port.wrapping_add(1).max(1)
            )
        })
}

pub fn run(root: &Path, port: u16) -> anyhow::Result<()> {
    let started = Instant::now();
    println!("Building the book...");
    let book = super::build_book(root)?;
    println!("Book built in {} ({}).", took(started), book.display());

    let catalog = transcripts::catalog(root).context("cannot list the labs' transcripts")?;
    let packages = packages(&catalog);
    let started = Instant::now();
    println!(
        "Building the lab runner and the lab binaries ({}): a few minutes the first time on 2 cores...",
        packages.join(", ")
    );
    let mut cargo = testkit::run::cargo();
    cargo.current_dir(root).arg("build");
    for package in &packages {
        cargo.args(["--package", package]);
    }
    let status = cargo.status().context("cannot run cargo build")?;
    anyhow::ensure!(status.success(), "cargo build ended with {status}");
    println!("Built in {}.", took(started));

    // The runner finds the lab binaries next to itself.
    let runner = target_dir(root).join("debug").join(RUNNER);
    let mut command = Command::new(&runner);
    command
        .arg("--book")
        .arg(&book)
        .arg("--port")
        .arg(port.to_string())
        .arg("--root")
        .arg(root)
        .current_dir(root)
        .stdin(Stdio::null())
        .process_group(0);
    let mut signals = Signals::block()?;
    let blocked = signals.set;
    // SAFETY: between fork and exec the closure only makes two
    // async-signal-safe calls on the child's own attributes and allocates
    // nothing: it unblocks the signals we block here (a mask survives exec)
    // and asks for SIGTERM should we die first.
    unsafe {
        command.pre_exec(move || {
            let rc = libc::pthread_sigmask(libc::SIG_UNBLOCK, &blocked, std::ptr::null_mut());
            if rc != 0 {
                return Err(std::io::Error::from_raw_os_error(rc));
            }
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = command
        .spawn()
        .with_context(|| format!("cannot start {}", runner.display()))?;
    let status = signals.forward_until_exit(child)?;
    anyhow::ensure!(
        status.success() || signals.seen,
        "the lab runner ended with {status}"
    );
    Ok(())
}

/// SIGINT, SIGTERM and SIGHUP, blocked in this process so they can be
/// waited for and forwarded to the runner (which gets them unblocked).
struct Signals {
    set: libc::sigset_t,
    seen: bool,
}

impl Signals {
    fn block() -> anyhow::Result<Signals> {
        // SAFETY: a zeroed sigset_t is valid storage; sigemptyset initialises it.
        let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: `set` is a valid sigset_t owned by this frame; the calls
        // only write into it and into this thread's signal mask.
        let rc = unsafe {
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGINT);
            libc::sigaddset(&mut set, libc::SIGTERM);
            libc::sigaddset(&mut set, libc::SIGHUP);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut())
        };
        anyhow::ensure!(
            rc == 0,
            "cannot block SIGINT/SIGTERM: {}",
            std::io::Error::from_raw_os_error(rc)
        );
        Ok(Signals { set, seen: false })
    }

    /// Waits for the runner to exit, passing each signal on to it (SIGHUP
    /// as SIGTERM), so it can stop its runs and remove what they made.
    fn forward_until_exit(&mut self, mut child: Child) -> anyhow::Result<std::process::ExitStatus> {
        let pid = libc::pid_t::try_from(child.id()).context("the runner's pid")?;
        loop {
            if let Some(status) = child.try_wait().context("waiting for the lab runner")? {
                return Ok(status);
            }
            let timeout = libc::timespec {
                tv_sec: 0,
                tv_nsec: Duration::from_millis(200).as_nanos() as libc::c_long,
            };
            // SAFETY: `self.set` is an initialised sigset_t, `timeout` a valid
            // timespec; a null siginfo pointer is allowed.
            let signal = unsafe { libc::sigtimedwait(&self.set, std::ptr::null_mut(), &timeout) };
            if signal > 0 {
                self.seen = true;
                let forward = if signal == libc::SIGHUP {
                    libc::SIGTERM
                } else {
                    signal
                };
                println!("Stopping the lab runner; it removes what its runs made...");
                // SAFETY: kill(2) on the child we spawned and have not reaped
                // (try_wait above saw it running), so the pid is still ours.
                unsafe {
                    libc::kill(pid, forward);
                }
            }
        }
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        // SAFETY: restores this thread's mask from the set we blocked.
        unsafe {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &self.set, std::ptr::null_mut());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_runner_pause_and_each_runnable_lab() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let catalog = transcripts::catalog(&root).unwrap();
        let packages = packages(&catalog);
        for package in ["lab-runner", "pause", "setns-demo", "zombie-reaping"] {
            assert!(packages.iter().any(|p| p == package), "{packages:?}");
        }
        // Docker-only labs have no runnable transcript.
        assert!(!packages.iter().any(|p| p == "docker-demo"), "{packages:?}");
        for package in &packages {
            let manifest = if package == RUNNER {
                root.join("crates").join(package).join("Cargo.toml")
            } else {
                root.join("labs").join(package).join("Cargo.toml")
            };
            let text = std::fs::read_to_string(&manifest).unwrap();
            assert!(
                text.contains(&format!("name = \"{package}\"")),
                "{} is not package {package}",
                manifest.display()
            );
        }
    }

    #[test]
    fn a_taken_port_is_refused_before_building() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let message = format!("{:#}", check_port(port).unwrap_err());
        assert!(
            message.starts_with(&format!("port {port} on 127.0.0.1 is taken")),
            "{message}"
        );
        drop(listener);
        assert!(check_port(port).is_ok());
    }
}
