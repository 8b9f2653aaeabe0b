//! Processes as /proc shows them (through `nsproc::procfs`), in the shapes
//! the runner's tests ask for: a process that is gone counts as not there.

use nsproc::procfs;

/// The processes whose parent is `pid`.
pub fn children_of(pid: i32) -> Vec<i32> {
    procfs::children_of(pid).unwrap_or_default()
}

/// Whether `pid` is running (not gone, not a zombie).
pub fn alive(pid: i32) -> bool {
    procfs::stat(pid).is_ok_and(|stat| stat.running())
}

/// Live processes of session or process group `sid`.
pub fn in_session(sid: i32) -> Vec<i32> {
    procfs::all_pids()
        .unwrap_or_default()
        .into_iter()
        .filter(|&pid| {
            procfs::stat(pid)
                .is_ok_and(|stat| (stat.session == sid || stat.pgrp == sid) && stat.running())
        })
        .collect()
}
