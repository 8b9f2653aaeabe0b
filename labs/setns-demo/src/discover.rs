//! What belongs to a pod, proven rather than trusted. The state may be
//! stale (pause died and its namespace inodes were reused by a newer pod),
//! damaged, deleted or forged; so a process is the pod's only if
//! - it carries the pod's marker in its environment (pause and the
//!   forwarder are started with `SETNS_DEMO_POD=<pod directory>`), or
//! - `exec` recorded it, and it is the very process (PID and start time), or
//! - it shares a namespace of a pause proven above, which is alive and so
//!   keeps those namespaces (and their inodes) from being reused;
//!
//! and an interface is the pod's only if it is a veth named like a pod's
//! host end whose peer lives in the network namespace of that pause.

use std::path::Path;

use crate::network;
use crate::process::{self, ProcessId};
use crate::state::{self, PodNamespaces, PodState};
use crate::views;
use nsproc::NsKind;

/// A process to stop, and whether it is PID 1 of a PID namespace of its
/// own (pause's end does not reach it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: ProcessId,
    pub own_pid_namespace_init: bool,
}

/// Everything proven to be the pod's, and what was left alone and why.
#[derive(Debug, Default)]
pub struct Found {
    pub pauses: Vec<ProcessId>,
    pub forwarders: Vec<ProcessId>,
    pub members: Vec<Member>,
    /// Host ends of the pod's veth pairs: (name, index).
    pub veths: Vec<(String, u32)>,
    /// The interface the state names, when it could not be proven the pod's.
    pub unproven_interface: Option<String>,
    pub notes: Vec<String>,
}

/// Whether `pid` was started with `SETNS_DEMO_POD=<dir>`.
pub fn carries_marker(pid: i32, dir: &Path) -> bool {
    let mut wanted = format!("{}=", state::POD_MARKER_ENV).into_bytes();
    wanted.extend_from_slice(dir.as_os_str().as_encoded_bytes());
    std::fs::read(format!("/proc/{pid}/environ"))
        .map(|env| env.split(|&b| b == 0).any(|var| var == wanted.as_slice()))
        .unwrap_or(false)
}

/// PID 1 of a PID namespace other than ours: what a pause is.
fn is_namespace_init(pid: i32) -> bool {
    nsproc::procfs::status(pid).is_ok_and(|s| s.nspid.len() > 1 && s.nspid.last() == Some(&1))
}

/// Finds what belongs to pod `name`, using its state (if any) as hints only.
pub fn find(name: &str, pod: Option<&PodState>) -> Found {
    let mut found = Found::default();
    let Ok(dir) = state::pod_dir(name) else {
        return found;
    };
    for pid in process::all_pids() {
        let Some(id) = ProcessId::of(pid) else {
            continue;
        };
        if id.is_alive() && carries_marker(pid, &dir) {
            if is_namespace_init(pid) {
                found.pauses.push(id);
            } else {
                found.forwarders.push(id);
            }
        }
    }
    let named = [
        ("pause", pod.and_then(|p| p.pause), &found.pauses),
        (
            "forwarder",
            pod.and_then(|p| p.forwarder),
            &found.forwarders,
        ),
    ];
    let mut notes = Vec::new();
    for (role, recorded, proven) in named {
        if let Some(recorded) = recorded.filter(|r| r.is_alive() && !proven.contains(r)) {
            notes.push(format!(
                "PID {} named as {role} in the state was left alone: nothing proves it is this \
                 pod's (it lacks the pod's marker)",
                recorded.pid
            ));
        }
    }
    found.notes.extend(notes);
    // Every member is born in a PID namespace other than ours (the pod's,
    // or one of its own): a recorded process in ours was never a member.
    let my_pid_ns = nsproc::ns_inode(std::process::id() as i32, NsKind::Pid).ok();
    for id in state::recorded_members(name) {
        if id.is_alive() && nsproc::ns_inode(id.pid, NsKind::Pid).ok() == my_pid_ns {
            found.notes.push(format!(
                "PID {} recorded as a member was left alone: it is not in the pod",
                id.pid
            ));
        } else if id.is_alive() {
            found.members.push(Member {
                id,
                own_pid_namespace_init: is_namespace_init(id.pid),
            });
        }
    }
    for &pause in &found.pauses.clone() {
        add_namespace_members(&mut found, pause);
        find_veths(&mut found, pod, pause);
    }
    if let Some(net) = pod
        .and_then(|p| p.network.as_ref())
        .filter(|_| found.pauses.is_empty())
    {
        found.unproven_interface = Some(net.host_if.clone());
    }
    found.members.sort_by_key(|m| m.id.pid);
    found.members.dedup();
    found
}

/// Every process sharing a namespace with a live, proven pause.
fn add_namespace_members(found: &mut Found, pause: ProcessId) {
    let inode = |kind| nsproc::ns_inode(pause.pid, kind).ok();
    let (Some(net), Some(ipc), Some(uts), Some(pid)) = (
        inode(NsKind::Net),
        inode(NsKind::Ipc),
        inode(NsKind::Uts),
        inode(NsKind::Pid),
    ) else {
        return;
    };
    let namespaces = PodNamespaces { net, ipc, uts, pid };
    for member in views::members(&namespaces) {
        let excluded = found.pauses.contains(&member.id) || found.forwarders.contains(&member.id);
        // Re-checked: the process must still be the one pause shares with.
        if !excluded && pause.is_alive() {
            found.members.push(Member {
                id: member.id,
                own_pid_namespace_init: !member.in_pod_pid_namespace
                    && member.pid_in_namespace == Some(1),
            });
        }
    }
}

/// The pod's veth: the one the state names if it is provably the pod's,
/// else (state lost) any pod-named veth whose peer is in pause's namespace.
fn find_veths(found: &mut Found, pod: Option<&PodState>, pause: ProcessId) {
    match pod.and_then(|p| p.network.as_ref()) {
        Some(net) => match network::pod_veth(&net.host_if, pause.pid) {
            Ok(index) => found.veths.push((net.host_if.clone(), index)),
            Err(err) if network::interface_exists(&net.host_if) => {
                found.notes.push(err.to_string());
            }
            Err(_) => {}
        },
        None => found.veths.extend(network::pod_veths_of(pause.pid)),
    }
}
