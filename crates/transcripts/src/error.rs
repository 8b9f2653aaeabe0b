//! What can go wrong while reading, replaying or blessing transcripts.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}; is the lab folder right?")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}; is the checkout writable?")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid transcripts manifest: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("{path}:{line}: a transcript starts with a `$ <command>` line, not {text:?}")]
    NoCommand {
        path: PathBuf,
        line: usize,
        text: String,
    },
    #[error("{path}: no transcript `{id}` is listed; add a [[transcript]] with id = \"{id}\"")]
    UnknownId { path: PathBuf, id: String },
    #[error(
        "{path}: transcript `{id}` is listed but {file} does not exist; write it, or bless it with PAUSE_BOOK_BLESS=1"
    )]
    MissingFile {
        path: PathBuf,
        id: String,
        file: PathBuf,
    },
    #[error("{file} is not listed in {manifest}; add a [[transcript]] for it or delete it")]
    Unlisted { file: PathBuf, manifest: PathBuf },
    #[error("{path}: transcript `{id}`: replacement pattern {pattern:?} is not a regex: {message}")]
    Pattern {
        path: PathBuf,
        id: String,
        pattern: String,
        message: String,
    },
    #[error("transcript {id}: running `{command}` failed: {message}")]
    Run {
        id: String,
        command: String,
        message: String,
    },
    #[error("{0}")]
    Mismatch(String),
}
