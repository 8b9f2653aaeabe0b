//! The same conformance checks, run against the C pause in `c/pause.c`
//! (compiled here with gcc, as upstream builds it). The suite passing on two
//! independent implementations shows it tests behaviour, not our code.

mod suite;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use nix::sys::signal::Signal;
use nix::unistd::{AccessFlags, access, getuid};

/// Compiles c/pause.c once (`-Os -Wall -Werror -static`, like upstream);
/// `None` (after printing why) when gcc cannot build it here.
fn c_pause() -> Option<&'static Path> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("c/pause.c");
        // Cargo's scratch directory, or (for a run as another user, e.g.
        // `nobody`) the system's, under a name of that user's own.
        let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let output = match access(scratch, AccessFlags::W_OK) {
            Ok(()) => scratch.join("pause-c"),
            Err(_) => std::env::temp_dir().join(format!("pause-c-uid{}", getuid())),
        };
        let result = Command::new("gcc")
            .args(["-Os", "-Wall", "-Werror", "-static", "-o"])
            .arg(&output)
            .arg(&source)
            .output()
            .map_err(|e| format!("cannot run gcc ({e}): install gcc and libc6-dev"))?;
        if !result.status.success() {
            return Err(format!(
                "gcc -static failed (libc6-dev installed?): {}",
                String::from_utf8_lossy(&result.stderr)
            ));
        }
        Ok(output)
    });
    let built = built.as_deref().map_err(String::clone);
    nsproc::require("gcc, to build c/pause.c", built)
}

#[test]
fn c_pause_prints_its_version() {
    let Some(bin) = c_pause() else { return };
    suite::check_version_flag(bin, Some("pause.c HEAD"));
}

#[test]
fn c_pause_not_pid1() {
    let Some(bin) = c_pause() else { return };
    suite::check_shutdown_not_pid1(bin, Signal::SIGTERM, "Terminated");
    suite::check_shutdown_not_pid1(bin, Signal::SIGINT, "Interrupt");
    suite::check_sighup_kills_not_pid1(bin);
}

#[test]
fn c_pause_as_pid1() {
    let Some(bin) = c_pause() else { return };
    suite::check_pid1_sigterm_from_parent(bin);
    suite::check_pid1_ignores_unhandled_signals(bin);
    suite::check_pid1_reaps_orphans(bin, 1000);
    suite::check_pid1_exit_kills_namespace(bin);
}

#[test]
fn c_pause_idles() {
    let Some(bin) = c_pause() else { return };
    suite::check_idle(bin, Duration::from_secs(2));
}
