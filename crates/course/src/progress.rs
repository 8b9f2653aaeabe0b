//! The student's progress, kept in the tree: `.course/progress.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::manifest::Exercise;

pub const PROGRESS_FILE: &str = ".course/progress.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    NotStarted,
    Failing,
    Done,
}

/// The last check of one exercise.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub done: bool,
    /// A hash of the file that was checked: a record of another version of
    /// the file says nothing about this one.
    pub file_hash: String,
    /// Seconds since the epoch.
    pub checked_at: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub exercises: BTreeMap<String, Record>,
}

impl Progress {
    fn path(root: &Path) -> PathBuf {
        root.join(PROGRESS_FILE)
    }

    /// The progress file, or no progress if there is none (or it is unreadable:
    /// progress is a convenience, never a reason to refuse work).
    pub fn load(root: &Path) -> Progress {
        std::fs::read_to_string(Progress::path(root))
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, root: &Path) -> Result<(), Error> {
        let path = Progress::path(root);
        let text = toml::to_string(self)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        // Through a temporary file: a crash leaves the old progress intact.
        let partial = path.with_extension("toml.partial");
        std::fs::write(&partial, text).map_err(Error::io(&partial))?;
        std::fs::rename(&partial, &path).map_err(Error::io(&path))
    }

    pub fn record(&mut self, exercise: &Exercise, root: &Path, done: bool) {
        let hash = file_hash(&exercise.module_path(root)).unwrap_or_default();
        let checked_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.exercises.insert(
            exercise.name.clone(),
            Record {
                done,
                file_hash: hash,
                checked_at,
            },
        );
    }

    /// Not started (the starter untouched, or never checked in this form),
    /// failing, or done, for the module file as it is now.
    pub fn state(&self, exercise: &Exercise, root: &Path) -> State {
        let module = exercise.module_path(root);
        let Some(hash) = file_hash(&module) else {
            return State::NotStarted;
        };
        match self.exercises.get(&exercise.name) {
            Some(record) if record.file_hash == hash => {
                if record.done {
                    State::Done
                } else {
                    State::Failing
                }
            }
            _ => State::NotStarted,
        }
    }
}

/// FNV-1a of the file's bytes, in hex; `None` if it cannot be read.
pub fn file_hash(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    Some(format!("{hash:016x}"))
}
