//! The conformance suite: what any pause must do, checked on the running
//! binary from the outside (`/proc`, exit statuses, stdout and stderr).
//!
//! Every check takes the binary under test, so the same checks run against
//! this crate's pause (`conformance.rs`, or `PAUSE_BIN`) and against the C
//! pause in `c/pause.c` (`c_pause.rs`). Each waits for readiness (the handlers
//! show in `SigCgt`, or the state is `S`), never for a fixed time.

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::fcntl::OFlag;
use nix::sys::signal::{Signal, kill};
use nix::unistd::{Pid, pipe2};
use nsproc::procfs::{self, signal_bit};
use nsproc::spawn::Exit;
use nsproc::{CommandInNamespaces, EnterOptions, NsChild, NsCommand, NsKind};

/// How long a pause may take to start, to exit, or to reap.
pub const BOUND: Duration = Duration::from_secs(10);
/// The three signals pause handles; every other keeps its default action.
pub const HANDLED: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGCHLD];

const WARNING: &str = "Warning: pause should be the first process\n";

/// A pause started as an ordinary process (not PID 1). Killed on drop.
pub struct Plain(Child);

impl Plain {
    /// Starts `bin args...` with its output piped, without waiting.
    fn spawn(bin: &Path, args: &[&str]) -> Plain {
        let child = Command::new(bin)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        Plain(child)
    }

    /// Starts `bin` with SIGHUP at its default action, whatever this test
    /// process inherited (under `nohup` it is ignored, and an ignored signal
    /// stays ignored across execve(2), for pause as for any program), and
    /// waits until its handlers are installed.
    pub fn start_with_sighup_default(bin: &Path) -> Plain {
        let mut command = Command::new(bin);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // SAFETY: between fork and exec the child only calls signal(2),
        // which is async-signal-safe, and allocates nothing.
        unsafe {
            command.pre_exec(|| {
                nix::sys::signal::signal(Signal::SIGHUP, nix::sys::signal::SigHandler::SigDfl)
                    .map(|_| ())
                    .map_err(std::io::Error::from)
            });
        }
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let plain = Plain(child);
        nsproc::wait_for_handlers(plain.pid(), &HANDLED, BOUND).unwrap();
        plain
    }

    /// Starts `bin args...` and waits until its handlers are installed.
    pub fn start(bin: &Path, args: &[&str]) -> Plain {
        let plain = Plain::spawn(bin, args);
        nsproc::wait_for_handlers(plain.pid(), &HANDLED, BOUND).unwrap();
        plain
    }

    pub fn pid(&self) -> i32 {
        self.0.id() as i32
    }

    pub fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.pid()), signal).unwrap();
    }

    /// Waits for the exit; returns its status, stdout and stderr.
    pub fn finish(mut self) -> (ExitStatus, String, String) {
        let status = wait_child(&mut self.0, BOUND);
        let mut out = String::new();
        let mut err = String::new();
        self.0
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        self.0
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (status, out, err)
    }
}

