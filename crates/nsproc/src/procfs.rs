//! What `/proc` tells about one process, or about every process of a PID
//! namespace, seen from the host.

use std::fs;

use nix::sys::signal::Signal;

use crate::error::{Context, Result};
use crate::namespaces::{NsKind, ns_inode};

/// The fields of `/proc/PID/status` the labs look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub name: String,
    /// `R`, `S`, `D`, `Z`, `T`, ...
    pub state: char,
    pub ppid: i32,
    /// The PID in every PID namespace the process is visible in, outermost
    /// first: `NSpid: 4711 1` means host PID 4711, PID 1 in its own namespace.
    pub nspid: Vec<i32>,
    /// Signals with a handler installed (`SigCgt`), as a bit mask.
    pub sig_caught: u64,
    /// Signals blocked by the process (`SigBlk`).
    pub sig_blocked: u64,
    /// Signals explicitly ignored (`SigIgn`).
    pub sig_ignored: u64,
    /// Voluntary context switches since start (each one a wake-up and a sleep).
    pub voluntary_ctxt_switches: u64,
    pub nonvoluntary_ctxt_switches: u64,
}

impl Status {
    /// The PID as seen inside the process's own (innermost) PID namespace.
    pub fn pid_in_own_namespace(&self) -> Option<i32> {
        self.nspid.last().copied()
    }

    /// Whether a handler for `signal` is installed.
    pub fn catches(&self, signal: Signal) -> bool {
        self.sig_caught & signal_bit(signal) != 0
    }
}

/// The bit of `signal` in the `Sig*` masks of `/proc/PID/status`.
pub fn signal_bit(signal: Signal) -> u64 {
    1u64 << (signal as i32 - 1)
}

/// Reads and parses `/proc/PID/status`.
pub fn status(pid: i32) -> Result<Status> {
    let path = format!("/proc/{pid}/status");
    let text = fs::read_to_string(&path).context(|| format!("read {path}"))?;
    Ok(parse_status(&text))
}

fn parse_status(text: &str) -> Status {
    let mut status = Status {
        name: String::new(),
        state: '?',
        ppid: 0,
        nspid: Vec::new(),
        sig_caught: 0,
        sig_blocked: 0,
        sig_ignored: 0,
        voluntary_ctxt_switches: 0,
        nonvoluntary_ctxt_switches: 0,
    };
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        let hex = || u64::from_str_radix(value, 16).unwrap_or(0);
        match key {
            "Name" => status.name = value.to_string(),
            "State" => status.state = value.chars().next().unwrap_or('?'),
            "PPid" => status.ppid = value.parse().unwrap_or(0),
            "NSpid" => {
                status.nspid = value
                    .split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect()
            }
            "SigCgt" => status.sig_caught = hex(),
            "SigBlk" => status.sig_blocked = hex(),
            "SigIgn" => status.sig_ignored = hex(),
            "voluntary_ctxt_switches" => {
                status.voluntary_ctxt_switches = value.parse().unwrap_or(0)
            }
            "nonvoluntary_ctxt_switches" => {
                status.nonvoluntary_ctxt_switches = value.parse().unwrap_or(0)
            }
            _ => {}
        }
    }
    status
}

/// What `/proc/PID/stat` says about a process that the labs and tools use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    /// `R`, `S`, `D`, `Z`, `T`, ...
    pub state: char,
    pub ppid: i32,
    /// Process group and session ids.
    pub pgrp: i32,
    pub session: i32,
    /// User + system CPU time, in clock ticks (`sysconf(_SC_CLK_TCK)`).
    pub cpu_ticks: u64,
    /// When it started, in clock ticks since boot: with the PID, it names
    /// one process even after its PID is reused.
    pub start_time: u64,
}

impl Stat {
    /// Neither a zombie nor dead: it still runs.
    pub fn running(&self) -> bool {
        !matches!(self.state, 'Z' | 'X')
    }
}

