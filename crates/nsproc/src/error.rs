//! One error type for the helpers: what failed, why, and what to do about it.

use std::fmt;

/// An error from a namespace or process helper.
#[derive(Debug)]
pub struct Error {
    /// What we were trying to do, e.g. "read /proc/42/status".
    pub action: String,
    /// The underlying cause.
    pub cause: String,
    /// A hint for the reader on how to fix it, when we know one.
    pub hint: Option<&'static str>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(action: impl Into<String>, cause: impl fmt::Display) -> Self {
        Error {
            action: action.into(),
            cause: cause.to_string(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not {}: {}", self.action, self.cause)?;
        if let Some(hint) = self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Adds the action to a lower-level error: `fs::read(p).context(|| format!("read {p}"))`.
pub trait Context<T> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::new(action(), e))
    }
}
