//! The checker's speed, measured (a benchmark, not a timed test: it only
//! prints its figures). Goals: a check whose lab is built already under
//! 10 s; a student's first check of a lab from cold under 90 s.
//!
//! `cargo test -p course --test speed -- --ignored --nocapture`
//! (`COURSE_ONLY=pause-shutdown` measures one exercise only)
//!
//! For each exercise, in a scratch copy of the project and a target dir of
//! its own, empty at first (nothing of the lab nor of its dependencies
//! built), as a student's first session goes:
//! - "xtask": `cargo build -p xtask`, what the first `cargo xtask` costs;
//! - "cold": the first check (the lab's tests and their nested builds);
//! - "warm": a wrong solution swapped in, so only the lab's crate
//!   recompiles, as when a student saves and checks again; "again": the
//!   reference back.
//!
//! and, as the yardstick, "plain": `cargo test -p <lab> --no-run` from an
//! empty target dir of its own, which builds every test target of the lab.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use course::manifest::Exercise;
use course::runner::{self, Candidate};

/// Wall-clock and CPU time (of the child processes).
struct Timing {
    wall: Duration,
    cpu: Duration,
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1?} (cpu {:.1?})", self.wall, self.cpu)
    }
}

fn timed<T>(work: impl FnOnce() -> T) -> (Timing, T) {
    let cpu_before = children_cpu();
    let started = Instant::now();
    let value = work();
    let timing = Timing {
        wall: started.elapsed(),
        cpu: children_cpu() - cpu_before,
    };
    (timing, value)
}

fn children_cpu() -> Duration {
    // SAFETY: getrusage fills the struct we hand it.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// The crates cargo says it compiles (`Compiling name vX.Y.Z ...`).
fn compiled(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Compiling "))
        .filter_map(|rest| {
            let mut words = rest.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect()
}

/// `cargo ARGS` in `tree` with `target`; its timing and what it compiled.
fn cargo(tree: &Path, target: &Path, args: &[&str]) -> (Timing, BTreeSet<String>) {
    let (timing, out) = timed(|| {
        testkit::run::cargo()
            .current_dir(tree)
            .env("CARGO_TARGET_DIR", target)
            .args(args)
            .args(["--color", "never"])
            .output()
            .unwrap()
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo {args:?}: {stderr}");
    (timing, compiled(&stderr))
}

/// One check, in place in `tree` (a scratch copy) with `file` as the module.
fn check(tree: &Path, exercise: &Exercise, file: &Path, target: &Path) -> (Timing, bool, String) {
    std::fs::copy(file, exercise.module_path(tree)).unwrap();
    let (timing, report) =
        timed(|| runner::run_with_target(tree, exercise, Candidate::InPlace, Some(target)));
    let report = report.unwrap();
    (timing, report.passed(), report.full_output)
}

/// The exercises measured: one per lab that a student without Docker can do.
const MEASURED: [&str; 4] = [
    "pause-shutdown",
    "pause-tiny-handlers",
    "zombies-reaping-init",
    "setns-pid-fork",
];

#[test]
#[ignore = "a benchmark: run it with --ignored --nocapture"]
fn check_speed_cold_and_warm() {
    let full = common::full_course();
    let bench = full.root.join("target").join("course").join("bench");
    let _ = std::fs::remove_dir_all(&bench);
    let guard = Scratch(bench.clone());
    let tree = bench.join("tree");
    runner::sync_tree(&full.root, &tree).unwrap();
    for name in MEASURED {
        let exercise = full.exercise(name).unwrap();
        if !common::selected(exercise) || !common::has_needs(exercise) {
            continue;
        }
        // The nested builds (testkit) of the tree, cold too.
        let _ = std::fs::remove_dir_all(tree.join("target"));
        let target = bench.join(format!("target-{name}"));
        let plain_target = bench.join(format!("plain-{name}"));
        let (plain, _) = cargo(
            &tree,
            &plain_target,
            &["test", "-p", &exercise.package, "--no-run"],
        );
        let _ = std::fs::remove_dir_all(&plain_target);
        let (xtask, by_xtask) = cargo(&tree, &target, &["build", "-p", "xtask"]);
        let reference = exercise.module_path(&full.root);
        let wrong = exercise.dir.join(&exercise.wrong[0].file);
        let (cold, passed, output) = check(&tree, exercise, &reference, &target);
        assert!(passed, "{name}: the reference fails:\n{output}");
        let twice: Vec<String> = compiled(&output).intersection(&by_xtask).cloned().collect();
        let nested = tree.join("target");
        let nested: Vec<String> = ["lab-bins", "tiny", "static"]
            .into_iter()
            .filter(|d| nested.join(d).is_dir())
            .map(String::from)
            .collect();
        let (warm, _, _) = check(&tree, exercise, &wrong, &target);
        let (again, passed, output) = check(&tree, exercise, &reference, &target);
        assert!(passed, "{name}: the reference fails:\n{output}");
        let first = xtask.wall + cold.wall;
        println!(
            "{name} ({}, load {}):\n  plain cold build {plain}\n  xtask {xtask}; first check {cold}; \
             together {first:.1?} = {:.2}x plain\n  warm with a wrong solution {warm}; warm again {again}\n  \
             compiled again after xtask (other features): {twice:?}; nested build dirs: {nested:?}",
            exercise.lab,
            load(),
            first.as_secs_f64() / plain.wall.as_secs_f64(),
        );
        let _ = std::fs::remove_dir_all(&target);
    }
    drop(guard);
}

/// The load averages (1, 5, 15 minutes): how busy the machine was.
fn load() -> String {
    let mut load = [0f64; 3];
    // SAFETY: getloadavg fills at most 3 doubles of the array we hand it.
    unsafe { libc::getloadavg(load.as_mut_ptr(), 3) };
    format!("{:.1} {:.1} {:.1}", load[0], load[1], load[2])
}

/// A folder removed when dropped (also when the benchmark fails).
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
