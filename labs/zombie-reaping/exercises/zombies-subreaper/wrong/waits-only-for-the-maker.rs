//! Collecting orphans without being PID 1: `PR_SET_CHILD_SUBREAPER` makes
//! a process the new parent of the orphans among its descendants, as
//! `tini -s` and catatonit use it when they cannot be PID 1.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};

use nix::errno::Errno;

use crate::{Error, Result};

/// What the subreaper saw (`--json` prints it; the PIDs of `parents`
/// become JSON object keys).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SubreaperReport {
    /// Whether `PR_SET_CHILD_SUBREAPER` was set.
    pub subreaper: bool,
    /// Our PID (not 1).
    pub pid: i32,
    pub orphans: usize,
    /// Each orphan's new parent, as the orphan reported it: PID -> count.
    pub parents: BTreeMap<i32, usize>,
    /// Orphans we reaped ourselves.
    pub reaped: usize,
}

// ANCHOR: subreaper
/// Becomes a subreaper (if `enable`), runs the orphan maker as a child, and
/// reaps whatever orphans come to us.
pub fn run(orphans: usize, enable: bool) -> Result<SubreaperReport> {
    if enable {
        // SAFETY: a plain prctl on this process.
        if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1) } != 0 {
            return Err(Error::new(format!(
                "could not become a subreaper: {}",
                Errno::last()
            )));
        }
    }
    let mut maker = Command::new(crate::pod::this_program()?)
        .args(["orphans", &orphans.to_string(), "--report", "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Error::new(format!("could not start the orphan maker: {e}")))?;
    // The orphans hold the pipe too: end of file means all have exited.
    let mut reports = String::new();
    if let Some(mut out) = maker.stdout.take() {
        let _ = out.read_to_string(&mut reports);
    }
    let status = maker
        .wait()
        .map_err(|e| Error::new(format!("could not wait for the orphan maker: {e}")))?;
    if !status.success() {
        return Err(Error::new(format!("the orphan maker failed ({status})")));
    }
    // The maker has been waited for: nothing more to reap.
    let reaped = 0;
    // ANCHOR_END: subreaper
    let mut parents = BTreeMap::new();
    for line in reports.lines() {
        let parent = line
            .strip_prefix("orphan ")
            .and_then(|rest| rest.split(" parent ").nth(1))
            .and_then(|p| p.trim().parse::<i32>().ok());
        if let Some(parent) = parent {
            *parents.entry(parent).or_insert(0) += 1;
        }
    }
    Ok(SubreaperReport {
        subreaper: enable,
        pid: std::process::id() as i32,
        orphans,
        parents,
        reaped,
    })
}