impl Drop for Plain {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits up to `timeout` for `child` to exit; kills it if it does not.
pub fn wait_child(child: &mut Child, timeout: Duration) -> ExitStatus {
    let waited = nsproc::wait_until(timeout, "the process to exit", || child.try_wait().unwrap());
    waited.unwrap_or_else(|e| {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{e}")
    })
}

/// Runs `bin args...` to the end (bounded) and returns status, stdout, stderr.
pub fn run(bin: &Path, args: &[&str]) -> (ExitStatus, String, String) {
    Plain::spawn(bin, args).finish()
}

/// Starts `bin` as PID 1 of a new PID namespace (through a user namespace
/// when not root) and waits until its handlers are installed. `None` (after
/// printing why) where this machine allows neither.
pub fn start_pid1(bin: &Path) -> Option<NsChild> {
    testkit::require(
        "a new PID namespace (root, or unprivileged user namespaces)",
        testkit::isolation(),
    )?;
    let child = NsCommand::new(bin)
        .namespaces(&[NsKind::Pid])
        .stdout(nsproc::Stdio::Piped)
        .stderr(nsproc::Stdio::Piped)
        .kill_with_parent(true)
        .spawn()
        .unwrap();
    nsproc::wait_for_handlers(child.pid(), &HANDLED, BOUND).unwrap();
    Some(child)
}

/// Runs `sh -c script` inside the PID namespace of `pid`; returns its status.
/// (With a PID namespace, nsproc's `spawn` returns only once the program has
/// exited, so the script must not stay: it may leave children behind.)
fn sh_inside(pid: i32, script: &str) -> ExitStatus {
    let mut child = Command::new("sh")
        .args(["-c", script])
        .in_namespaces_of_with(
            pid,
            &[NsKind::Pid],
            EnterOptions {
                private_proc: false,
            },
        )
        .unwrap()
        .spawn()
        .unwrap();
    wait_child(&mut child, BOUND)
}

// Group 1 ------------------------------------------------------------------

/// `-v` in any case and any position prints one `pause.<impl> <version>`
/// line and exits 0. `expected`: the exact line, when known.
pub fn check_version_flag(bin: &Path, expected: Option<&str>) {
    for args in [
        &["-v"][..],
        &["-V"],
        &["--unknown", "-v"],
        &["-V", "extra"],
        &["a", "b", "-v", "c"],
    ] {
        let mut pause = Plain::spawn(bin, args);
        let what = format!("`pause {}` to print its version and exit", args.join(" "));
        let exited = nsproc::wait_until(BOUND, &what, || pause.0.try_wait().unwrap());
        if let Err(e) = exited {
            panic!("{e}: it kept running") // dropping `pause` kills it
        }
        let (status, out, err) = pause.finish();
        assert_eq!(status.code(), Some(0), "pause {args:?}: {status}");
        assert_eq!(err, "", "pause {args:?} wrote to stderr");
        match expected {
            Some(line) => assert_eq!(out, format!("{line}\n"), "pause {args:?}"),
            None => {
                let words: Vec<&str> = out.trim_end().split(' ').collect();
                assert!(
                    out.ends_with('\n')
                        && out.lines().count() == 1
                        && words.len() == 2
                        && words[0].starts_with("pause.")
                        && !words[1].is_empty(),
                    "pause {args:?} printed {out:?}, not one `pause.<impl> <version>` line"
                );
            }
        }
    }
}

// Group 2 ------------------------------------------------------------------

/// Not PID 1: the warning, still running; `signal` (SIGINT or SIGTERM) makes
/// it say so and exit 0. Unknown arguments change nothing.
pub fn check_shutdown_not_pid1(bin: &Path, signal: Signal, name: &str) {
    let pause = Plain::start(bin, &["--unknown-argument", "x"]);
    let state = procfs::status(pause.pid()).unwrap().state;
    assert!(matches!(state, 'S' | 'R'), "pause is {state}, not running");
    check_only_three_handlers(pause.pid(), ignored_by_a_plain_program(false));
    pause.signal(signal);
    let (status, out, err) = pause.finish();
    assert_eq!(status.code(), Some(0), "after {signal}: {status}");
    assert_eq!(out, "");
    assert_eq!(err, format!("{WARNING}Shutting down, got signal: {name}\n"));
}

/// Not PID 1: SIGHUP has its default action, so it kills pause.
pub fn check_sighup_kills_not_pid1(bin: &Path) {
    let pause = Plain::start_with_sighup_default(bin);
    pause.signal(Signal::SIGHUP);
    let (status, _, err) = pause.finish();
    assert_eq!(status.signal(), Some(Signal::SIGHUP as i32), "{status}");
    assert_eq!(err, WARNING);
}

/// Exactly SIGINT, SIGTERM and SIGCHLD are caught, nothing is blocked, and
/// pause ignores no signal beyond those `inherited` (the ignored set survives
/// execve(2): see [`ignored_by_a_plain_program`]): every other signal keeps
/// its default action.
pub fn check_only_three_handlers(pid: i32, inherited: u64) {
    let status = procfs::status(pid).unwrap();
    let handled = HANDLED.iter().map(|&s| signal_bit(s)).fold(0, |a, b| a | b);
    assert_eq!(
        (status.sig_caught, status.sig_ignored, status.sig_blocked),
        (handled, inherited, 0),
        "SigCgt/SigIgn/SigBlk of pause ({pid}) should be {handled:#x}/{inherited:#x}/0"
    );
}

/// What `grep`, started like pause, finds ignored in its own SigIgn: the
/// dispositions a program inherits from our way of starting it (glibc's
/// posix_spawn, which std uses, hands its internal signals 32 and 33 over
/// as ignored, for instance).
pub fn ignored_by_a_plain_program(in_new_pid_namespace: bool) -> u64 {
    let args = ["-h", "^SigIgn:", "/proc/self/status"];
    let line = if in_new_pid_namespace {
        let out = NsCommand::new("grep")
            .args(args)
            .namespaces(&[NsKind::Pid])
            .output(BOUND)
            .unwrap();
        out.stdout
    } else {
        run(Path::new("/bin/grep"), &args).1
    };
    let hex = line.trim().trim_start_matches("SigIgn:").trim();
    u64::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("cannot parse {line:?}"))
}

