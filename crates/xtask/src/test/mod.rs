//! `cargo xtask test`: the one command that runs every test of the project
//! (what CI runs through .ci/run).
//!
//! 1. prerequisites ([`packages`], [`docker`]): Debian packages (installed
//!    with apt-get as root), the pinned book tools, a running Docker engine
//!    (started if needed);
//! 2. steps, each timed: `cargo fmt --check`, `cargo clippy -D warnings`,
//!    `cargo test --workspace` with PAUSE_BOOK_STRICT=1 (a test whose
//!    prerequisite is missing fails instead of skipping);
//! 3. nothing left behind ([`leftovers`], from the [`census`]): no new
//!    process, namespace, interface, state directory, cgroup, mount or
//!    container compared with before the tests.

mod census;
mod docker;
mod leftovers;
pub(crate) mod packages;

use crate::serve::repo_root;
use crate::tools;
use std::time::{Duration, Instant};

pub use packages::APT_PACKAGES;

/// `cargo xtask test` takes no flags.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Runs every test of the project: installs what the tests need \
(as root, with apt-get), checks formatting and lints, then `cargo test --workspace` in \
strict mode (PAUSE_BOOK_STRICT=1), then checks that the tests left nothing behind."
)]
pub struct Args {}

/// Set for the steps, inherited by what the tests start: tells this run's
/// processes from those other users start meanwhile on the same machine.
pub(crate) const RUN_MARKER: &str = "PAUSE_BOOK_TEST_RUN";

pub(crate) fn run_id() -> String {
    std::process::id().to_string()
}

/// The checks, in order: what is shown, and cargo's arguments.
const STEPS: [(&str, &[&str]); 3] = [
    ("cargo fmt --all --check", &["fmt", "--all", "--check"]),
    (
        "cargo clippy --workspace --all-targets -- -D warnings",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ),
    // --no-fail-fast: report every failing test binary, not the first.
    (
        "cargo test --workspace --no-fail-fast",
        &["test", "--workspace", "--no-fail-fast"],
    ),
];

pub fn run(_: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let root = repo_root();

    announce("prerequisites");
    packages::ensure_packages(APT_PACKAGES)?;
    tools::ensure_book_tools()?;
    packages::offer_cross_target(packages::CROSS_TARGET);
    docker::ensure_docker(&root)?;
    let before = census::take(&root)?;

    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (name, args) in STEPS {
        announce(name);
        let step_started = Instant::now();
        let status = testkit::run::cargo()
            .args(args)
            .current_dir(&root)
            .env("PAUSE_BOOK_STRICT", "1")
            .env(RUN_MARKER, run_id())
            .env("PATH", tools::path_with_cargo_bin())
            .status();
        let took = step_started.elapsed();
        let verdict = match &status {
            Ok(s) if s.success() => "ok".to_string(),
            Ok(s) => format!("FAILED ({s})"),
            Err(err) => format!("FAILED (cannot run cargo: {err})"),
        };
        eprintln!("xtask test: {name}: {verdict} in {}", seconds(took));
        report.push(format!(
            "{} {} {}",
            first_words(name),
            verdict,
            seconds(took)
        ));
        if !matches!(&status, Ok(s) if s.success()) {
            failed.push(name.to_string());
        }
    }

    announce("nothing left behind");
    let leftovers = leftovers::left_behind(&root, &before)?;
    if leftovers.is_empty() {
        report.push("cleanup ok".into());
    } else {
        eprintln!(
            "xtask test: the tests left behind:\n{}",
            leftovers.describe()
        );
        failed.push("cleanup (see the list above)".into());
        report.push("cleanup FAILED".into());
    }

    let total = seconds(started.elapsed());
    if failed.is_empty() {
        println!(
            "xtask test: everything ok ({}), {total} in all",
            report.join(", ")
        );
        Ok(())
    } else {
        println!(
            "xtask test: FAILED: {} ({}), {total} in all",
            failed.join("; "),
            report.join(", ")
        );
        anyhow::bail!("failed: {}", failed.join("; "))
    }
}

fn announce(what: &str) {
    eprintln!("\n==== xtask test: {what} ====");
}

fn first_words(name: &str) -> String {
    name.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        format!(
            "{}m{:02}s",
            duration.as_secs() / 60,
            duration.as_secs() % 60
        )
    }
}

pub(crate) fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_fmt_clippy_then_the_strict_tests() {
        let names: Vec<String> = STEPS.iter().map(|(name, _)| first_words(name)).collect();
        assert_eq!(names, ["cargo fmt", "cargo clippy", "cargo test"]);
        for (name, args) in STEPS {
            // What is shown is what is run.
            assert_eq!(name, format!("cargo {}", args.join(" ")));
        }
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_secs(125)), "2m05s");
    }
}
