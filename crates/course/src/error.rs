//! What can go wrong in the course, each saying what to do next. A student
//! reads it in their language: [`Error::message`]; `Display` is the English.

use std::path::PathBuf;

use crate::messages::{self, Lang};

/// An error of the checker, the course tree or the student edition. The
/// variants a student meets in normal use speak both languages (their text is
/// in [`messages`]); the others (a broken exercise, a failing disk) speak
/// English, for the teacher.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command was run outside the project.
    #[error("{}", messages::not_in_course(Lang::En, .cwd))]
    NotInCourse { cwd: PathBuf },
    /// No exercise has that name; `closest` are the names it may have meant.
    #[error("{}", messages::unknown_exercise(Lang::En, .name, &strs(.closest)))]
    UnknownExercise { name: String, closest: Vec<String> },
    #[error("two exercises are named {name:?}")]
    DuplicateExercise { name: String },
    /// `hint --level` out of range.
    #[error("{}", messages::no_such_level(Lang::En, *.level, *.levels))]
    NoSuchLevel { level: usize, levels: usize },
    /// The module the student edits is gone (check in place).
    #[error("{}", messages::module_missing(Lang::En, .module, .name))]
    ModuleMissing { module: String, name: String },
    /// `check --with` names no file.
    #[error("{}", messages::candidate_missing(Lang::En, .path))]
    CandidateMissing { path: PathBuf },
    /// The exercise needs root and the checker is not.
    #[error("{}", messages::needs_root(Lang::En, .name))]
    NeedsRoot { name: String },
    /// `reset` in the full project, where the module is the solution.
    #[error("{}", messages::reset_in_full_tree(Lang::En, .module))]
    ResetInFullTree { module: String },
    /// `reset` finds no starter (`path` is relative to the course).
    #[error("{}", messages::starter_missing(Lang::En, &.path.display().to_string()))]
    StarterMissing {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The student edition's folder already holds files.
    #[error("{}", messages::edition_not_empty(Lang::En, .dir))]
    EditionNotEmpty { dir: PathBuf },
    #[error("{}: give a folder to write to", .path.display())]
    NotAFolder { path: PathBuf },
    /// An exercise.toml does not parse.
    #[error("{} is not a valid exercise: {source}", .path.display())]
    BadManifest {
        path: PathBuf,
        #[source]
        source: toml::de::Error,
    },
    /// An exercise.toml parses but says something impossible.
    #[error("{}: {problem}", .path.display())]
    InvalidExercise { path: PathBuf, problem: Invalid },
    /// Running the exercise's checks failed (not the checks themselves).
    #[error("{}", messages::cargo_failed(Lang::En, &.0.to_string()))]
    Cargo(#[source] Box<Error>),
    /// cargo could not be started or waited for.
    #[error("cargo: {0}")]
    Spawn(#[source] std::io::Error),
    /// cargo failed and ran no test: what it said.
    #[error("{stderr}")]
    CargoFailed { stderr: String },
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot list {}: {source}", .path.display())]
    List {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("lock {}: {source}", .path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Any other file operation on `path`.
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    SaveProgress(#[from] toml::ser::Error),
    #[error("{0}")]
    Watch(#[source] notify::Error),
    #[error("{}: {source}", .dir.display())]
    WatchDir {
        dir: PathBuf,
        #[source]
        source: notify::Error,
    },
}

/// What is impossible in an exercise.toml: the field to fix.
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    #[error("name {name:?} must equal the folder's name {folder:?}")]
    Name { name: String, folder: String },
    #[error("lab {0:?} is not the lab folder it lives in")]
    Lab(String),
    #[error("minutes = {0}: give 10 to 40")]
    Minutes(u32),
    #[error("checks is empty: name the tests that check it")]
    NoChecks,
    #[error("hints need three levels in zh and in en")]
    Hints,
    #[error("unknown need {need:?} (known: {known:?})")]
    Need {
        need: String,
        known: &'static [&'static str],
    },
    #[error("wrong {file:?}: fails names {filter:?}, which is no check's filter")]
    WrongFails { file: String, filter: String },
    #[error("chapter {chapter:?}: no page {}", .page.display())]
    Chapter { chapter: String, page: PathBuf },
}

impl Error {
    /// The text for a student who reads `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Error::NotInCourse { cwd } => messages::not_in_course(lang, cwd),
            Error::UnknownExercise { name, closest } => {
                messages::unknown_exercise(lang, name, &strs(closest))
            }
            Error::NoSuchLevel { level, levels } => messages::no_such_level(lang, *level, *levels),
            Error::ModuleMissing { module, name } => messages::module_missing(lang, module, name),
            Error::CandidateMissing { path } => messages::candidate_missing(lang, path),
            Error::NeedsRoot { name } => messages::needs_root(lang, name),
            Error::ResetInFullTree { module } => messages::reset_in_full_tree(lang, module),
            Error::StarterMissing { path, .. } => {
                messages::starter_missing(lang, &path.display().to_string())
            }
            Error::EditionNotEmpty { dir } => messages::edition_not_empty(lang, dir),
            Error::Cargo(error) => messages::cargo_failed(lang, &error.message(lang)),
            _ => self.to_string(),
        }
    }

    /// A failed file operation on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}

fn strs(names: &[String]) -> Vec<&str> {
    names.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_student_reads_the_error_in_their_language_and_display_is_english() {
        let error = Error::NeedsRoot {
            name: "setns-join-order".into(),
        };
        assert_eq!(
            error.to_string(),
            messages::needs_root(Lang::En, "setns-join-order")
        );
        assert_eq!(
            error.message(Lang::Zh),
            messages::needs_root(Lang::Zh, "setns-join-order")
        );
        assert_eq!(error.message(Lang::En), error.to_string());
    }

    #[test]
    fn a_failed_cargo_run_is_told_in_the_language_of_its_cause_and_keeps_it() {
        let cause = Error::Spawn(std::io::Error::from(std::io::ErrorKind::NotFound));
        let error = Error::Cargo(Box::new(cause));
        assert!(
            error
                .message(Lang::Zh)
                .starts_with("无法运行 cargo：cargo: ")
        );
        assert!(error.to_string().starts_with("cannot run cargo: cargo: "));
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert!(source.is_some_and(|s| s.starts_with("cargo: ")));
    }

    #[test]
    fn a_teachers_error_is_english_in_both_languages() {
        let error = Error::InvalidExercise {
            path: "labs/x/exercises/y/exercise.toml".into(),
            problem: Invalid::Minutes(99),
        };
        let text = "labs/x/exercises/y/exercise.toml: minutes = 99: give 10 to 40";
        assert_eq!(error.message(Lang::Zh), text);
        assert_eq!(error.to_string(), text);
    }
}
