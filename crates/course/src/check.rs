//! `check`: say what the exercise needs, run its checks, tell the student
//! which behaviour is wrong, and keep the progress.

use std::path::Path;

use crate::course::Course;
use crate::error::Error;
use crate::manifest::Exercise;
use crate::messages::{self, Lang};
use crate::progress::Progress;
use crate::runner::{self, Candidate, Report};

/// Checks `exercise` (its module in place, or `with`), prints the verdict
/// and returns whether it is done. An error is one line for the student
/// ([`Error::message`]).
pub fn check(
    course: &Course,
    exercise: &Exercise,
    with: Option<&Path>,
    lang: Lang,
    verbose: bool,
) -> Result<bool, Error> {
    let root = &course.root;
    let (file, candidate) = match with {
        Some(path) => {
            if !path.is_file() {
                return Err(Error::CandidateMissing {
                    path: path.to_path_buf(),
                });
            }
            (path.display().to_string(), Candidate::File(path))
        }
        None => {
            if !exercise.module_path(root).is_file() {
                return Err(Error::ModuleMissing {
                    module: exercise.module_display(),
                    name: exercise.name.clone(),
                });
            }
            (exercise.module_display(), Candidate::InPlace)
        }
    };
    check_needs(exercise, lang)?;
    println!("{}", messages::checking(lang, &exercise.name, &file));
    let report = runner::run(root, exercise, candidate).map_err(|e| Error::Cargo(Box::new(e)))?;
    print!("{}", render(&report, exercise, lang, verbose));
    let done = report.passed();
    if with.is_none() {
        let mut progress = Progress::load(root);
        progress.record(exercise, root, done);
        // Progress is a convenience: a read-only tree still gets its verdict.
        if let Err(e) = progress.save(root) {
            eprintln!("{}", e.message(lang));
        }
    }
    Ok(done)
}

/// Says what the exercise needs before anything is built; refuses early
/// when it needs root and we are not.
fn check_needs(exercise: &Exercise, lang: Lang) -> Result<(), Error> {
    if exercise.needs.is_empty() {
        return Ok(());
    }
    let needs: Vec<String> = exercise
        .needs
        .iter()
        .map(|n| messages::need(lang, n))
        .collect();
    println!(
        "{}",
        messages::needs_notice(lang, &needs.join(lang.pick("；", "; ")))
    );
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if exercise.needs.iter().any(|n| n == "root") && !root {
        return Err(Error::NeedsRoot {
            name: exercise.name.clone(),
        });
    }
    Ok(())
}

/// What the student reads: each behaviour, right or wrong, and for a wrong
/// one what the test saw and expected.
pub fn render(report: &Report, exercise: &Exercise, lang: Lang, verbose: bool) -> String {
    let mut out = String::new();
    if verbose {
        out.push_str(&report.full_output);
        out.push('\n');
    }
    if let Some(error) = &report.build_error {
        out.push_str(&messages::build_failed(lang, error));
        out.push('\n');
    } else {
        for outcome in &report.checks {
            let check = &exercise.checks[outcome.index];
            let behaviour = check.behaviour.get(lang);
            if outcome.tests.is_empty() {
                out.push_str(&messages::filter_matched_nothing(
                    lang,
                    &check.filter,
                    &check.test,
                ));
            } else if outcome.passed() {
                out.push_str(&messages::behaviour_ok(lang, behaviour));
            } else {
                out.push_str(&messages::behaviour_wrong(lang, behaviour));
                for test in outcome.tests.iter().filter(|t| !t.passed) {
                    out.push('\n');
                    out.push_str(&messages::failed_test(lang, &test.name));
                    for line in test.message.lines() {
                        out.push_str("\n      ");
                        out.push_str(&relabel(line, lang));
                    }
                }
            }
            out.push('\n');
        }
    }
    let verdict = if report.passed() {
        messages::done(lang, &exercise.name)
    } else {
        messages::not_done(lang, &exercise.name)
    };
    out.push_str(&verdict);
    out.push('\n');
    out
}

/// The lab tests write `assert_eq!(seen, expected)`: say so.
fn relabel(line: &str, lang: Lang) -> String {
    if let Some(rest) = line.strip_prefix("  left: ") {
        format!("{}: {rest}", messages::seen(lang))
    } else if let Some(rest) = line.strip_prefix(" right: ") {
        format!("{}: {rest}", messages::expected(lang))
    } else {
        line.to_string()
    }
}
