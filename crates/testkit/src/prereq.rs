//! Whether a test may run on this machine.
//!
//! Under plain `cargo test` a test whose prerequisite is missing (root or user
//! namespaces, Docker, mdbook, ...) prints why and returns early. Under
//! `cargo xtask test` and CI, which set `PAUSE_BOOK_STRICT=1`, the same test
//! fails loudly instead, so nothing passes by checking nothing.

use std::process::Command;

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

/// Finds out whether PID and network namespaces can be created here, and
/// how: a probe `unshare` (util-linux) makes both, in a user namespace of
/// its own when we are not root, as the labs do.
pub fn isolation() -> Result<Isolation, String> {
    let mode = if nix::unistd::geteuid().is_root() {
        Isolation::Root
    } else {
        Isolation::UserNamespace
    };
    let mut probe = Command::new("unshare");
    if mode == Isolation::UserNamespace {
        probe.args(["--user", "--map-root-user"]);
    }
    probe.args(["--pid", "--net", "--fork", "true"]);
    match probe.output() {
        Ok(out) if out.status.success() => Ok(mode),
        Ok(out) => Err(format!(
            "a probe process in new namespaces failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(err) => Err(format!("cannot run unshare ({err}): install util-linux")),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn met_prerequisites_give_their_value() {
        assert_eq!(require("nothing", Ok::<_, String>(7)), Some(7));
    }

    #[test]
    fn missing_prerequisites_skip_or_fail_by_mode() {
        let missing = || require::<()>("a unicorn", Err("none here".into()));
        if strict() {
            let panicked = std::panic::catch_unwind(missing).unwrap_err();
            let message = panicked.downcast_ref::<String>().unwrap();
            assert!(
                message.contains("a unicorn") && message.contains("none here"),
                "{message}"
            );
        } else {
            assert_eq!(missing(), None);
        }
    }

    #[test]
    fn the_probe_agrees_with_who_we_are() {
        let Some(mode) = require("PID and network namespaces", isolation()) else {
            return;
        };
        assert_eq!(mode == Isolation::Root, nix::unistd::geteuid().is_root());
    }
}
