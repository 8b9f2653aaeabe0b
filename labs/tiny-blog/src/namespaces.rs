//! The namespaces a process is in, as `/proc/<pid>/ns/*` names them (`pod-ns`).
//!
//! Two processes share a namespace exactly when these links read the same,
//! e.g. `net:[4026532201]`: the number is the namespace's inode.

use crate::error::{Error, Result};
use std::fs;
use std::path::Path;

/// The namespace links, in the order `pod-ns` prints them.
pub const KINDS: &[&str] = &[
    "cgroup",
    "ipc",
    "mnt",
    "net",
    "pid",
    "pid_for_children",
    "time",
    "time_for_children",
    "user",
    "uts",
];

/// The inode from a link text like `net:[4026532201]`.
pub fn parse_inode(link: &str) -> Option<u64> {
    link.split_once(":[")?.1.strip_suffix(']')?.parse().ok()
}

/// Reads `<proc_root>/<pid>/ns/<kind>` (`pid` may be `self`). Kinds the
/// kernel lacks (time before Linux 5.6) are `Ok(None)`.
pub fn read_link(proc_root: &Path, pid: &str, kind: &str) -> Result<Option<String>> {
    let path = proc_root.join(pid).join("ns").join(kind);
    match fs::read_link(&path) {
        Ok(target) => Ok(Some(target.to_string_lossy().into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::proc(
            "read",
            &path,
            e,
            "reading another user's process needs root",
        )),
    }
}

/// One line per requested kind (all of [`KINDS`] if none): the kind, then
/// the link, e.g. `pid_for_children  pid:[4026532184]` (the link alone would
/// not tell `pid` from `pid_for_children`).
pub fn report(proc_root: &Path, pid: &str, kinds: &[String]) -> Result<String> {
    let wanted: Vec<&str> = if kinds.is_empty() {
        KINDS.to_vec()
    } else {
        kinds.iter().map(String::as_str).collect()
    };
    let mut out = String::new();
    for kind in wanted {
        if !KINDS.contains(&kind) {
            return Err(Error::BadInput(format!(
                "unknown namespace {kind:?}; expected one of {}",
                KINDS.join(", ")
            )));
        }
        if let Some(link) = read_link(proc_root, pid, kind)? {
            out.push_str(&format!("{kind:<17} {link}\n"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inodes_from_links() {
        assert_eq!(parse_inode("net:[4026532201]"), Some(4026532201));
        assert_eq!(
            parse_inode("pid_for_children:[4026531836]"),
            Some(4026531836)
        );
        assert_eq!(parse_inode("net:4026532201"), None);
    }

    #[test]
    fn own_namespaces_match_the_kernel() {
        let text = report(Path::new("/proc"), "self", &[]).unwrap();
        let net = text.lines().find(|l| l.starts_with("net ")).unwrap();
        let expected = fs::read_link("/proc/self/ns/net").unwrap();
        assert_eq!(net.split_whitespace().nth(1), expected.to_str());
        assert!(text.lines().all(|l| parse_inode(l).is_some()));
        let children = text.lines().find(|l| l.starts_with("pid_for_children "));
        assert!(children.is_some_and(|l| l.ends_with(']')), "{text}");
    }

    #[test]
    fn chosen_kinds_in_order_and_unknown_rejected() {
        let text = report(Path::new("/proc"), "self", &["pid".into(), "ipc".into()]).unwrap();
        let kinds: Vec<_> = text.lines().map(|l| l.split(' ').next().unwrap()).collect();
        assert_eq!(kinds, ["pid", "ipc"]);
        let err = report(Path::new("/proc"), "self", &["network".into()]).unwrap_err();
        assert!(err.to_string().contains("expected one of"), "{err}");
    }
}
