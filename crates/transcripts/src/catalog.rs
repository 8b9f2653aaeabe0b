//! Every lab's transcripts in one list, for the exercises, the quizzes and
//! the in-page runner (`transcript-catalog` prints it as JSON).

use std::path::Path;

use serde::Serialize;

use crate::Error;
use crate::manifest::{MANIFEST, Need};
use crate::replay::Lab;

/// One transcript as the catalog lists it.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogEntry {
    /// Book-wide id: `<lab-folder>/<id>`.
    pub id: String,
    /// The lab folder under `labs/`.
    pub lab: String,
    /// The file, relative to the workspace root.
    pub file: String,
    pub claims: Vec<String>,
    pub needs: Vec<Need>,
    pub runnable: bool,
    pub steps: Vec<CatalogStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogStep {
    pub command: String,
    /// The output as the file (and the book) shows it.
    pub output: String,
    /// The output after the transcript's redactions: what a replay must
    /// print, redacted the same way.
    pub redacted: String,
}

/// Every transcript of every `labs/*/transcripts/transcripts.toml` under
/// `workspace_root`, labs in name order, transcripts in manifest order.
pub fn catalog(workspace_root: &Path) -> Result<Vec<CatalogEntry>, Error> {
    let labs_dir = workspace_root.join("labs");
    let listing = std::fs::read_dir(&labs_dir).map_err(|source| Error::Read {
        path: labs_dir.clone(),
        source,
    })?;
    let mut labs: Vec<_> = listing
        .flatten()
        .map(|e| e.path())
        .filter(|dir| dir.join("transcripts").join(MANIFEST).is_file())
        .collect();
    labs.sort();
    let mut entries = Vec::new();
    for dir in labs {
        let lab = Lab::open(&dir)?;
        for transcript in lab.transcripts()? {
            let redacted = transcript.expected();
            let entry = transcript.entry;
            let file = transcript
                .path
                .strip_prefix(workspace_root)
                .unwrap_or(&transcript.path);
            entries.push(CatalogEntry {
                id: format!("{}/{}", lab.name(), entry.id),
                lab: lab.name(),
                file: file.to_string_lossy().into_owned(),
                claims: entry.claims,
                needs: entry.needs,
                runnable: entry.runnable,
                steps: transcript
                    .steps
                    .into_iter()
                    .zip(redacted)
                    .map(|(step, redacted)| CatalogStep {
                        command: step.command,
                        output: step.output,
                        redacted,
                    })
                    .collect(),
            });
        }
    }
    Ok(entries)
}
