//! Processes as /proc shows them.

/// The processes whose parent is `pid`.
pub fn children_of(pid: i32) -> Vec<i32> {
    all_pids()
        .into_iter()
        .filter(|&p| stat_field(p, 1) == Some(pid))
        .collect()
}

pub fn all_pids() -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect()
}

/// Field `n` after the state letter of /proc/PID/stat (1 = ppid,
/// 2 = pgrp, 3 = session).
pub fn stat_field(pid: i32, n: usize) -> Option<i32> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 1..];
    rest.split_whitespace().nth(n)?.parse().ok()
}

/// Whether `pid` is running (not gone, not a zombie).
pub fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|t| Some(t[t.rfind(')')? + 1..].trim_start().starts_with(['Z', 'X'])))
        == Some(false)
}

/// Live processes of session or process group `sid`.
pub fn in_session(sid: i32) -> Vec<i32> {
    all_pids()
        .into_iter()
        .filter(|&p| (stat_field(p, 3) == Some(sid) || stat_field(p, 2) == Some(sid)) && alive(p))
        .collect()
}
