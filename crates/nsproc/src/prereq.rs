//! Whether a test may run on this machine.
//!
//! Under plain `cargo test` a test whose prerequisite is missing (root or user
//! namespaces, Docker, mdbook, ...) prints why and returns early. Under
//! `cargo xtask test` and CI, which set `PAUSE_BOOK_STRICT=1`, the same test
//! fails loudly instead, so nothing passes by checking nothing.

use crate::namespaces::NsKind;
use crate::spawn::{Exit, NsCommand, Stdio};

/// The environment variable that turns skips into failures.
pub const STRICT_ENV: &str = "PAUSE_BOOK_STRICT";

/// Whether missing prerequisites must fail tests instead of skipping them.
pub fn strict() -> bool {
    std::env::var(STRICT_ENV).is_ok_and(|v| v == "1")
}

/// How this process can create namespaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// We are root: namespaces are created directly.
    Root,
    /// We are not root, but may create a user namespace (rootless).
    UserNamespace,
}

/// Finds out whether PID and network namespaces can be created here, and how.
pub fn isolation() -> Result<Isolation, String> {
    let mode = if nix::unistd::geteuid().is_root() {
        Isolation::Root
    } else {
        Isolation::UserNamespace
    };
    let probe = NsCommand::new("true")
        .namespaces(&[NsKind::Pid, NsKind::Net])
        .stdout(Stdio::Null)
        .stderr(Stdio::Null)
        .spawn()
        .and_then(|mut child| child.wait_timeout(std::time::Duration::from_secs(10)));
    match probe {
        Ok(Exit::Code(0)) => Ok(mode),
        Ok(other) => Err(format!(
            "a probe process in new namespaces ended with {other:?}"
        )),
        Err(err) => Err(err.to_string()),
    }
}

/// Returns the value when the prerequisite `what` is met. Otherwise, in
/// strict mode it panics with the reason; else it prints
/// `SKIPPED (<what>): <reason>` to stderr and returns `None`.
#[track_caller]
pub fn require<T>(what: &str, check: Result<T, String>) -> Option<T> {
    match check {
        Ok(value) => Some(value),
        Err(reason) if strict() => {
            panic!("{what} is required here ({STRICT_ENV}=1) but missing: {reason}")
        }
        Err(reason) => {
            eprintln!("SKIPPED ({what}): {reason}");
            None
        }
    }
}