/// `/proc/PID/stat`, parsed.
pub fn stat(pid: i32) -> Result<Stat> {
    let path = format!("/proc/{pid}/stat");
    let text = fs::read_to_string(&path).context(|| format!("read {path}"))?;
    parse_stat(&text).ok_or_else(|| crate::Error::new(format!("parse {path}"), "unexpected format"))
}

fn parse_stat(text: &str) -> Option<Stat> {
    // The command name is in parentheses and may contain spaces and
    // parentheses itself: the fields start after the last ')'.
    let after_comm = text.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    // After the name: state(0) ppid(1) pgrp(2) session(3) ... utime(11)
    // stime(12) ... starttime(19).
    let number = |i: usize| fields.get(i)?.parse::<u64>().ok();
    let id = |i: usize| fields.get(i)?.parse::<i32>().ok();
    Some(Stat {
        state: fields.first()?.chars().next()?,
        ppid: id(1)?,
        pgrp: id(2)?,
        session: id(3)?,
        cpu_ticks: number(11)? + number(12)?,
        start_time: number(19)?,
    })
}

/// CPU time the process has used (user + system), in clock ticks
/// (`sysconf(_SC_CLK_TCK)`, usually 100 per second), from `/proc/PID/stat`.
pub fn cpu_ticks(pid: i32) -> Result<u64> {
    stat(pid).map(|stat| stat.cpu_ticks)
}

