//! What may run: the catalog's entries with `runnable = true`, read once at
//! start from the labs' checked transcripts. The page names one by id; no
//! command text from the page is ever run.

use std::path::{Path, PathBuf};

use serde::Serialize;
use transcripts::{CatalogEntry, Need};

use crate::{Error, labenv};

/// One transcript the runner may run.
#[derive(Debug, Clone)]
pub struct Runnable {
    pub id: String,
    pub lab: String,
    pub lab_dir: PathBuf,
    pub needs: Vec<Need>,
    pub commands: Vec<String>,
    pub outputs: Vec<String>,
    /// The manifest's `settle`: run, unseen, after a step that starts a
    /// background job, before the step counts as done.
    pub settle: Option<String>,
    /// Why it cannot run on this machine, if it cannot.
    pub why_not: Option<String>,
}

impl Runnable {
    pub fn needs_root(&self) -> bool {
        self.needs.contains(&Need::Root)
    }
}

/// `GET /api/catalog`'s items.
#[derive(Debug, Serialize)]
pub struct Item<'a> {
    id: &'a str,
    lab: &'a str,
    needs: &'a [Need],
    steps: Vec<ItemStep<'a>>,
    runnable_here: bool,
    why_not: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct ItemStep<'a> {
    command: &'a str,
    output: &'a str,
}

#[derive(Debug, Default)]
pub struct Allowlist {
    entries: Vec<Runnable>,
}

impl Allowlist {
    /// The runnable transcripts of `root`'s labs, plus (tests only) those
    /// of the labs-like folder `extra`.
    pub fn load(
        root: &Path,
        extra: Option<&Path>,
        bin_dir: &Path,
        is_root: bool,
    ) -> Result<Allowlist, Error> {
        let mut catalog = transcripts::catalog(root)?;
        if let Some(extra) = extra {
            catalog.extend(extra_catalog(extra)?);
        }
        let entries = catalog
            .into_iter()
            .filter(|entry| entry.runnable)
            .map(|entry| {
                let lab_dir = Path::new(&entry.file)
                    .parent()
                    .and_then(Path::parent)
                    .map(|dir| root.join(dir))
                    .unwrap_or_else(|| root.join("labs").join(&entry.lab));
                Runnable {
                    why_not: labenv::why_not(&entry.lab, &entry.needs, bin_dir, is_root),
                    id: entry.id,
                    lab: entry.lab,
                    lab_dir,
                    needs: entry.needs,
                    commands: entry.steps.iter().map(|s| s.command.clone()).collect(),
                    outputs: entry.steps.into_iter().map(|s| s.output).collect(),
                    settle: entry.settle,
                }
            })
            .collect();
        Ok(Allowlist { entries })
    }

    /// An allowlist of exactly these entries.
    pub fn from_entries(entries: Vec<Runnable>) -> Allowlist {
        Allowlist { entries }
    }

    pub fn get(&self, id: &str) -> Option<&Runnable> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn items(&self) -> Vec<Item<'_>> {
        self.entries
            .iter()
            .map(|e| Item {
                id: &e.id,
                lab: &e.lab,
                needs: &e.needs,
                steps: e
                    .commands
                    .iter()
                    .zip(&e.outputs)
                    .map(|(command, output)| ItemStep { command, output })
                    .collect(),
                runnable_here: e.why_not.is_none(),
                why_not: e.why_not.as_deref(),
            })
            .collect()
    }
}

/// The catalog of a labs-like folder: `extra/<lab>/transcripts/`. The
/// entries' files are absolute, so they resolve outside the workspace.
fn extra_catalog(extra: &Path) -> Result<Vec<CatalogEntry>, Error> {
    let extra = std::path::absolute(extra).map_err(Error::io("resolve a lab folder"))?;
    Ok(transcripts::catalog_of(&extra, None)?)
}
