//! Replaying a transcript: run each command, then compare what it printed
//! with the file after redaction, or rewrite the file when blessing.

use std::fmt::Display;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::manifest::{Entry, Manifest};
use crate::redact::{self, Context, Redactor};
use crate::transcript::{self, Step};

/// The one variable that rewrites every lab's transcripts from a real run.
pub const BLESS_VAR: &str = "PAUSE_BOOK_BLESS";

/// Whether this run rewrites transcripts instead of checking them.
pub fn blessing() -> bool {
    std::env::var(BLESS_VAR).is_ok_and(|v| v == "1")
}

/// A lab's transcripts folder and manifest.
#[derive(Debug, Clone)]
pub struct Lab {
    /// `labs/<lab>`.
    pub dir: PathBuf,
    pub manifest: Manifest,
    context: Context,
}

/// The workspace root above `dir`: the nearest Cargo.toml with `[workspace]`.
pub fn workspace_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| {
            std::fs::read_to_string(d.join("Cargo.toml"))
                .is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

impl Lab {
    /// Opens `labs/<lab>` (a test passes `env!("CARGO_MANIFEST_DIR")`).
    pub fn open(dir: impl AsRef<Path>) -> Result<Lab, Error> {
        let dir = dir.as_ref().to_path_buf();
        let manifest = Manifest::load(&dir)?;
        let checkout = workspace_root(&dir).unwrap_or_else(|| dir.clone());
        Ok(Lab {
            context: Context::new(&checkout),
            dir,
            manifest,
        })
    }

    /// The lab's folder name, the first half of a book-wide id.
    pub fn name(&self) -> String {
        self.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn transcript(&self, id: &str) -> Result<Transcript, Error> {
        let entry = self.manifest.entry(id)?.clone();
        let path = self.dir.join("transcripts").join(format!("{id}.txt"));
        if !path.is_file() && !blessing() {
            return Err(Error::MissingFile {
                path: self.manifest.path.clone(),
                id: id.to_string(),
                file: path,
            });
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        Ok(Transcript {
            steps: transcript::parse(&path, &text)?,
            entry,
            path,
            context: self.context.clone(),
        })
    }

    /// Every listed transcript; a `.txt` file that is not listed is an error.
    pub fn transcripts(&self) -> Result<Vec<Transcript>, Error> {
        let folder = self.dir.join("transcripts");
        let listing = std::fs::read_dir(&folder).map_err(|source| Error::Read {
            path: folder.clone(),
            source,
        })?;
        for file in listing.flatten().map(|f| f.path()) {
            let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned());
            let is_text = file.extension().is_some_and(|e| e == "txt");
            if is_text && stem.is_some_and(|s| self.manifest.entry(&s).is_err()) {
                return Err(Error::Unlisted {
                    file,
                    manifest: self.manifest.path.clone(),
                });
            }
        }
        let ids = self.manifest.entries.iter().map(|e| e.id.as_str());
        ids.map(|id| self.transcript(id)).collect()
    }
}

/// One transcript: its manifest entry and its steps as the file has them.
#[derive(Debug, Clone)]
pub struct Transcript {
    pub entry: Entry,
    pub path: PathBuf,
    pub steps: Vec<Step>,
    context: Context,
}

impl Transcript {
    /// The commands, in order.
    pub fn commands(&self) -> Vec<&str> {
        self.steps.iter().map(|s| s.command.as_str()).collect()
    }

    /// `outputs` with every redaction of the entry applied; names are
    /// shared across the steps, so one inode is `ns-A` in every step.
    pub fn redact(&self, outputs: &[&str]) -> Vec<String> {
        let mut redactor = Redactor::new(&self.context);
        let replaces: Vec<(regex::Regex, &str)> = self
            .entry
            .replace
            .iter()
            .filter_map(|r| Some((regex::Regex::new(&r.pattern).ok()?, r.with.as_str())))
            .collect();
        outputs
            .iter()
            .map(|output| {
                let mut text = output.to_string();
                for redaction in &self.entry.redact {
                    text = redactor.apply(*redaction, &text);
                }
                for (pattern, with) in &replaces {
                    text = pattern.replace_all(&text, *with).into_owned();
                }
                text
            })
            .collect()
    }

    /// The expected outputs, redacted.
    pub fn expected(&self) -> Vec<String> {
        let outputs: Vec<&str> = self.steps.iter().map(|s| s.output.as_str()).collect();
        self.redact(&outputs)
    }

    /// Runs every command with `run` (which returns what it printed, stdout
    /// and stderr merged), then [`check`](Self::check)s the outputs. Returns
    /// the outputs as printed, for further assertions.
    pub fn replay<E: Display>(
        &self,
        mut run: impl FnMut(&str) -> Result<String, E>,
    ) -> Result<Vec<String>, Error> {
        let mut outputs = Vec::new();
        for step in &self.steps {
            let output = run(&step.command).map_err(|e| Error::Run {
                id: self.entry.id.clone(),
                command: step.command.clone(),
                message: e.to_string(),
            })?;
            outputs.push(output);
        }
        self.check(&outputs)?;
        Ok(outputs)
    }

    /// Compares `outputs` (one per step) with the file, exactly after
    /// redaction; with `PAUSE_BOOK_BLESS=1` rewrites the file instead.
    pub fn check(&self, outputs: &[String]) -> Result<(), Error> {
        if blessing() {
            return self.bless(outputs);
        }
        let actual: Vec<&str> = outputs.iter().map(String::as_str).collect();
        let actual = self.redact(&actual);
        let expected = self.expected();
        let mut report = String::new();
        if actual.len() != expected.len() {
            report += &format!("{} outputs for {} commands\n", actual.len(), expected.len());
        }
        for (i, step) in self.steps.iter().enumerate() {
            let (want, got) = (&expected[i], actual.get(i).map_or("", String::as_str));
            if want != got {
                report += &format!(
                    "$ {}\n--- expected (redacted)\n{want}--- got (redacted)\n{got}--- got (as printed)\n{}",
                    step.command,
                    outputs.get(i).map_or("", String::as_str),
                );
            }
        }
        if report.is_empty() {
            return Ok(());
        }
        Err(Error::Mismatch(format!(
            "{} does not match what the commands print now:\n{report}\
             If the new output is right, rerun the test with {BLESS_VAR}=1 to rewrite the file.",
            self.path.display()
        )))
    }

    /// Rewrites the file from `outputs`, with checkout paths redacted.
    fn bless(&self, outputs: &[String]) -> Result<(), Error> {
        let steps: Vec<Step> = self
            .steps
            .iter()
            .zip(outputs)
            .map(|(step, output)| Step {
                command: step.command.clone(),
                output: redact::checkout(&self.context, output),
            })
            .collect();
        std::fs::write(&self.path, transcript::format(&steps)).map_err(|source| Error::Write {
            path: self.path.clone(),
            source,
        })
    }
}

/// For tests: replays transcript `id` of the lab at `lab_dir` and panics
/// with the differences (and how to bless) when it does not match.
pub fn assert_replay<E: Display>(
    lab_dir: impl AsRef<Path>,
    id: &str,
    run: impl FnMut(&str) -> Result<String, E>,
) -> Vec<String> {
    let replayed = Lab::open(lab_dir).and_then(|lab| lab.transcript(id)?.replay(run));
    replayed.unwrap_or_else(|e| panic!("{e}"))
}
