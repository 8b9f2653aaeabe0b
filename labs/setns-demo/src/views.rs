//! What `ls`, `ps` and `ns` print: read from /proc, where a pod is nothing
//! but a set of processes that share namespace inodes.

use std::fmt::Write;

use crate::process::{self, ProcessId};
use crate::state::{self, PodNamespaces, PodState};
use nsproc::NsKind;

/// A process of the pod: pause or a member.
#[derive(Clone, Debug)]
pub struct MemberInfo {
    pub id: ProcessId,
    /// Its PID in its own PID namespace (1 for pause).
    pub pid_in_namespace: Option<i32>,
    /// In pause's PID namespace, or (without PID sharing) one of its own.
    pub in_pod_pid_namespace: bool,
    /// net, ipc, uts, pid, mnt.
    pub inodes: [Option<u64>; 5],
    pub command: String,
}

/// Every process in the pod's PID namespace, and every process outside our
/// own PID namespace that shares its net, ipc or uts namespace. (The helper
/// that joined for a member stays in our PID namespace: only its child
/// moved, so it is not listed.)
pub fn members(pod: &PodNamespaces) -> Vec<MemberInfo> {
    let me = std::process::id() as i32;
    let my_pid_ns = nsproc::ns_inode(me, NsKind::Pid).ok();
    let mut found: Vec<MemberInfo> = process::all_pids()
        .into_iter()
        .filter_map(|pid| {
            let inodes = process::inodes(pid);
            let [net, ipc, uts, pid_ns, _] = inodes;
            let in_pod = pid_ns == Some(pod.pid);
            let shares = net == Some(pod.net) || ipc == Some(pod.ipc) || uts == Some(pod.uts);
            let member = in_pod || (shares && pid_ns.is_some() && pid_ns != my_pid_ns);
            let id = ProcessId::of(pid)?;
            (member && id.is_alive()).then(|| MemberInfo {
                id,
                pid_in_namespace: process::pid_in_own_namespace(pid),
                in_pod_pid_namespace: in_pod,
                inodes,
                command: process::command_line(pid),
            })
        })
        .collect();
    found.sort_by_key(|m| (!m.in_pod_pid_namespace, m.id.pid));
    found
}

/// `setns-demo ls`: one line per pod.
pub fn list() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<20} {:<8} {:>9}  {:<15} PUBLISH",
        "NAME", "STATUS", "PAUSE", "IP"
    );
    for name in state::names() {
        let Ok(pod) = state::load(&name) else {
            let _ = writeln!(out, "{name:<20} {:<8}", "damaged");
            continue;
        };
        let ip = match (&pod.network, pod.rootless) {
            (Some(net), _) => net.pod_ip.to_string(),
            (None, true) => "(rootless)".into(),
            (None, false) => "-".into(),
        };
        let publish: Vec<String> = pod.publish.iter().map(|p| p.to_string()).collect();
        let _ = writeln!(
            out,
            "{:<20} {:<8} {:>9}  {:<15} {}",
            pod.name,
            status(&pod),
            pod.pause.map_or(0, |p| p.pid),
            ip,
            publish.join(",")
        );
    }
    out
}

/// "running"; "starting" while `run` has not finished (or was killed
/// part-way); "exited" when pause is gone. `rm` cleans up all three.
pub fn status(pod: &PodState) -> &'static str {
    match pod.pause {
        Some(pause) if pause.is_alive() && pod.ready => "running",
        Some(pause) if pause.is_alive() => "starting",
        None if !pod.ready => "starting",
        _ => "exited",
    }
}

// ANCHOR: ps
/// `setns-demo ps NAME`: the pod's processes, with the PID each one has in
/// its own PID namespace.
pub fn ps(pod: &PodState) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>7} {:>8}  {:<6} COMMAND",
        "PID", "HOST-PID", "PID-NS"
    );
    for m in pod.namespaces.map(|ns| members(&ns)).unwrap_or_default() {
        let own = if m.in_pod_pid_namespace { "pod" } else { "own" };
        let pid = m.pid_in_namespace.map_or("?".into(), |p| p.to_string());
        let _ = writeln!(out, "{pid:>7} {:>8}  {own:<6} {}", m.id.pid, m.command);
    }
    out
}
// ANCHOR_END: ps

/// `setns-demo ns NAME`: the namespace inodes of pause and every member.
pub fn ns(pod: &PodState) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>8}  {:<10} {:<10} {:<10} {:<10} {:<10}  COMMAND",
        "HOST-PID", "NET", "IPC", "UTS", "PID", "MNT"
    );
    let show = |inode: Option<u64>| inode.map_or("?".into(), |i| i.to_string());
    for m in pod.namespaces.map(|ns| members(&ns)).unwrap_or_default() {
        let [net, ipc, uts, pid, mnt] = m.inodes.map(show);
        let short = std::fs::read_to_string(format!("/proc/{}/comm", m.id.pid))
            .map(|comm| comm.trim().to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>8}  {net:<10} {ipc:<10} {uts:<10} {pid:<10} {mnt:<10}  {short}",
            m.id.pid
        );
    }
    out
}
