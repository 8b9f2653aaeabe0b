//! The error of the blog's library: what went wrong, and what to do.

/// Every message says what is wrong and what is expected or how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An argument, a key or a request line the program cannot use; the
    /// message says what is expected.
    #[error("{0}")]
    BadInput(String),
    /// Reading `/proc` (or listing it) failed.
    #[error("cannot {action} {path}: {cause}; {fix}")]
    Proc {
        action: &'static str,
        path: String,
        cause: String,
        fix: &'static str,
    },
    /// A System V IPC call failed.
    #[error("{call}: {cause}")]
    Ipc { call: String, cause: String },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn proc(
        action: &'static str,
        path: &std::path::Path,
        cause: std::io::Error,
        fix: &'static str,
    ) -> Error {
        Error::Proc {
            action,
            path: path.display().to_string(),
            cause: cause.to_string(),
            fix,
        }
    }

    /// The failed IPC call `call`, with errno's message.
    pub(crate) fn ipc(call: String) -> Error {
        Error::Ipc {
            call,
            cause: std::io::Error::last_os_error().to_string(),
        }
    }
}

/// The binaries print errors as text.
impl From<Error> for String {
    fn from(error: Error) -> String {
        error.to_string()
    }
}
