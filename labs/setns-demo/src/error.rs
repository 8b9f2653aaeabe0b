//! One error type for the lab: a single line that says what went wrong and
//! what to do about it, printed by `main` as `setns-demo: <line>`. Lower-level
//! errors get their context with [`nsproc::Context`], one style for all labs.

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
