//! Measuring one running init from the outside, through /proc.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nix::sys::signal::Signal;
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::Pid;
use nsproc::procfs;
use nsproc::{CommandInNamespaces, EnterOptions, NsChild, NsCommand, NsKind};

use crate::orphans::monotonic_ns;
use crate::peers::Peer;

const BOUND: Duration = Duration::from_secs(30);

/// Starts `peer` as PID 1 of a new PID namespace; returns once it is
/// ready, with the time that took (clone + exec + its own start-up).
pub fn start(peer: &Peer) -> anyhow::Result<(NsChild, Duration)> {
    let started = Instant::now();
    let child = NsCommand::new(&peer.argv[0])
        .args(peer.argv[1..].iter().cloned())
        .namespaces(&[NsKind::Pid])
        .stdout(nsproc::Stdio::Null)
        .stderr(nsproc::Stdio::Null)
        .kill_with_parent(true)
        .spawn()
        .with_context(|| {
            format!(
                "cannot start {} as PID 1 of a new PID namespace (run as root)",
                peer.key
            )
        })?;
    let pid = child.pid();
    // Spin, not back off: start-up takes well under a millisecond.
    loop {
        if is_ready(pid) && (!peer.has_child || children(pid).iter().any(|&c| is_ready(c))) {
            return Ok((child, started.elapsed()));
        }
        if started.elapsed() > BOUND {
            bail!(
                "{} never became ready in {BOUND:?} (asleep, with a SIGTERM handler or SIGTERM blocked)",
                peer.key
            );
        }
        std::hint::spin_loop();
    }
}

/// Ready: asleep, and SIGTERM will be acted on, either by a handler (pause),
/// or because it is blocked and read from a signalfd (catatonit), or waited
/// for in sigtimedwait (tini, dumb-init; while a process sits in that call
/// the kernel shows the waited-for signals as unblocked, so ask `wchan`).
fn is_ready(pid: i32) -> bool {
    procfs::status(pid).is_ok_and(|s| {
        let term = procfs::signal_bit(Signal::SIGTERM);
        s.state == 'S'
            && (s.sig_caught & term != 0
                || s.sig_blocked & term != 0
                || std::fs::read_to_string(format!("/proc/{pid}/wchan"))
                    .is_ok_and(|w| w.contains("sigtimedwait")))
    })
}

/// The children of `pid`, zombies included, from one small /proc file.
pub fn children(pid: i32) -> Vec<i32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .map(|text| {
            text.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Sends SIGTERM and returns how long until the process has exited (it is
/// left unreaped for `NsChild` to reap).
pub fn sigterm_to_exit(child: &mut NsChild) -> anyhow::Result<Duration> {
    let pid = child.pid();
    let sent = Instant::now();
    child
        .signal(Signal::SIGTERM)
        .with_context(|| format!("cannot send SIGTERM to process {pid}"))?;
    // Spin on a non-blocking, non-reaping wait: exits take microseconds.
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT | WaitPidFlag::WNOHANG;
    loop {
        match waitid(Id::Pid(Pid::from_raw(pid)), flags) {
            Ok(WaitStatus::StillAlive) if sent.elapsed() < BOUND => std::hint::spin_loop(),
            Ok(WaitStatus::StillAlive) => {
                bail!("process {pid} still runs {BOUND:?} after SIGTERM");
            }
            Ok(_) => break,
            Err(e) => return Err(e).with_context(|| format!("cannot wait for process {pid}")),
        }
    }
    let took = sent.elapsed();
    child
        .wait_timeout(BOUND)
        .with_context(|| format!("cannot reap process {pid}"))?;
    Ok(took)
}

/// What /proc says about an idle process at one moment.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot {
    pub rss_anon_kb: u64,
    pub vm_rss_kb: u64,
    /// CPU time on the CPU, user and system, in ns (/proc/PID/schedstat).
    pub cpu_ns: u64,
    /// Voluntary plus involuntary context switches.
    pub switches: u64,
}

pub fn snapshot(pid: i32) -> anyhow::Result<Snapshot> {
    let status =
        procfs::status(pid).with_context(|| format!("cannot read process {pid}'s status"))?;
    let field = |path: &str, name: &str| {
        nsproc::procfs::kb_field(path, name)
            .with_context(|| format!("no {name} in {path} (has the process exited?)"))
    };
    Ok(Snapshot {
        rss_anon_kb: field(&format!("/proc/{pid}/smaps_rollup"), "Anonymous")?,
        vm_rss_kb: field(&format!("/proc/{pid}/status"), "VmRSS")?,
        cpu_ns: cpu_ns(pid)?,
        switches: status.voluntary_ctxt_switches + status.nonvoluntary_ctxt_switches,
    })
}

/// Nanoseconds the process has run (first field of /proc/PID/schedstat);
/// far finer than the clock ticks of /proc/PID/stat.
pub fn cpu_ns(pid: i32) -> anyhow::Result<u64> {
    let path = format!("/proc/{pid}/schedstat");
    std::fs::read_to_string(&path)
        .with_context(|| {
            format!("cannot read {path} (a kernel without CONFIG_SCHED_INFO has none)")
        })?
        .split_whitespace()
        .next()
        .and_then(|ns| ns.parse().ok())
        .with_context(|| format!("{path} does not start with a number of nanoseconds"))
}

/// What reaping a burst of orphans cost the init.
#[derive(Clone, Copy, Debug)]
pub struct Reaping {
    pub cpu_ns_per_zombie: f64,
    pub until_none_left: Duration,
}

/// Hands `count` zombies at once to the running init `child` (see
/// [`crate::orphans`]), and measures the init's CPU time and the time until
/// none of them is left (every zombie reaped).
pub fn reaping(child: &NsChild, count: usize) -> anyhow::Result<Reaping> {
    let pid = child.pid();
    let baseline = children(pid);
    let me =
        std::env::current_exe().context("cannot find our own binary to run the orphan maker")?;
    let stamp =
        Removed(std::env::temp_dir().join(format!("footprint-release-{}", std::process::id())));
    let stamp_file = std::fs::File::create(&stamp.0)
        .with_context(|| format!("cannot create {}", stamp.0.display()))?;
    let cpu_before = cpu_ns(pid)?;
    // Returns once the maker has exited, its orphans let go.
    let status = Command::new(me)
        .args(["make-orphans", &count.to_string()])
        .in_namespaces_of_with(
            pid,
            &[NsKind::Pid],
            EnterOptions {
                private_proc: false,
            },
        )
        .with_context(|| format!("cannot enter process {pid}'s PID namespace"))?
        .stdout(Stdio::from(stamp_file))
        .status()
        .context("cannot run the orphan maker (footprint make-orphans)")?;
    let released: u64 = std::fs::read_to_string(&stamp.0)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .with_context(|| {
            format!("the orphan maker failed ({status}) and wrote no hand-over time")
        })?;
    loop {
        let now = children(pid);
        if now.len() <= baseline.len() {
            break;
        }
        if Duration::from_nanos(monotonic_ns()?.saturating_sub(released)) > BOUND {
            bail!(
                "{} zombies still unreaped after {BOUND:?}",
                now.len() - baseline.len()
            );
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let until_none_left = Duration::from_nanos(monotonic_ns()?.saturating_sub(released));
    let cpu = cpu_ns(pid)?.saturating_sub(cpu_before);
    Ok(Reaping {
        cpu_ns_per_zombie: cpu as f64 / count as f64,
        until_none_left,
    })
}

/// A file removed when this goes out of scope, on every return.
struct Removed(PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