// Group 3 ------------------------------------------------------------------

/// As PID 1: no warning, and SIGTERM from the parent namespace -> exit 0.
pub fn check_pid1_sigterm_from_parent(bin: &Path) {
    let Some(pause) = start_pid1(bin) else { return };
    let status = procfs::status(pause.pid()).unwrap();
    assert_eq!(status.pid_in_own_namespace(), Some(1));
    check_only_three_handlers(pause.pid(), ignored_by_a_plain_program(true));
    pause.signal(Signal::SIGTERM).unwrap();
    let out = pause.wait_with_output(BOUND).unwrap();
    assert_eq!(out.exit, Exit::Code(0), "{out:?}");
    assert_eq!(out.stderr, "Shutting down, got signal: Terminated\n");
}

/// As PID 1: SIGHUP and SIGUSR1 sent from inside the namespace are dropped
/// by the kernel (no handler), so pause lives on until SIGTERM.
pub fn check_pid1_ignores_unhandled_signals(bin: &Path) {
    let Some(mut pause) = start_pid1(bin) else {
        return;
    };
    let sent = sh_inside(pause.pid(), "kill -HUP 1 && kill -USR1 1");
    assert!(
        sent.success(),
        "kill from inside the namespace failed: {sent}"
    );
    // A fatal signal would have marked pause as exiting when kill returned.
    assert_eq!(pause.try_wait().unwrap(), None, "pause died of HUP or USR1");
    pause.signal(Signal::SIGTERM).unwrap();
    let out = pause.wait_with_output(BOUND).unwrap();
    assert_eq!(out.exit, Exit::Code(0), "{out:?}");
}

/// As PID 1: `count` orphans that exit together are all reaped within
/// [`BOUND`]. Returns how long reaping took, or `None` if skipped.
pub fn check_pid1_reaps_orphans(bin: &Path, count: usize) -> Option<Duration> {
    let pause = start_pid1(bin)?;
    let released = make_orphans(pause.pid(), count);
    let start = Instant::now();
    drop(released); // every orphan's read(2) returns: they all exit at once
    let left = nsproc::wait_until(BOUND, "pause to reap every orphan", || {
        let pids = procfs::pids_in_pid_namespace_of(pause.pid()).ok()?;
        (pids == [pause.pid()]).then_some(())
    });
    let took = start.elapsed();
    let zombies = procfs::zombies_in_pid_namespace_of(pause.pid()).unwrap();
    left.unwrap_or_else(|e| panic!("{e}: {zombies} zombies left"));
    assert_eq!(zombies, 0);
    Some(took)
}

/// As PID 1 with one adopted child still running, another that exits is
/// reaped and pause goes back to sleep: a reaper that loops until waitpid
/// fails (forgetting "children left, none exited") would spin forever.
pub fn check_pid1_sleeps_again_with_children_left(bin: &Path) {
    let Some(pause) = start_pid1(bin) else { return };
    let started = sh_inside(pause.pid(), "sleep 1000 & exit 0");
    assert!(started.success(), "{started}");
    let stayer = nsproc::wait_until(BOUND, "a sleep adopted by pause", || {
        let children = procfs::children_of(pause.pid()).ok()?;
        (children.len() == 1).then(|| children[0])
    })
    .unwrap();
    drop(make_orphans(pause.pid(), 1)); // this one exits at once
    let pid = pause.pid();
    let asleep = || {
        let status = procfs::status(pid).ok()?;
        let children = procfs::children_of(pid).ok()?;
        (status.state == 'S' && children == [stayer]).then_some(())
    };
    nsproc::wait_until(BOUND, "pause to reap the orphan and sleep again", asleep).unwrap_or_else(
        |e| {
            let state = procfs::status(pid).map(|s| s.state).unwrap_or('?');
            panic!("{e}: pause is in state {state}, not sleeping, after one of two children exited")
        },
    );
    let ticks = procfs::cpu_ticks(pid).unwrap();
    std::thread::sleep(Duration::from_millis(300)); // a measurement window
    assert_eq!(
        procfs::cpu_ticks(pid).unwrap(),
        ticks,
        "pause keeps using CPU time after reaping, with a child still running"
    );
    assert!(asleep().is_some(), "pause woke up with nothing to do");
}

