//! Namespace kinds and how to tell two namespaces apart.
//!
//! Two processes share a namespace exactly when `/proc/PID/ns/<kind>` of both
//! name the same inode (on the same nsfs device), which is what `lsns` and
//! `ls -l /proc/PID/ns` show.

use std::os::unix::fs::MetadataExt;

use nix::sched::CloneFlags;

use crate::error::{Context, Error, Result};

/// The namespace kinds a pod can share (and the two it never does).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NsKind {
    Net,
    Ipc,
    Uts,
    Pid,
    Mnt,
    User,
    Cgroup,
}

impl NsKind {
    pub const ALL: [NsKind; 7] = [
        NsKind::Net,
        NsKind::Ipc,
        NsKind::Uts,
        NsKind::Pid,
        NsKind::Mnt,
        NsKind::User,
        NsKind::Cgroup,
    ];

    /// The file name under `/proc/PID/ns/`.
    pub fn proc_name(self) -> &'static str {
        match self {
            NsKind::Net => "net",
            NsKind::Ipc => "ipc",
            NsKind::Uts => "uts",
            NsKind::Pid => "pid",
            NsKind::Mnt => "mnt",
            NsKind::User => "user",
            NsKind::Cgroup => "cgroup",
        }
    }

    /// The `CLONE_NEW*` flag that creates (or, for setns, selects) this kind.
    pub fn clone_flag(self) -> CloneFlags {
        match self {
            NsKind::Net => CloneFlags::CLONE_NEWNET,
            NsKind::Ipc => CloneFlags::CLONE_NEWIPC,
            NsKind::Uts => CloneFlags::CLONE_NEWUTS,
            NsKind::Pid => CloneFlags::CLONE_NEWPID,
            NsKind::Mnt => CloneFlags::CLONE_NEWNS,
            NsKind::User => CloneFlags::CLONE_NEWUSER,
            NsKind::Cgroup => CloneFlags::CLONE_NEWCGROUP,
        }
    }

    /// Parses `net`, `ipc`, `uts`, `pid`, `mnt` (or `mount`), `user`, `cgroup`.
    pub fn parse(name: &str) -> Result<NsKind> {
        let kind = match name.trim() {
            "net" => NsKind::Net,
            "ipc" => NsKind::Ipc,
            "uts" => NsKind::Uts,
            "pid" => NsKind::Pid,
            "mnt" | "mount" => NsKind::Mnt,
            "user" => NsKind::User,
            "cgroup" => NsKind::Cgroup,
            other => {
                return Err(Error::BadInput {
                    action: format!("parse namespace kind {other:?}"),
                    problem: "unknown kind".into(),
                    fix: "use net, ipc, uts, pid, mnt, user or cgroup",
                });
            }
        };
        Ok(kind)
    }
}

impl std::fmt::Display for NsKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.proc_name())
    }
}

/// The inode that identifies the namespace of `kind` that process `pid` is in.
///
/// For [`NsKind::Pid`] this is the namespace the process itself lives in,
/// not `pid_for_children` (which `setns` changes).
pub fn ns_inode(pid: i32, kind: NsKind) -> Result<u64> {
    let path = format!("/proc/{pid}/ns/{}", kind.proc_name());
    std::fs::metadata(&path)
        .map(|m| m.ino())
        .context(|| format!("read the {kind} namespace of process {pid} ({path})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_every_kind() {
        for kind in NsKind::ALL {
            assert_eq!(NsKind::parse(kind.proc_name()).unwrap(), kind);
        }
        assert_eq!(NsKind::parse("mount").unwrap(), NsKind::Mnt);
    }

    #[test]
    fn parse_rejects_unknown_kind_with_a_hint() {
        let err = NsKind::parse("network").unwrap_err().to_string();
        assert!(err.contains("\"network\""), "{err}");
        assert!(err.contains("use net, ipc"), "{err}");
    }

    #[test]
    fn a_process_shares_namespaces_with_itself_and_its_thread_group() {
        let me = std::process::id() as i32;
        for kind in [NsKind::Net, NsKind::Pid, NsKind::Mnt] {
            let a = ns_inode(me, kind).unwrap();
            let b = std::fs::metadata(format!("/proc/self/ns/{kind}"))
                .unwrap()
                .ino();
            assert_eq!(a, b, "{kind}");
        }
    }

    #[test]
    fn missing_process_is_a_clear_error() {
        let err = ns_inode(i32::MAX, NsKind::Net).unwrap_err().to_string();
        assert!(err.contains("process 2147483647"), "{err}");
    }
}
