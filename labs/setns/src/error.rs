//! One error type for the lab: a single line that says what went wrong and
//! what to do about it, printed by `main` as `setns-demo: <line>`.

use std::fmt;

#[derive(Debug)]
pub struct Error {
    message: String,
    /// The exit status `main` uses: 1 unless the error says otherwise
    /// (`exec` uses 125, 126 and 127 as `docker exec` does).
    pub code: i32,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            code: 1,
        }
    }

    pub fn with_code(mut self, code: i32) -> Self {
        self.code = code;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<nsproc::Error> for Error {
    fn from(err: nsproc::Error) -> Self {
        Error::new(err.to_string())
    }
}

/// Adds what we were doing to a lower-level error.
pub trait Context<T> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::new(format!("could not {}: {e}", action())))
    }
}
