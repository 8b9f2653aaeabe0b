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
    /// Run, unseen, after each step that starts a background job
    /// ([`crate::manifest::Entry::settle`]).
    pub settle: Option<String>,
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
    catalog_of(&workspace_root.join("labs"), Some(workspace_root))
}

/// The same for a labs-like folder `labs_dir` (`<lab>/transcripts/...`,
/// outside the workspace too: the runner's test transcripts). Files are
/// given relative to `relative_to`, or as they are when it is `None`.
pub fn catalog_of(labs_dir: &Path, relative_to: Option<&Path>) -> Result<Vec<CatalogEntry>, Error> {
    let labs_dir = labs_dir.to_path_buf();
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
            let file = relative_to
                .and_then(|root| transcript.path.strip_prefix(root).ok())
                .unwrap_or(&transcript.path);
            entries.push(CatalogEntry {
                id: format!("{}/{}", lab.name(), entry.id),
                lab: lab.name(),
                file: file.to_string_lossy().into_owned(),
                claims: entry.claims,
                needs: entry.needs,
                runnable: entry.runnable,
                settle: entry.settle,
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
