//! A `ps aux`-like process list read straight from `/proc` (`pod-ps`).
//!
//! Images built `FROM scratch` have no `ps`, so the demo ships this one. It
//! shows what matters for the pod: the PID as seen in the PID namespace of
//! the `/proc` it reads, the owner, and the command line.

use crate::error::{Error, Result};
use std::fs;
use std::path::Path;

/// One process as `/proc/<pid>` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub pid: u32,
    pub uid: u32,
    /// The command line joined with spaces, or `[comm]` when it is empty
    /// (kernel threads, zombies).
    pub command: String,
}

/// Joins a raw `/proc/<pid>/cmdline` (NUL-separated) into one line.
/// Programs that rewrite their title (nginx) leave trailing NULs or spaces.
pub fn join_cmdline(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.split('\0')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end()
        .to_string()
}

/// The real UID from the text of `/proc/<pid>/status`.
pub fn uid_from_status(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|uid| uid.parse().ok())
}

/// Reads one process under `proc_root` (normally `/proc`). `None` when it
/// is gone or unreadable: processes come and go while we list them.
pub fn read_process(proc_root: &Path, pid: u32) -> Option<Process> {
    let dir = proc_root.join(pid.to_string());
    let uid = uid_from_status(&fs::read_to_string(dir.join("status")).ok()?)?;
    let mut command = join_cmdline(&fs::read(dir.join("cmdline")).ok()?);
    if command.is_empty() {
        let comm = fs::read_to_string(dir.join("comm")).ok()?;
        command = format!("[{}]", comm.trim_end());
    }
    Some(Process { pid, uid, command })
}

/// Every process visible under `proc_root`, by PID.
pub fn list(proc_root: &Path) -> Result<Vec<Process>> {
    let entries = fs::read_dir(proc_root)
        .map_err(|e| Error::proc("list", proc_root, e, "is /proc mounted here?"))?;
    let mut processes: Vec<Process> = entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| read_process(proc_root, pid))
        .collect();
    processes.sort_by_key(|p| p.pid);
    Ok(processes)
}

/// User names by UID from the text of an `/etc/passwd`.
pub fn parse_passwd(text: &str) -> Vec<(u32, String)> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let uid = fields.nth(1)?.parse().ok()?;
            Some((uid, name.to_string()))
        })
        .collect()
}

/// The user column: the name from `users` if known, else the number (as
/// `ps` does when the image has no entry for it).
pub fn user_name(uid: u32, users: &[(u32, String)]) -> String {
    users
        .iter()
        .find(|(id, _)| *id == uid)
        .map(|(_, name)| name.clone())
        .unwrap_or_else(|| uid.to_string())
}

/// The table `pod-ps` prints: `PID USER COMMAND`, one process a line.
pub fn format_table(processes: &[Process], users: &[(u32, String)]) -> String {
    let mut out = format!("{:>5} {:<8} {}\n", "PID", "USER", "COMMAND");
    for p in processes {
        out.push_str(&format!(
            "{:>5} {:<8} {}\n",
            p.pid,
            user_name(p.uid, users),
            p.command
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmdlines_join_and_drop_padding() {
        assert_eq!(join_cmdline(b"/pause\0"), "/pause");
        assert_eq!(
            join_cmdline(b"nginx: master process nginx -g daemon off;\0\0\0"),
            "nginx: master process nginx -g daemon off;"
        );
        assert_eq!(
            join_cmdline(b"nginx: worker process   \0"),
            "nginx: worker process"
        );
        assert_eq!(join_cmdline(b"a\0b c\0"), "a b c");
        assert_eq!(join_cmdline(b""), "");
    }

    #[test]
    fn uid_is_the_real_one() {
        let status = "Name:\tnginx\nUid:\t65534\t65534\t65534\t65534\nGid:\t0\n";
        assert_eq!(uid_from_status(status), Some(65534));
        assert_eq!(uid_from_status("Name: x\n"), None);
    }

    #[test]
    fn users_by_name_or_number() {
        let users = parse_passwd("root:x:0:0::/:\nnobody:x:65534:65534::/:\nbroken\n");
        assert_eq!(user_name(0, &users), "root");
        assert_eq!(user_name(65534, &users), "nobody");
        assert_eq!(user_name(65535, &users), "65535");
    }

    #[test]
    fn lists_this_test_process_from_the_real_proc() {
        let me = std::process::id();
        let processes = list(Path::new("/proc")).unwrap();
        let mine = processes
            .iter()
            .find(|p| p.pid == me)
            .expect("own PID listed");
        assert!(!mine.command.is_empty());
        assert!(processes.windows(2).all(|w| w[0].pid < w[1].pid));
        let table = format_table(&processes, &[]);
        assert!(table.starts_with("  PID USER     COMMAND\n"));
        assert!(table.contains(&format!("{me:>5} ")));
    }

    #[test]
    fn missing_proc_says_so() {
        let err = list(Path::new("/no/such/proc")).unwrap_err();
        assert!(err.to_string().contains("is /proc mounted"), "{err}");
    }
}
