//! The exercise format: `labs/<lab>/exercises/<name>/exercise.toml`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Invalid};
use crate::messages::Lang;

/// A text in both of the book's languages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Hints, from a nudge (level 1) to nearly the answer (level 3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hints {
    pub zh: Vec<String>,
    pub en: Vec<String>,
}

impl Hints {
    pub fn get(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// One behaviour the exercise must have: the lab's tests that check it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// An integration test target of the lab's package (`--test <test>`).
    pub test: String,
    /// A libtest substring filter selecting the tests of this behaviour.
    pub filter: String,
    /// The behaviour, said to a student.
    pub behaviour: Text,
}

/// A plausible wrong solution, kept for grading the checks themselves.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wrong {
    /// Relative to the exercise's folder.
    pub file: String,
    pub mistake: Text,
    /// The check filters it must fail (all of them, when empty: at least one).
    #[serde(default)]
    pub fails: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub name: String,
    pub lab: String,
    pub package: String,
    pub chapter: String,
    pub order: u32,
    pub minutes: u32,
    /// The file of the lab the student edits (lab-relative).
    pub module: String,
    /// The starter, relative to the exercise's folder.
    pub starter: String,
    #[serde(default)]
    pub needs: Vec<String>,
    pub checks: Vec<Check>,
    pub title: Text,
    pub hints: Hints,
    #[serde(default)]
    pub wrong: Vec<Wrong>,
    /// Lab-relative files that reveal the answer: left out of the student edition.
    #[serde(default)]
    pub edition_remove: Vec<String>,
    /// The exercise's folder (filled in on load).
    #[serde(skip)]
    pub dir: PathBuf,
}

const KNOWN_NEEDS: [&str; 5] = ["root", "userns", "docker", "containerd", "podman"];

impl Exercise {
    /// Reads and validates `dir/exercise.toml`; `root` is the course tree.
    pub fn load(root: &Path, dir: &Path) -> Result<Exercise, Error> {
        let path = dir.join("exercise.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(source) => return Err(Error::Read { path, source }),
        };
        let mut exercise: Exercise = match toml::from_str(&text) {
            Ok(exercise) => exercise,
            Err(source) => return Err(Error::BadManifest { path, source }),
        };
        exercise.dir = dir.to_path_buf();
        exercise
            .validate(root)
            .map_err(|problem| Error::InvalidExercise { path, problem })?;
        Ok(exercise)
    }

    fn validate(&self, root: &Path) -> Result<(), Invalid> {
        let folder = self.dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if self.name != folder {
            return Err(Invalid::Name {
                name: self.name.clone(),
                folder: folder.into(),
            });
        }
        let lab = self.dir.parent().and_then(Path::parent);
        if lab.and_then(Path::file_name).and_then(|n| n.to_str()) != Some(self.lab.as_str()) {
            return Err(Invalid::Lab(self.lab.clone()));
        }
        if !(10..=40).contains(&self.minutes) {
            return Err(Invalid::Minutes(self.minutes));
        }
        if self.checks.is_empty() {
            return Err(Invalid::NoChecks);
        }
        if self.hints.zh.len() != 3 || self.hints.en.len() != 3 {
            return Err(Invalid::Hints);
        }
        if let Some(need) = self
            .needs
            .iter()
            .find(|n| !KNOWN_NEEDS.contains(&n.as_str()))
        {
            return Err(Invalid::Need {
                need: need.clone(),
                known: &KNOWN_NEEDS,
            });
        }
        for wrong in &self.wrong {
            if let Some(f) = wrong
                .fails
                .iter()
                .find(|f| !self.checks.iter().any(|c| &c.filter == *f))
            {
                return Err(Invalid::WrongFails {
                    file: wrong.file.clone(),
                    filter: f.clone(),
                });
            }
        }
        for chapter in ["zh", "en"] {
            let page = root
                .join("src")
                .join(chapter)
                .join(format!("{}.md", self.chapter));
            if !page.is_file() {
                return Err(Invalid::Chapter {
                    chapter: self.chapter.clone(),
                    page,
                });
            }
        }
        Ok(())
    }

    /// The lab's folder.
    pub fn lab_dir(&self, root: &Path) -> PathBuf {
        root.join("labs").join(&self.lab)
    }

    /// The file the student edits.
    pub fn module_path(&self, root: &Path) -> PathBuf {
        self.lab_dir(root).join(&self.module)
    }

    pub fn starter_path(&self) -> PathBuf {
        self.dir.join(&self.starter)
    }

    /// The module as the project root sees it: `labs/<lab>/<module>`.
    pub fn module_display(&self) -> String {
        format!("labs/{}/{}", self.lab, self.module)
    }
}
