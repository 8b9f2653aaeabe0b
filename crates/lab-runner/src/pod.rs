//! The pods a run made, as /proc shows them: for each pod in the run's own
//! state directory, pause and its members with the inodes of their
//! namespaces, and a mermaid diagram of which namespaces each one shares
//! with pause. The state directory is written by the run's commands, so
//! its contents are hints only: a process is shown only when /proc proves
//! it is the pod's (see labs/setns-demo/src/discover.rs for the same rule).

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use nsproc::{NsKind, procfs};
use serde::{Deserialize, Serialize};

/// The namespace kinds shown, in order.
pub const KINDS: [&str; 6] = ["net", "ipc", "uts", "pid", "mnt", "cgroup"];

/// The bytes of a state file we are willing to read.
const MAX_STATE: u64 = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodView {
    pub pods: Vec<Pod>,
    pub mermaid: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pod {
    pub name: String,
    /// pause first, then the members by PID.
    pub processes: Vec<Process>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Process {
    pub pid: i32,
    pub command: String,
    /// Inode per kind of [`KINDS`], as /proc/PID/ns/* show them.
    pub ns: std::collections::BTreeMap<String, u64>,
}

/// A pod name setns-demo accepts (and so a plain directory name).
pub fn valid_pod_name(name: &str) -> bool {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    name.len() <= 40
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().all(ok)
}

/// The pods of `state_dir`: its subdirectories (not links) with valid names.
pub fn pod_names(state_dir: &Path) -> Vec<String> {
    let Ok(listing) = std::fs::read_dir(state_dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = listing
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| valid_pod_name(name))
        .collect();
    names.sort();
    names
}

#[derive(Deserialize)]
struct StateFile {
    pause: Option<Recorded>,
}

#[derive(Clone, Copy, Deserialize)]
struct Recorded {
    pid: i32,
    started: u64,
}

/// Reads a small regular file without following a link.
fn read_small(path: &Path) -> Option<String> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(path)
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    file.take(MAX_STATE).read_to_string(&mut text).ok()?;
    Some(text)
}

/// Whether `pid`, started at `started` (clock ticks since boot), is
/// that very process, alive.
pub fn is_alive(pid: i32, started: u64) -> bool {
    alive(Recorded { pid, started })
}

/// The members `exec` recorded in `pod_dir/members`: (PID, start time).
pub fn recorded_members(pod_dir: &Path) -> Vec<(i32, u64)> {
    read_small(&pod_dir.join("members"))
        .unwrap_or_default()
        .lines()
        .take(1000)
        .filter_map(|line| {
            let (pid, started) = line.split_once(' ')?;
            Some((pid.parse().ok()?, started.trim().parse().ok()?))
        })
        .collect()
}

/// Whether `recorded` is that very process, alive.
fn alive(recorded: Recorded) -> bool {
    recorded.pid > 0
        && procfs::stat(recorded.pid)
            .is_ok_and(|stat| stat.start_time == recorded.started && stat.running())
}

/// Whether `pid` was started with `SETNS_DEMO_POD=<dir>`.
fn carries_marker(pid: i32, dir: &Path) -> bool {
    // Our state directories have ASCII names; any other never matches.
    let Some(dir) = dir.to_str() else {
        return false;
    };
    let wanted = format!("SETNS_DEMO_POD={dir}");
    procfs::environ(pid).is_ok_and(|env| env.contains(&wanted))
}

fn process(pid: i32) -> Option<Process> {
    let cmdline = procfs::cmdline(pid).ok()?;
    // The program by its file name, then its arguments, at most 200 chars.
    let (program, args) = cmdline.split_once(' ').unwrap_or((&cmdline, ""));
    let program = program.rsplit('/').next().filter(|p| !p.is_empty())?;
    let command: String = [program, args]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect();
    let ns = KINDS
        .iter()
        .filter_map(|kind| {
            let inode = nsproc::ns_inode(pid, NsKind::parse(kind).ok()?).ok()?;
            Some((kind.to_string(), inode))
        })
        .collect();
    Some(Process { pid, command, ns })
}

/// What /proc proves of pod `name` in `state_dir`.
fn read_pod(state_dir: &Path, name: &str) -> Option<Pod> {
    let dir = state_dir.join(name);
    let state: StateFile = serde_json::from_str(&read_small(&dir.join("state.json"))?).ok()?;
    let pause = state
        .pause
        .filter(|p| alive(*p) && carries_marker(p.pid, &dir))?;
    let pause = process(pause.pid)?;
    let mut members: Vec<Process> = recorded_members(&dir)
        .into_iter()
        .filter(|&(pid, started)| is_alive(pid, started))
        .filter_map(|(pid, _)| process(pid))
        // A member joins at least one of pause's namespaces.
        .filter(|m| {
            ["net", "ipc", "uts", "pid"]
                .iter()
                .any(|k| m.ns.contains_key(*k) && m.ns.get(*k) == pause.ns.get(*k))
        })
        .filter(|m| m.pid != pause.pid)
        .collect();
    members.sort_by_key(|m| m.pid);
    members.dedup_by_key(|m| m.pid);
    let mut processes = vec![pause];
    processes.extend(members);
    Some(Pod {
        name: name.to_string(),
        processes,
    })
}

/// The view of every pod of `state_dir`.
pub fn view(state_dir: &Path) -> PodView {
    let pods: Vec<Pod> = pod_names(state_dir)
        .iter()
        .filter_map(|name| read_pod(state_dir, name))
        .collect();
    let mermaid = if pods.is_empty() {
        String::new()
    } else {
        mermaid(&pods)
    };
    PodView { pods, mermaid }
}

/// A label mermaid shows as text: plain characters only.
fn label(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._/:=,+-@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect()
}

/// The diagram: per pod, pause holding one node per namespace (with its
/// inode), and each member joined to the ones it shares; what a member has
/// of its own is written in its box.
pub fn mermaid(pods: &[Pod]) -> String {
    let mut out = String::from("flowchart LR\n");
    for (p, pod) in pods.iter().enumerate() {
        let Some((pause, members)) = pod.processes.split_first() else {
            continue;
        };
        out += &format!("  subgraph pod{p}[\"pod {}\"]\n", label(&pod.name));
        out += &format!(
            "    pod{p}_0[\"{}<br/>PID {}\"]\n",
            label(&pause.command),
            pause.pid
        );
        out += &format!("    subgraph pod{p}_ns[\"namespaces of pause\"]\n");
        for kind in KINDS {
            if let Some(inode) = pause.ns.get(kind) {
                out += &format!("      pod{p}_{kind}((\"{kind}<br/>{inode}\"))\n");
            }
        }
        out += "    end\n";
        for (m, member) in members.iter().enumerate() {
            let own: Vec<&str> = KINDS
                .iter()
                .copied()
                .filter(|k| member.ns.get(*k) != pause.ns.get(*k))
                .collect();
            let own = if own.is_empty() {
                String::new()
            } else {
                format!("<br/>own: {}", own.join(", "))
            };
            out += &format!(
                "    pod{p}_{}[\"{}<br/>PID {}{own}\"]\n",
                m + 1,
                label(&member.command),
                member.pid
            );
        }
        out += "  end\n";
        for kind in KINDS {
            if pause.ns.contains_key(kind) {
                out += &format!("  pod{p}_0 --- pod{p}_{kind}\n");
            }
        }
        for (m, member) in members.iter().enumerate() {
            for kind in KINDS {
                if member.ns.contains_key(kind) && member.ns.get(kind) == pause.ns.get(kind) {
                    out += &format!("  pod{p}_{} -->|shares| pod{p}_{kind}\n", m + 1);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proc_(pid: i32, command: &str, inodes: [u64; 6]) -> Process {
        Process {
            pid,
            command: command.into(),
            ns: KINDS.iter().map(|k| k.to_string()).zip(inodes).collect(),
        }
    }

    #[test]
    fn the_diagram_joins_members_to_the_namespaces_they_share() {
        let pods = [Pod {
            name: "web".into(),
            processes: vec![
                proc_(10, "pause", [1, 2, 3, 4, 5, 6]),
                proc_(11, "sleep 1000", [1, 2, 3, 4, 50, 6]),
                proc_(12, "sleep \"2000\" <b>", [1, 2, 3, 40, 51, 6]),
            ],
        }];
        let text = mermaid(&pods);
        assert!(text.starts_with("flowchart LR\n"), "{text}");
        assert!(text.contains("subgraph pod0[\"pod web\"]"), "{text}");
        assert!(text.contains("pod0_0[\"pause<br/>PID 10\"]"), "{text}");
        assert!(text.contains("pod0_net((\"net<br/>1\"))"), "{text}");
        assert!(
            text.contains("pod0_1[\"sleep 1000<br/>PID 11<br/>own: mnt\"]"),
            "{text}"
        );
        assert!(text.contains("PID 12<br/>own: pid, mnt\"]"), "{text}");
        assert!(text.contains("sleep _2000_ _b_"), "{text}");
        assert!(text.contains("pod0_1 -->|shares| pod0_pid"), "{text}");
        assert!(!text.contains("pod0_2 -->|shares| pod0_pid"), "{text}");
        assert!(!text.contains("pod0_1 -->|shares| pod0_mnt"), "{text}");
        assert!(text.contains("pod0_2 -->|shares| pod0_cgroup"), "{text}");
    }

    #[test]
    fn pod_names_are_plain_directory_names() {
        for good in ["web", "pod-a", "a.b_c"] {
            assert!(valid_pod_name(good), "{good}");
        }
        for bad in ["", "..", ".x", "-x", "a/b", &"a".repeat(41)] {
            assert!(!valid_pod_name(bad), "{bad}");
        }
    }

    #[test]
    fn forged_or_missing_state_shows_no_pod() {
        let dir = std::env::temp_dir().join(format!("lab-runner-pod-{}", std::process::id()));
        let pod = dir.join("web");
        std::fs::create_dir_all(&pod).unwrap();
        // Our own PID, with the right start time, but no pod marker.
        let started = procfs::stat(std::process::id() as i32).unwrap().start_time;
        let state = format!(
            "{{\"pause\": {{\"pid\": {}, \"started\": {started}}}}}",
            std::process::id()
        );
        std::fs::write(pod.join("state.json"), state).unwrap();
        let seen = view(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(seen.pods, vec![]);
        assert_eq!(seen.mermaid, "");
    }
}
