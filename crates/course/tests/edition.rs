//! The student edition: no reference solution anywhere in it, every
//! exercise fails there, a reference copied in passes, and nothing is
//! written into a non-empty directory.

mod common;

use std::path::{Path, PathBuf};

use course::course::Course;
use course::manifest::Exercise;
use course::runner::{self, Candidate};

/// A folder removed when dropped (also when the test fails).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The reference's lines that would give the answer away: code (not
/// comments), not in the starter, and found nowhere else in the full tree
/// but in the module and the exercise's own folder (a line shared with
/// other code is an idiom, not the answer).
fn distinctive_lines(
    exercise: &Exercise,
    root: &Path,
    others: &[(PathBuf, String)],
) -> Vec<String> {
    let module = exercise.module_path(root);
    let reference = std::fs::read_to_string(&module).unwrap();
    let starter = std::fs::read_to_string(exercise.starter_path()).unwrap();
    let starter: Vec<&str> = starter.lines().map(str::trim).collect();
    let elsewhere: Vec<&str> = others
        .iter()
        .filter(|(path, _)| *path != module && !path.starts_with(&exercise.dir))
        .map(|(_, text)| text.as_str())
        .collect();
    reference
        .lines()
        .map(str::trim)
        .filter(|l| l.len() >= 16 && !l.starts_with("//") && !l.starts_with('#'))
        .filter(|l| !starter.contains(l))
        .filter(|l| !elsewhere.iter().any(|text| text.contains(l)))
        .map(String::from)
        .collect()
}

/// Every readable text file under `root` (absolute paths), outside build output.
fn texts_under(root: &Path) -> Vec<(PathBuf, String)> {
    runner::files_under(root)
        .unwrap()
        .into_iter()
        .filter_map(|rel| {
            Some((
                root.join(&rel),
                std::fs::read_to_string(root.join(rel)).ok()?,
            ))
        })
        .collect()
}

#[test]
fn a_student_edition_has_no_solution_and_checks_work() {
    let full = common::full_course();
    let out = full.root.join("target").join("course").join("edition-test");
    let _ = std::fs::remove_dir_all(&out);
    let guard = Scratch(out.clone());
    course::edition::write(&full, &out, course::messages::Lang::En).unwrap();
    let edition = Course::open(&out).unwrap();
    assert!(edition.student_edition && !full.student_edition);
    assert_eq!(edition.exercises.len(), full.exercises.len());

    // No reference solution, no wrong solution, no grading test. The hints
    // (exercise.toml) are shipped on purpose: level 3 is meant to come close.
    let files = runner::files_under(&out).unwrap();
    let full_texts = texts_under(&full.root);
    let texts: Vec<(PathBuf, String)> = texts_under(&out)
        .into_iter()
        .filter(|(path, _)| path.file_name().is_none_or(|n| n != "exercise.toml"))
        .collect();
    let mut leaks = Vec::new();
    for exercise in &full.exercises {
        let lines = distinctive_lines(exercise, &full.root, &full_texts);
        assert!(
            !lines.is_empty(),
            "{}: no line of the reference is its own",
            exercise.name
        );
        for line in lines {
            for (path, text) in &texts {
                if text.contains(&line) {
                    let rel = path.strip_prefix(&out).unwrap_or(path);
                    leaks.push(format!(
                        "{}: {} holds {line:?}",
                        exercise.name,
                        rel.display()
                    ));
                }
            }
        }
        let module = std::fs::read(exercise.module_path(&out)).unwrap();
        assert_eq!(
            module,
            std::fs::read(exercise.starter_path()).unwrap(),
            "{}",
            exercise.name
        );
    }
    assert!(
        leaks.is_empty(),
        "the edition gives answers away:\n{}",
        leaks.join("\n")
    );
    assert!(
        !files
            .iter()
            .any(|f| f.components().any(|c| c.as_os_str() == "wrong"))
    );
    assert!(!out.join("crates/course/tests").exists());

    // Pages that show a heart module say it is the starter, in their language.
    for (lang, note) in [("zh", "**学生版：**"), ("en", "**Student edition:**")] {
        let page =
            std::fs::read_to_string(out.join(format!("src/{lang}/pause-in-rust.md"))).unwrap();
        assert!(
            page.contains(note),
            "src/{lang}/pause-in-rust.md has no note"
        );
    }

    // Every exercise fails as handed out; a reference copied in passes.
    // The edition builds in a target dir of its own, kept between runs: in
    // the checker's, the labs' crates would keep this tree's paths, which
    // some embed at compile time (`env!("CARGO_MANIFEST_DIR")`).
    let target = full
        .root
        .join("target")
        .join("course")
        .join("target-edition");
    for exercise in edition.exercises.iter().filter(|e| common::selected(e)) {
        if !common::has_needs(exercise) {
            continue;
        }
        let report =
            runner::run_with_target(&out, exercise, Candidate::InPlace, Some(&target)).unwrap();
        assert!(!report.passed(), "{} passes as handed out", exercise.name);
    }
    let shutdown = edition.exercise("pause-shutdown").unwrap();
    std::fs::copy(
        full.root.join("labs/pause/src/shutdown.rs"),
        shutdown.module_path(&out),
    )
    .unwrap();
    let report =
        runner::run_with_target(&out, shutdown, Candidate::InPlace, Some(&target)).unwrap();
    assert!(
        report.passed(),
        "{}",
        course::check::render(&report, shutdown, course::messages::Lang::En, true)
    );

    // reset: the starter back, the student's file kept.
    assert!(course::cli::reset(&edition, shutdown, course::messages::Lang::En).unwrap());
    let module = shutdown.module_path(&out);
    assert_eq!(
        std::fs::read(&module).unwrap(),
        std::fs::read(shutdown.starter_path()).unwrap()
    );
    let backups = std::fs::read_dir(module.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".bak"))
        .count();
    assert_eq!(backups, 1);
    drop(guard);
}

#[test]
fn reset_refuses_the_full_tree_and_a_deleted_starter_is_named() {
    let full = common::full_course();
    let reaper = full.exercise("pause-reaper").unwrap();
    let err = course::cli::reset(&full, reaper, course::messages::Lang::En).unwrap_err();
    assert!(err.to_string().contains("reference solution"), "{err}");
}

#[test]
fn a_non_empty_directory_is_refused_and_left_alone() {
    let full = common::full_course();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.txt"), "keep").unwrap();
    let err = course::edition::write(&full, dir.path(), course::messages::Lang::En).unwrap_err();
    assert!(err.to_string().contains("is not empty"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1);
    let parent = dir.path().parent().unwrap();
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let partial = std::fs::read_dir(parent)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!(".{name}.partial"))
        });
    assert!(!partial, "a partial edition was left beside it");
}