/// Makes `count` children of pause (PID `pause`): a maker forked into its PID
/// namespace forks them and exits, so they are reparented to PID 1. They
/// block reading a pipe; dropping the returned write end lets them exit.
fn make_orphans(pause: i32, count: usize) -> std::os::fd::OwnedFd {
    let adopted_before = procfs::children_of(pause).unwrap().len();
    let (read_end, write_end) = pipe2(OFlag::O_CLOEXEC).unwrap();
    let read_fd = read_end.as_raw_fd();
    let mut maker = Command::new("true");
    maker
        .stdin(Stdio::null())
        .in_namespaces_of_with(
            pause,
            &[NsKind::Pid],
            EnterOptions {
                private_proc: false,
            },
        )
        .unwrap();
    // SAFETY: runs between fork and exec, after the maker joined the PID
    // namespace; only raw, async-signal-safe system calls.
    unsafe {
        maker.pre_exec(move || {
            for _ in 0..count {
                match libc::fork() {
                    -1 => return Err(std::io::Error::last_os_error()),
                    0 => {
                        // Keep only the pipe's read end, as stdin: no copy of
                        // its write end (nor of std's exec-status pipe) stays.
                        libc::dup2(read_fd, 0);
                        libc::close_range(1, u32::MAX, 0);
                        let mut byte = 0u8;
                        libc::read(0, (&raw mut byte).cast(), 1);
                        libc::_exit(0);
                    }
                    _ => {}
                }
            }
            Ok(())
        });
    }
    let mut child = maker.spawn().unwrap();
    let status = wait_child(&mut child, BOUND);
    assert!(status.success(), "the orphan maker failed: {status}");
    drop(read_end);
    // The maker is gone, so its children now belong to pause.
    let orphans = procfs::children_of(pause).unwrap().len() - adopted_before;
    assert_eq!(orphans, count, "orphans reparented to pause");
    write_end
}

// Group 4 ------------------------------------------------------------------

/// When pause, as PID 1, exits, the kernel kills every other process of its
/// PID namespace.
pub fn check_pid1_exit_kills_namespace(bin: &Path) {
    let Some(mut pause) = start_pid1(bin) else {
        return;
    };
    // The shell exits at once; its two sleeps become pause's children.
    let started = sh_inside(pause.pid(), "sleep 1000 & sleep 1000 & exit 0");
    assert!(started.success(), "{started}");
    let others = nsproc::wait_until(BOUND, "two sleeps in pause's namespace", || {
        let pids = procfs::pids_in_pid_namespace_of(pause.pid()).ok()?;
        let others: Vec<i32> = pids.into_iter().filter(|&p| p != pause.pid()).collect();
        (others.len() == 2).then_some(others)
    })
    .unwrap();
    pause.signal(Signal::SIGTERM).unwrap();
    assert_eq!(pause.wait_timeout(BOUND).unwrap(), Exit::Code(0));
    for pid in others {
        nsproc::wait_until(BOUND, &format!("process {pid} to be gone"), || {
            procfs::status(pid).is_err().then_some(())
        })
        .unwrap();
    }
}

// Group 5 ------------------------------------------------------------------

/// Idle pause sleeps (state S) and neither runs nor wakes up for `window`.
pub fn check_idle(bin: &Path, window: Duration) {
    let pause = Plain::start(bin, &[]);
    let pid = pause.pid();
    let sleeping = || procfs::status(pid).ok().filter(|s| s.state == 'S');
    let before = nsproc::wait_until(BOUND, "pause to sleep", sleeping).unwrap();
    let ticks = procfs::cpu_ticks(pid).unwrap();
    std::thread::sleep(window); // the measurement window, not a readiness wait
    let after = sleeping().expect("pause is no longer sleeping");
    assert_eq!(
        procfs::cpu_ticks(pid).unwrap(),
        ticks,
        "pause used CPU time"
    );
    assert_eq!(
        after.voluntary_ctxt_switches + after.nonvoluntary_ctxt_switches,
        before.voluntary_ctxt_switches + before.nonvoluntary_ctxt_switches,
        "pause woke up"
    );
}
