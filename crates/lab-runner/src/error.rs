//! What can go wrong while the runner starts: each message says what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "port {port} on 127.0.0.1 is taken (by another runner or mdbook serve?): pass --port M"
    )]
    PortTaken { port: u16 },
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Listen { port: u16, source: std::io::Error },
    #[error("the book folder {path} has no index.html: build the book first (mdbook build)")]
    NoBook { path: PathBuf },
    #[error("cannot read the labs' transcripts: {0}")]
    Catalog(#[from] transcripts::Error),
    #[error("cannot get randomness for the token from the kernel: {0}")]
    Random(String),
    #[error("cannot {what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

impl Error {
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let what = what.into();
        move |source| Error::Io { what, source }
    }
}
