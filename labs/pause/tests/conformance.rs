//! The conformance suite, run against this crate's pause or, when the
//! `PAUSE_BIN` environment variable is set, against the binary it names:
//!
//! ```text
//! PAUSE_BIN=/path/to/pause cargo test -p pause --test conformance
//! ```

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::sys::signal::Signal;

/// The binary under test: `$PAUSE_BIN` if set, else this crate's `pause`.
fn pause_bin() -> PathBuf {
    resolve(std::env::var_os("PAUSE_BIN").map(PathBuf::from)).unwrap_or_else(|e| panic!("{e}"))
}

fn resolve(overridden: Option<PathBuf>) -> Result<PathBuf, String> {
    match overridden {
        None => Ok(PathBuf::from(env!("CARGO_BIN_EXE_pause"))),
        Some(path) if path.is_file() => Ok(path),
        Some(path) => Err(format!(
            "PAUSE_BIN={} does not exist: point it at a pause binary to test, \
             or unset it to test this crate's own{}",
            path.display(),
            if path.is_relative() {
                " (cargo runs the tests in labs/pause: give an absolute path)"
            } else {
                ""
            }
        )),
    }
}

/// The exact `-v` line when testing our own binary; any other pause only
/// has to print one `pause.<impl> <version>` line.
fn expected_version() -> Option<String> {
    std::env::var_os("PAUSE_BIN")
        .is_none()
        .then(|| format!("pause.rs {}", pause::VERSION))
}

#[test]
fn a_missing_pause_bin_is_a_clear_error() {
    let err = resolve(Some("/no/such/pause".into())).unwrap_err();
    assert!(
        err.contains("PAUSE_BIN=/no/such/pause does not exist"),
        "{err}"
    );
    assert!(resolve(None).unwrap().is_file());
    let here = Path::new(env!("CARGO_BIN_EXE_pause")).to_path_buf();
    assert_eq!(resolve(Some(here.clone())), Ok(here));
}

/// 1. `-v`, in several positions and cases.
mod version_flag {
    use super::*;

    #[test]
    fn prints_the_version_in_any_case_and_position() {
        common::check_version_flag(&pause_bin(), expected_version().as_deref());
    }
}

/// 2. Not PID 1.
mod not_pid1 {
    use super::*;

    #[test]
    fn warns_keeps_running_and_exits_0_on_sigterm() {
        common::check_shutdown_not_pid1(&pause_bin(), Signal::SIGTERM, "Terminated");
    }

    #[test]
    fn exits_0_on_sigint() {
        common::check_shutdown_not_pid1(&pause_bin(), Signal::SIGINT, "Interrupt");
    }

    #[test]
    fn sighup_kills_it() {
        common::check_sighup_kills_not_pid1(&pause_bin());
    }
}

/// 3. PID 1 of a new PID namespace.
mod pid1 {
    use super::*;

    #[test]
    fn no_warning_and_sigterm_from_the_parent_namespace_exits_0() {
        common::check_pid1_sigterm_from_parent(&pause_bin());
    }

    #[test]
    fn reaps_1000_orphans() {
        if let Some(took) = common::check_pid1_reaps_orphans(&pause_bin(), 1000) {
            eprintln!("1000 orphans reaped in {took:?}");
        }
    }

    #[test]
    fn sleeps_again_while_a_child_lives() {
        common::check_pid1_sleeps_again_with_children_left(&pause_bin());
    }

    #[test]
    fn ignores_sighup_and_sigusr1_from_inside() {
        common::check_pid1_ignores_unhandled_signals(&pause_bin());
    }
}

/// 4. When pause, PID 1, exits, its PID namespace goes with it.
mod pid1_exit {
    use super::*;

    #[test]
    fn kills_every_process_of_the_namespace() {
        common::check_pid1_exit_kills_namespace(&pause_bin());
    }
}

/// 5. Idle.
mod idle {
    use super::*;

    #[test]
    fn sleeps_without_cpu_time_or_wakeups() {
        common::check_idle(&pause_bin(), Duration::from_secs(2));
    }
}
