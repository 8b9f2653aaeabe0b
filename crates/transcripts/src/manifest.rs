//! `labs/<lab>/transcripts/transcripts.toml`: which transcripts a lab has,
//! what they are evidence for, what they need and how they are redacted.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::redact::Redaction;

/// The file name of a lab's manifest, inside its `transcripts/` folder.
pub const MANIFEST: &str = "transcripts.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    transcript: Vec<Entry>,
}

/// One `[[transcript]]` of a manifest.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file stem: `transcripts/<id>.txt`.
    pub id: String,
    /// Claim ids (src/claims.toml) this transcript is evidence for.
    #[serde(default)]
    pub claims: Vec<String>,
    /// What the machine must offer to replay it.
    #[serde(default)]
    pub needs: Vec<Need>,
    /// Whether the in-page runner may run it (it cleans up after itself).
    #[serde(default)]
    pub runnable: bool,
    /// Named redactions, applied in the order listed.
    #[serde(default)]
    pub redact: Vec<Redaction>,
    /// Lab-specific replacements, applied after the named redactions.
    #[serde(default)]
    pub replace: Vec<Replace>,
    /// A shell command run, unseen, after each step that starts a job in
    /// the background (`... &`), before the step counts as done: it waits
    /// until that job (`$!`) is ready, so the next step finds it so. The
    /// replay and the in-page runner both run it.
    #[serde(default)]
    pub settle: Option<String>,
}

impl Entry {
    /// What to run, unseen, after `command` (see [`settle_after`]).
    pub fn settle_after(&self, command: &str) -> Option<&str> {
        settle_after(self.settle.as_deref(), command)
    }
}

/// A transcript's `settle` when `command` starts a job in the background
/// (ends with `&`), else nothing.
pub fn settle_after<'a>(settle: Option<&'a str>, command: &str) -> Option<&'a str> {
    settle.filter(|_| command.trim_end().ends_with('&'))
}

/// A prerequisite of a transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    Root,
    Userns,
    Docker,
    Containerd,
    Podman,
}

/// `[[transcript.replace]]`: every match of `pattern` (a regex; `(?m)` for
/// line anchors) becomes `with` (which may use `$1`, `${name}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Replace {
    pub pattern: String,
    pub with: String,
}

/// A lab's manifest, read from `<lab_dir>/transcripts/transcripts.toml`.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub path: PathBuf,
    pub entries: Vec<Entry>,
}

impl Manifest {
    pub fn load(lab_dir: &Path) -> Result<Manifest, Error> {
        let path = lab_dir.join("transcripts").join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        Manifest::parse(&path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Manifest, Error> {
        let bad = |message: String| Error::Manifest {
            path: path.to_path_buf(),
            message,
        };
        let file: ManifestFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut seen = Vec::new();
        for entry in &file.transcript {
            let kebab = !entry.id.is_empty()
                && entry
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !kebab {
                return Err(bad(format!(
                    "id {:?} must be kebab-case (a-z, 0-9, -): it is the file stem",
                    entry.id
                )));
            }
            if seen.contains(&&entry.id) {
                return Err(bad(format!("id {:?} is listed twice", entry.id)));
            }
            seen.push(&entry.id);
            for replace in &entry.replace {
                regex::Regex::new(&replace.pattern).map_err(|e| Error::Pattern {
                    path: path.to_path_buf(),
                    id: entry.id.clone(),
                    pattern: replace.pattern.clone(),
                    message: e.to_string(),
                })?;
            }
        }
        Ok(Manifest {
            path: path.to_path_buf(),
            entries: file.transcript,
        })
    }

    pub fn entry(&self, id: &str) -> Result<&Entry, Error> {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| Error::UnknownId {
                path: self.path.clone(),
                id: id.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settle_runs_only_after_a_background_start() {
        let wait = Some("wait-for-it");
        assert_eq!(settle_after(wait, "pause --unknown-flag &"), wait);
        assert_eq!(settle_after(wait, "pause -v"), None);
        assert_eq!(settle_after(None, "sleep 1 &"), None);
    }

    #[test]
    fn reads_the_shared_format() {
        let text = r#"
[[transcript]]
id = "pod-by-hand"
claims = ["a-claim"]
needs = ["root", "userns"]
runnable = true
redact = ["inode", "host-pid", "checkout"]
[[transcript.replace]]
pattern = '@if\d+'
with = "@ifN"
"#;
        let manifest = Manifest::parse(Path::new("t.toml"), text).unwrap();
        let entry = manifest.entry("pod-by-hand").unwrap();
        assert_eq!(entry.needs, [Need::Root, Need::Userns]);
        assert_eq!(entry.redact.len(), 3);
        assert_eq!(entry.replace[0].with, "@ifN");
    }

    #[test]
    fn bad_manifests_say_what_is_wrong() {
        let cases = [
            (
                "[[transcript]]\nid = \"a\"\nredact = [\"inodes\"]\n",
                "inodes",
            ),
            ("[[transcript]]\nid = \"a\"\nneeds = [\"kvm\"]\n", "kvm"),
            ("[[transcript]]\nid = \"A b\"\n", "kebab-case"),
            (
                "[[transcript]]\nid = \"a\"\n[[transcript]]\nid = \"a\"\n",
                "twice",
            ),
            ("[[transcript]]\nid = \"a\"\nclaim = []\n", "claim"),
            (
                "[[transcript]]\nid = \"a\"\n[[transcript.replace]]\npattern = '('\nwith = ''\n",
                "not a regex",
            ),
        ];
        for (text, says) in cases {
            let error = Manifest::parse(Path::new("t.toml"), text).unwrap_err();
            assert!(error.to_string().contains(says), "{says}: {error}");
        }
    }
}
