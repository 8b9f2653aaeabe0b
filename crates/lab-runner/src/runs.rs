//! The runs: who may start one (one per page, a cap on all), finding them
//! by id, stopping them, and stopping every one when the runner stops.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;

use crate::allowlist::Allowlist;
use crate::config::Settings;
use crate::labenv::{self, RunPlace};
use crate::lifecycle::{self, Run};
use crate::{auth, cleanup};

/// Why a run was not started; the handler turns it into a status.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    BadPage,
    Unknown,
    NeedsRoot,
    CannotRun(String),
    PageBusy,
    Full,
    ShuttingDown,
    Internal(String),
}

/// A page instance id: 1 to 64 of `[A-Za-z0-9-]`.
pub fn valid_page_id(page: &str) -> bool {
    (1..=64).contains(&page.len()) && page.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[derive(Default)]
struct Inner {
    runs: HashMap<String, Arc<Run>>,
    /// Runs not yet done, by page.
    pages: HashMap<String, String>,
    /// Which slots (subnets) are taken by runs not yet done.
    slots: Vec<bool>,
}

pub struct Registry {
    settings: Arc<Settings>,
    allowlist: Arc<Allowlist>,
    inner: Mutex<Inner>,
    closing: AtomicBool,
    changed: Notify,
}

impl Registry {
    pub fn new(settings: Arc<Settings>, allowlist: Arc<Allowlist>) -> Arc<Registry> {
        let slots = vec![false; settings.max_runs];
        Arc::new(Registry {
            settings,
            allowlist,
            inner: Mutex::new(Inner {
                slots,
                ..Inner::default()
            }),
            closing: AtomicBool::new(false),
            changed: Notify::new(),
        })
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts transcript `id` for `page`; returns the run id.
    pub fn start(self: &Arc<Self>, id: &str, page: &str) -> Result<String, Refusal> {
        if !valid_page_id(page) {
            return Err(Refusal::BadPage);
        }
        let entry = self.allowlist.get(id).ok_or(Refusal::Unknown)?;
        if entry.needs_root() && !self.settings.is_root {
            return Err(Refusal::NeedsRoot);
        }
        if let Some(why) = &entry.why_not {
            return Err(Refusal::CannotRun(why.clone()));
        }
        let mut inner = self.inner();
        if self.closing.load(Ordering::SeqCst) {
            return Err(Refusal::ShuttingDown);
        }
        if inner.pages.contains_key(page) {
            return Err(Refusal::PageBusy);
        }
        let slot = inner
            .slots
            .iter()
            .position(|taken| !taken)
            .ok_or(Refusal::Full)?;
        let run_id = auth::random_hex(16).map_err(|e| Refusal::Internal(e.to_string()))?;
        let state_dir = cleanup::make_state_dir(&run_id)
            .map_err(|e| Refusal::Internal(format!("cannot make a state directory: {e}")))?;
        let place = RunPlace {
            lab_dir: entry.lab_dir.clone(),
            bin_dir: self.settings.bin_dir.clone(),
            state_dir,
            subnet: labenv::subnet(slot),
        };
        let run = Arc::new(Run::new(
            run_id.clone(),
            page.to_string(),
            entry.clone(),
            place,
            slot,
        ));
        inner.slots[slot] = true;
        inner.pages.insert(page.to_string(), run_id.clone());
        inner.runs.insert(run_id.clone(), run.clone());
        drop(inner);
        let registry = self.clone();
        tokio::spawn(async move {
            lifecycle::supervise(run.clone(), registry.settings.clone()).await;
            registry.finished(&run);
        });
        Ok(run_id)
    }

    /// Frees the run's page and slot; forgets it after a while.
    fn finished(self: &Arc<Self>, run: &Arc<Run>) {
        let mut inner = self.inner();
        if inner.pages.get(&run.page) == Some(&run.id) {
            inner.pages.remove(&run.page);
        }
        if let Some(slot) = inner.slots.get_mut(run.slot) {
            *slot = false;
        }
        drop(inner);
        self.changed.notify_waiters();
        let (registry, id) = (self.clone(), run.id.clone());
        let keep = self.settings.keep_finished;
        tokio::spawn(async move {
            tokio::time::sleep(keep).await;
            registry.inner().runs.remove(&id);
        });
    }

    pub fn get(&self, run_id: &str) -> Option<Arc<Run>> {
        self.inner().runs.get(run_id).cloned()
    }

    /// Runs not yet done.
    pub fn active(&self) -> usize {
        self.inner().slots.iter().filter(|t| **t).count()
    }

    /// Stops the run `page` has going, if any.
    pub fn close_page(&self, page: &str) {
        let inner = self.inner();
        if let Some(run) = inner.pages.get(page).and_then(|id| inner.runs.get(id)) {
            run.stop();
        }
    }

    /// Refuses new runs, stops every run and waits until each has cleaned
    /// up (at most `limit`); returns how many were stopped.
    pub async fn shutdown(&self, limit: Duration) -> usize {
        self.closing.store(true, Ordering::SeqCst);
        let running: Vec<Arc<Run>> = {
            let inner = self.inner();
            inner
                .pages
                .values()
                .filter_map(|id| inner.runs.get(id).cloned())
                .collect()
        };
        for run in &running {
            run.stop();
        }
        let all_done = async {
            loop {
                let changed = self.changed.notified();
                if self.active() == 0 {
                    return;
                }
                changed.await;
            }
        };
        let _ = tokio::time::timeout(limit, all_done).await;
        running.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(is_root: bool) -> Arc<Registry> {
        let entry = crate::allowlist::Runnable {
            id: "lab/needs-root".into(),
            lab: "lab".into(),
            lab_dir: "/nonexistent".into(),
            needs: vec![transcripts::Need::Root],
            commands: vec!["touch /nonexistent/marker".into()],
            outputs: vec![String::new()],
            settle: None,
            why_not: None,
        };
        let settings = Settings {
            book: "/nonexistent".into(),
            root: "/nonexistent".into(),
            bin_dir: "/nonexistent".into(),
            step_timeout: Duration::from_secs(1),
            run_timeout: Duration::from_secs(1),
            connect_grace: Duration::from_secs(1),
            reconnect_grace: Duration::from_secs(1),
            keep_finished: Duration::from_secs(1),
            max_runs: 4,
            is_root,
        };
        Registry::new(
            Arc::new(settings),
            Arc::new(Allowlist::from_entries(vec![entry])),
        )
    }

    #[test]
    fn a_command_that_needs_root_is_refused_when_the_runner_is_not_root() {
        let runs = registry(false);
        assert_eq!(runs.start("lab/needs-root", "p"), Err(Refusal::NeedsRoot));
        assert_eq!(runs.start("lab/other", "p"), Err(Refusal::Unknown));
        assert_eq!(runs.start("lab/needs-root", "a b"), Err(Refusal::BadPage));
        assert_eq!(runs.active(), 0);
    }

    #[test]
    fn page_ids_are_short_and_plain() {
        for good in ["a", "page-1", "AbC-09", &"x".repeat(64)] {
            assert!(valid_page_id(good), "{good}");
        }
        for bad in ["", "a b", "a/b", "../x", "é", "a_b", &"x".repeat(65), "a\n"] {
            assert!(!valid_page_id(bad), "{bad:?}");
        }
    }
}
