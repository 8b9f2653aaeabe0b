//! The test kit's error: what went wrong, and what to do about it.

use std::path::PathBuf;
use std::process::ExitStatus;

/// An error from a test-kit helper. Each message names the failing step and
/// the fix (a package to install, a variable to unset, ...).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A program the helper runs is not on PATH.
    #[error("{program} is not installed (not on PATH): {fix}")]
    NotInstalled { program: String, fix: String },
    /// The program is there but could not be started.
    #[error("cannot run {command}: {source}")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    /// The program ran and failed; `output` is what it said on stderr.
    #[error("`{command}` failed ({status}): {output}")]
    Failed {
        command: String,
        status: ExitStatus,
        output: String,
    },
    /// A file is missing, unreadable or not what it should be.
    #[error("{}: {problem}", path.display())]
    File { path: PathBuf, problem: String },
    /// An override variable (`PAUSE_BIN`, ...) points at nothing.
    #[error("{var}={} names no file: point it at an executable, or unset it to use the workspace's build", path.display())]
    BadOverride { var: String, path: PathBuf },
    /// The project-root variable (`PAUSE_BOOK_ROOT`) names no workspace.
    #[error("{var}={} is not the root of the project (an absolute path holding its Cargo.toml): fix it, or unset it to use the tree these tests were built in", dir.display())]
    BadRoot { var: &'static str, dir: PathBuf },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn file(path: impl Into<PathBuf>, problem: impl std::fmt::Display) -> Error {
        Error::File {
            path: path.into(),
            problem: problem.to_string(),
        }
    }
}

/// Tests pass errors to [`crate::require`] as text.
impl From<Error> for String {
    fn from(error: Error) -> String {
        error.to_string()
    }
}
