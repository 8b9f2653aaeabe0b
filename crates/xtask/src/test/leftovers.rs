//! What the tests left behind: what a census after them holds that the one
//! before did not.

use super::census::{self, Census};
use super::{RUN_MARKER, run_id};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long processes killed at the end of the tests may take to go.
const LEFTOVER_GRACE: Duration = Duration::from_secs(5);

/// What appeared between two censuses.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Leftovers(Census);

impl Leftovers {
    /// What `after` holds that `before` did not.
    pub fn between(before: &Census, after: Census) -> Leftovers {
        let mut new = Census::new();
        for (kind, names) in after {
            let old = before.get(&kind);
            let appeared: BTreeSet<String> = names
                .into_iter()
                .filter(|name| !old.is_some_and(|old| old.contains(name)))
                .collect();
            if !appeared.is_empty() {
                new.insert(kind, appeared);
            }
        }
        Leftovers(new)
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(BTreeSet::is_empty)
    }

    #[cfg(test)]
    pub fn of(&self, kind: census::Kind) -> BTreeSet<String> {
        self.0.get(&kind).cloned().unwrap_or_default()
    }

    /// One line per kind: the names, and how to remove them.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for (kind, names) in &self.0 {
            if !names.is_empty() {
                let list: Vec<&str> = names.iter().map(String::as_str).collect();
                out.push_str(&format!(
                    "  {}: {} (remove: {})\n",
                    kind.label(),
                    list.join(", "),
                    kind.fix()
                ));
            }
        }
        out
    }

    /// Outside CI other people's processes may come and go meanwhile: keeps
    /// only the processes that carry this run's marker, and returns the others.
    fn keep_marked_processes(&mut self) -> BTreeSet<String> {
        let mut others = BTreeSet::new();
        for (kind, names) in self.0.iter_mut() {
            if kind.is_process() {
                let (ours, theirs): (BTreeSet<String>, BTreeSet<String>) = std::mem::take(names)
                    .into_iter()
                    .partition(|p| carries_marker(p));
                *names = ours;
                others.extend(theirs);
            }
        }
        others
    }
}

/// What appeared since `before` and is still there. Processes killed at the
/// end of a test may take a moment to go (a PID namespace being torn down),
/// so this waits up to LEFTOVER_GRACE for them to disappear.
pub fn left_behind(root: &Path, before: &Census) -> anyhow::Result<Leftovers> {
    let deadline = Instant::now() + LEFTOVER_GRACE;
    loop {
        let mut leftovers = Leftovers::between(before, census::take(root)?);
        // In CI this run is alone, so every new process counts (even if a
        // test cleared its environment).
        if std::env::var_os("CI").is_none() {
            let others = leftovers.keep_marked_processes();
            if !others.is_empty() && Instant::now() > deadline {
                let list: Vec<&str> = others.iter().map(String::as_str).collect();
                eprintln!(
                    "xtask test: note: processes started meanwhile, not by this run: {}",
                    list.join(", ")
                );
            }
        }
        if leftovers.is_empty() || Instant::now() > deadline {
            return Ok(leftovers);
        }
        // Polling: the processes' disappearance is what we wait for.
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether the process ("pid comm ...") has this run's marker in its environment.
pub fn carries_marker(process: &str) -> bool {
    let Some(pid) = process
        .split_whitespace()
        .next()
        .and_then(|p| p.parse().ok())
    else {
        return false;
    };
    let marker = format!("{RUN_MARKER}={}", run_id());
    nsproc::procfs::environ(pid).is_ok_and(|environ| environ.contains(&marker))
}

#[cfg(test)]
#[path = "leftovers_tests.rs"]
mod tests;
