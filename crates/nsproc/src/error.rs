//! One error type for the helpers: what failed, why, and what to do about it.

use std::fmt;
use std::time::Duration;

/// An error from a namespace or process helper. Every message reads
/// "could not <action>: <why>", with what to do when we know it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A system call, file or program failed.
    #[error("could not {action}: {cause}{}", hint.map(|h| format!(" ({h})")).unwrap_or_default())]
    Failed {
        /// What we were trying to do, e.g. "read /proc/42/status".
        action: String,
        /// The underlying cause.
        cause: String,
        /// How to fix it, when we know.
        hint: Option<&'static str>,
    },
    /// The caller passed something the helper cannot use.
    #[error("could not {action}: {problem} ({fix})")]
    BadInput {
        action: String,
        problem: String,
        fix: &'static str,
    },
    /// What we waited for did not happen in time.
    #[error("could not wait for {what}: still not the case after {timeout:?}")]
    TimedOut { what: String, timeout: Duration },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A failure of `action` because of `cause`.
    pub fn new(action: impl Into<String>, cause: impl fmt::Display) -> Self {
        Error::Failed {
            action: action.into(),
            cause: cause.to_string(),
            hint: None,
        }
    }

    /// Adds what to do to a [`Error::Failed`].
    pub fn hint(mut self, fix: &'static str) -> Self {
        if let Error::Failed { hint, .. } = &mut self {
            *hint = Some(fix);
        }
        self
    }
}

/// Adds the action to a lower-level error: `fs::read(p).context(|| format!("read {p}"))`.
pub trait Context<T> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, action: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::new(action(), e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_failed_why_and_what_to_do() {
        let plain = Error::new("read /proc/1/status", "permission denied");
        assert_eq!(
            plain.to_string(),
            "could not read /proc/1/status: permission denied"
        );
        let hinted = plain.hint("run as root");
        assert_eq!(
            hinted.to_string(),
            "could not read /proc/1/status: permission denied (run as root)"
        );
        let waited = Error::TimedOut {
            what: "pause".into(),
            timeout: Duration::from_secs(2),
        };
        assert_eq!(
            waited.to_string(),
            "could not wait for pause: still not the case after 2s"
        );
        let read: std::result::Result<(), _> = Err("gone");
        assert_eq!(
            read.context(|| "read x".into()).unwrap_err().to_string(),
            "could not read x: gone"
        );
    }
}
