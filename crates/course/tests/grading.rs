//! Grading is only as good as the tests: for every exercise of every lab,
//! the reference solution (the lab's own module) passes its checks, the
//! untouched starter fails them, and every kept wrong solution fails the
//! checks it names, with a message that names the wrong behaviour. Each
//! candidate runs in the checker's scratch copy (the tree is not touched).
//!
//! `COURSE_ONLY=pause-reaper,pause-shutdown cargo test -p course --test grading`
//! grades a few exercises only.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use course::check::render;
use course::manifest::Exercise;
use course::messages::{self, Lang};
use course::runner::{self, Candidate, Report};

#[test]
fn every_exercise_grades_both_ways() {
    let course = common::full_course();
    let root = course.root.clone();
    let mut by_lab: BTreeMap<&str, Vec<&Exercise>> = BTreeMap::new();
    for exercise in course.exercises.iter().filter(|e| common::selected(e)) {
        if common::has_needs(exercise) {
            by_lab
                .entry(exercise.lab.as_str())
                .or_default()
                .push(exercise);
        }
    }
    // Labs in parallel (each has its own scratch copy), a lab's exercises
    // one after the other.
    let problems: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = by_lab
            .values()
            .map(|exercises| {
                let root = &root;
                scope.spawn(move || {
                    exercises
                        .iter()
                        .flat_map(|e| grade(root, e))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
    });
    assert!(
        problems.is_empty(),
        "grading problems:\n{}",
        problems.join("\n")
    );
}

/// What is wrong with the grading of `exercise` (nothing: empty).
fn grade(root: &Path, exercise: &Exercise) -> Vec<String> {
    let name = &exercise.name;
    let mut problems = Vec::new();
    let reference = exercise.module_path(root);
    match run(root, exercise, &reference, "reference") {
        Ok(report) if report.passed() => {}
        Ok(report) => problems.push(format!(
            "{name}: the reference {} fails its own checks:\n{}",
            exercise.module_display(),
            render(&report, exercise, Lang::En, true)
        )),
        Err(e) => problems.push(format!("{name}: reference: {e}")),
    }
    match run(root, exercise, &exercise.starter_path(), "starter") {
        Ok(report) if report.build_error.is_some() => problems.push(format!(
            "{name}: the starter does not build (students would see a compiler error, not the behaviours): {}",
            report.build_error.unwrap_or_default()
        )),
        Ok(report) if report.passed() => problems.push(format!("{name}: the untouched starter passes")),
        Ok(_) => {}
        Err(e) => problems.push(format!("{name}: starter: {e}")),
    }
    for wrong in &exercise.wrong {
        let file = exercise.dir.join(&wrong.file);
        let label = format!("wrong {}", wrong.file);
        match run(root, exercise, &file, &label) {
            Ok(report) => {
                problems.extend(judge_wrong(exercise, &wrong.file, &wrong.fails, &report))
            }
            Err(e) => problems.push(format!("{name}: {label}: {e}")),
        }
    }
    problems
}

fn run(
    root: &Path,
    exercise: &Exercise,
    file: &Path,
    label: &str,
) -> Result<Report, course::Error> {
    let started = std::time::Instant::now();
    let report = runner::run(root, exercise, Candidate::File(file))?;
    eprintln!(
        "== {} / {label}: {} in {:.1?}\n{}",
        exercise.name,
        if report.passed() { "passes" } else { "fails" },
        started.elapsed(),
        render(&report, exercise, Lang::En, false)
    );
    Ok(report)
}

/// A wrong solution must build, fail every check it names (or at least one),
/// and the student's message must name a wrong behaviour in both languages.
fn judge_wrong(exercise: &Exercise, file: &str, fails: &[String], report: &Report) -> Vec<String> {
    let name = &exercise.name;
    if let Some(error) = &report.build_error {
        return vec![format!("{name}: wrong {file} does not build: {error}")];
    }
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| !c.passed())
        .map(|c| exercise.checks[c.index].filter.as_str())
        .collect();
    let mut problems = Vec::new();
    if failed.is_empty() {
        problems.push(format!(
            "{name}: wrong {file} PASSES every check: strengthen the lab's tests"
        ));
    }
    for expected in fails {
        if !failed.contains(&expected.as_str()) {
            problems.push(format!(
                "{name}: wrong {file} passes check {expected:?}, which it should fail"
            ));
        }
    }
    for lang in [Lang::Zh, Lang::En] {
        let shown = render(report, exercise, lang, false);
        let named = report.checks.iter().filter(|c| !c.passed()).any(|c| {
            let behaviour = exercise.checks[c.index].behaviour.get(lang);
            shown.contains(&messages::behaviour_wrong(lang, behaviour))
        });
        if !failed.is_empty() && !named {
            problems.push(format!(
                "{name}: wrong {file}: the {lang:?} message names no wrong behaviour:\n{shown}"
            ));
        }
    }
    problems
}
