//! Collecting orphans without being PID 1: `PR_SET_CHILD_SUBREAPER` makes
//! a process the new parent of the orphans among its descendants, as
//! `tini -s` and catatonit use it when they cannot be PID 1.
//!
//! Exercise: fill in the two TODOs of `run`. Check it with
//! `cargo xtask exercise check zombies-subreaper`.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};

use nix::errno::Errno;
use nix::sys::wait::waitpid;

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
        // TODO: become this process's descendants' subreaper, before any
        // orphan is made. Which prctl(2) option is it? Turn a failure into
        // an `Error` that says what went wrong (`Errno::last()`).
        todo!("set PR_SET_CHILD_SUBREAPER");
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
    // TODO: reap the orphans that were handed to us, and count them in
    // `reaped`. They all have exited by now: how do you wait for a child
    // whose PID you were never told, and how do you know none is left?
    let reaped: usize = todo!("reap the orphans handed to us");
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
