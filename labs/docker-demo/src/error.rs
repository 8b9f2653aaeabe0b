//! What can go wrong in the demo's library, each saying what to do next.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The engine, a build of a lab binary or an ELF check failed; testkit's
    /// error already says what to do.
    #[error(transparent)]
    Kit(#[from] testkit::Error),
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} is missing: {fix}")]
    Missing { what: String, fix: &'static str },
    #[error("neither {} nor {} has `# ANCHOR: {name}`: add the anchor, or fix the part's name", files[0].display(), files[1].display())]
    NoAnchor { name: String, files: [PathBuf; 2] },
    #[error(
        "the script's vars part defines no {name}: define it there, or fix the override's name"
    )]
    UnknownVariable { name: String },
    #[error("cannot run sh: {0} (is /bin/sh installed?)")]
    Shell(#[source] std::io::Error),
    /// Several steps failed (removing three images, say): each one's error.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<Error>),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for String {
    /// For `testkit::require`, which takes the reason as text.
    fn from(error: Error) -> String {
        error.to_string()
    }
}