/// A size in kB from a `/proc` file of `Name:   123 kB` lines, such as
/// `VmRSS` in `/proc/PID/status` or `Anonymous` in `/proc/PID/smaps_rollup`.
/// `None` when the file cannot be read or has no such field.
pub fn kb_field(path: &str, name: &str) -> Option<u64> {
    fs::read_to_string(path)
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The command line of a process, arguments joined by spaces (empty for
/// zombies and kernel threads).
pub fn cmdline(pid: i32) -> Result<String> {
    let path = format!("/proc/{pid}/cmdline");
    let raw = fs::read(&path).context(|| format!("read {path}"))?;
    let words: Vec<String> = raw
        .split(|b| *b == 0)
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    Ok(words.join(" "))
}

/// The environment of a process, `NAME=value` entries (empty for zombies
/// and kernel threads; readable only for one's own processes, or as root).
pub fn environ(pid: i32) -> Result<Vec<String>> {
    let path = format!("/proc/{pid}/environ");
    let raw = fs::read(&path).context(|| format!("read {path}"))?;
    Ok(raw
        .split(|b| *b == 0)
        .filter(|entry| !entry.is_empty())
        .map(|entry| String::from_utf8_lossy(entry).into_owned())
        .collect())
}

/// What the open file descriptors of a process point at
/// (`/proc/PID/fd/*`; readable only for one's own processes, or as root).
pub fn open_files(pid: i32) -> Result<Vec<std::path::PathBuf>> {
    let path = format!("/proc/{pid}/fd");
    let entries = fs::read_dir(&path).context(|| format!("list {path}"))?;
    Ok(entries
        .filter_map(|fd| fs::read_link(fd.ok()?.path()).ok())
        .collect())
}

/// Every process currently listed in `/proc`, as host PIDs.
pub fn all_pids() -> Result<Vec<i32>> {
    let entries = fs::read_dir("/proc").context(|| "list /proc".to_string())?;
    let mut pids: Vec<i32> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    Ok(pids)
}

/// Host PIDs of every process that lives in the same PID namespace as `pid`
/// (including `pid` itself), zombies included.
///
/// Processes that only have their `pid_for_children` set to that namespace
/// (after `setns`) are not in it, as the kernel sees it.
pub fn pids_in_pid_namespace_of(pid: i32) -> Result<Vec<i32>> {
    let target = ns_inode(pid, NsKind::Pid)?;
    Ok(all_pids()?
        .into_iter()
        .filter(|&p| ns_inode(p, NsKind::Pid).is_ok_and(|ino| ino == target))
        .collect())
}

/// How many zombies (state `Z`) live in the PID namespace of `pid`.
pub fn zombies_in_pid_namespace_of(pid: i32) -> Result<usize> {
    Ok(pids_in_pid_namespace_of(pid)?
        .into_iter()
        .filter(|&p| status(p).is_ok_and(|s| s.state == 'Z'))
        .count())
}

/// Host PIDs of the direct children of `pid`.
pub fn children_of(pid: i32) -> Result<Vec<i32>> {
    Ok(all_pids()?
        .into_iter()
        .filter(|&p| status(p).is_ok_and(|s| s.ppid == pid))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_follow_a_name_with_spaces_and_parentheses() {
        let text =
            "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 90 0 0 0 7 5 0 0 20 0 1 0 31337 2000 100";
        assert_eq!(
            parse_stat(text),
            Some(Stat {
                state: 'S',
                ppid: 1,
                pgrp: 4242,
                session: 4242,
                cpu_ticks: 12,
                start_time: 31337,
            })
        );
        assert_eq!(parse_stat("4242 (cut"), None);
        let me = stat(std::process::id() as i32).unwrap();
        assert!(me.running() && me.start_time > 0, "{me:?}");
        let file = std::fs::File::open("/proc/self/stat").unwrap();
        let open = open_files(std::process::id() as i32).unwrap();
        assert!(open.iter().any(|p| p.ends_with("stat")), "{open:?}");
        drop(file);
    }

    const SAMPLE: &str = "Name:\tpause\nState:\tS (sleeping)\nPPid:\t0\n\
        NSpid:\t4711\t1\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n\
        SigCgt:\t0000000000014002\nvoluntary_ctxt_switches:\t3\n\
        nonvoluntary_ctxt_switches:\t1\n";

    #[test]
    fn parses_the_fields_the_labs_use() {
        let s = parse_status(SAMPLE);
        assert_eq!(s.name, "pause");
        assert_eq!(s.state, 'S');
        assert_eq!(s.nspid, vec![4711, 1]);
        assert_eq!(s.pid_in_own_namespace(), Some(1));
        assert_eq!(s.voluntary_ctxt_switches, 3);
        // 0x14002 = SIGINT (2), SIGTERM (15), SIGCHLD (17).
        assert!(s.catches(Signal::SIGINT));
        assert!(s.catches(Signal::SIGTERM));
        assert!(s.catches(Signal::SIGCHLD));
        assert!(!s.catches(Signal::SIGHUP));
    }

    #[test]
    fn reads_this_process() {
        let me = std::process::id() as i32;
        let s = status(me).unwrap();
        assert_eq!(s.nspid.first().copied(), Some(me));
        assert!(cpu_ticks(me).is_ok());
        let status_path = format!("/proc/{me}/status");
        assert!(kb_field(&status_path, "VmRSS").is_some_and(|kb| kb > 0));
        assert_eq!(kb_field(&status_path, "NoSuchField"), None);
        assert!(cmdline(me).unwrap().contains("nsproc"));
        let env = environ(me).unwrap();
        assert!(env.iter().all(|entry| entry.contains('=')), "{env:?}");
        if let Ok(path) = std::env::var("PATH") {
            assert!(env.contains(&format!("PATH={path}")), "{env:?}");
        }
        assert!(pids_in_pid_namespace_of(me).unwrap().contains(&me));
    }

    #[test]
    fn a_reaped_child_is_gone_and_an_unreaped_one_is_a_zombie() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id() as i32;
        crate::wait_until(std::time::Duration::from_secs(5), "child to exit", || {
            status(pid).ok().filter(|s| s.state == 'Z')
        })
        .unwrap();
        assert!(
            children_of(std::process::id() as i32)
                .unwrap()
                .contains(&pid)
        );
        child.wait().unwrap();
        assert!(status(pid).is_err());
    }
}
