//! The checker's speed, measured (a benchmark, not a timed test: it only
//! prints its figures). Goals: a check whose lab is built already under
//! 10 s; the first check of a lab from cold under 90 s.
//!
//! `cargo test -p course --test speed -- --ignored --nocapture`
//!
//! "Cold" is a fresh target dir of its own (nothing of the lab nor of its
//! dependencies built); "warm" swaps a second candidate in, so only the
//! lab's crate recompiles, as when a student saves and checks again.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use course::manifest::Exercise;
use course::runner::{self, Candidate};

/// Wall-clock and CPU time (of the child processes) of one check.
fn timed(
    root: &Path,
    exercise: &Exercise,
    file: &Path,
    target: &Path,
) -> (Duration, Duration, bool) {
    let cpu_before = children_cpu();
    let started = Instant::now();
    // In place on a scratch copy: `root` is a tree of its own here.
    std::fs::copy(file, exercise.module_path(root)).unwrap();
    let report = runner::run_with_target(root, exercise, Candidate::InPlace, Some(target)).unwrap();
    (
        started.elapsed(),
        children_cpu() - cpu_before,
        report.passed(),
    )
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

#[test]
#[ignore = "a benchmark: run it with --ignored --nocapture"]
fn check_speed_cold_and_warm() {
    let full = common::full_course();
    let bench = full.root.join("target").join("course").join("bench");
    let _ = std::fs::remove_dir_all(&bench);
    let tree = bench.join("tree");
    runner::sync_tree(&full.root, &tree).unwrap();
    let target = bench.join("target");
    let mut lines = Vec::new();
    for name in ["pause-shutdown", "pause-reaper"] {
        let exercise = full.exercise(name, course::messages::Lang::En).unwrap();
        let reference = exercise.module_path(&full.root);
        let wrong = exercise.dir.join(&exercise.wrong[0].file);
        let (cold, cold_cpu, passed) = timed(&tree, exercise, &reference, &target);
        assert!(passed, "{name}: the reference fails");
        let (warm, warm_cpu, _) = timed(&tree, exercise, &wrong, &target);
        let (again, again_cpu, passed) = timed(&tree, exercise, &reference, &target);
        assert!(passed, "{name}: the reference fails");
        lines.push(format!(
            "{name}: cold {cold:.1?} (cpu {cold_cpu:.1?}), warm with a wrong solution {warm:.1?} (cpu {warm_cpu:.1?}), warm again {again:.1?} (cpu {again_cpu:.1?})"
        ));
    }
    let mut load = [0f64; 3];
    // SAFETY: getloadavg fills at most 3 doubles of the array we hand it.
    unsafe { libc::getloadavg(load.as_mut_ptr(), 3) };
    println!("load average {:.1} {:.1} {:.1}", load[0], load[1], load[2]);
    for line in &lines {
        println!("{line}");
    }
    let _ = std::fs::remove_dir_all(&bench);
}
