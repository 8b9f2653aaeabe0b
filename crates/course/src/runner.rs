//! Running an exercise's checks: in place (the student's tree), or with a
//! candidate file swapped in, in a scratch copy of the workspace at one
//! fixed path per lab (`target/course/work-<lab>`) so that only the lab's
//! crate recompiles between candidates and the real tree is never touched.
//!
//! The copies share one target dir (`target/course/target`). That is sound
//! because a lab's crates are built there from its own copy only, and every
//! other crate is the same in every copy; no other tree (an edition, say)
//! may build there: crates that embed their path at compile time
//! (`env!("CARGO_MANIFEST_DIR")`) would keep that tree's.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::Error;
use crate::manifest::Exercise;
use crate::outcome::{self, TestResult};

/// What to check.
#[derive(Debug, Clone, Copy)]
pub enum Candidate<'a> {
    /// The module file as it is in the tree.
    InPlace,
    /// This file, in place of the module, in a scratch copy.
    File(&'a Path),
}

/// One check's outcome.
#[derive(Debug)]
pub struct CheckOutcome {
    pub index: usize,
    /// The tests its filter selected (empty: the filter matched nothing).
    pub tests: Vec<TestResult>,
}

impl CheckOutcome {
    pub fn passed(&self) -> bool {
        !self.tests.is_empty() && self.tests.iter().all(|t| t.passed)
    }
}

/// Everything a check run found.
#[derive(Debug)]
pub struct Report {
    /// The compiler's first error, when the code did not build.
    pub build_error: Option<String>,
    pub checks: Vec<CheckOutcome>,
    /// cargo's and libtest's whole output, for `--verbose`.
    pub full_output: String,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.build_error.is_none() && self.checks.iter().all(CheckOutcome::passed)
    }
}

/// Runs the exercise's checks on `candidate`; `root` is the course tree.
pub fn run(root: &Path, exercise: &Exercise, candidate: Candidate) -> Result<Report, Error> {
    run_with_target(root, exercise, candidate, None)
}

/// As [`run`]; an in-place run builds in `target` when given (tests of an
/// edition share one target dir across editions).
pub fn run_with_target(
    root: &Path,
    exercise: &Exercise,
    candidate: Candidate,
    target: Option<&Path>,
) -> Result<Report, Error> {
    match candidate {
        Candidate::InPlace => run_checks(root, exercise, target),
        Candidate::File(file) => {
            let source = std::fs::read(file).map_err(Error::io(file))?;
            let course = root.join("target").join("course");
            std::fs::create_dir_all(&course).map_err(Error::io(&course))?;
            let work = course.join(format!("work-{}", exercise.lab));
            // One candidate at a time per lab: a lock beside the copy.
            let lock_path = course.join(format!("work-{}.lock", exercise.lab));
            let lock = std::fs::File::create(&lock_path).map_err(Error::io(&lock_path))?;
            lock.lock().map_err(|source| Error::Lock {
                path: lock_path.clone(),
                source,
            })?;
            sync_tree(root, &work)?;
            let module = exercise.module_path(&work);
            write_if_changed(&module, &source)?;
            // The copies of all labs (and editions) share one target dir, in
            // which cargo tells a file changed by its mtime only: the lab's
            // crate may have been built last from another copy, with another
            // module, after this copy's file was written. Make it newer.
            touch(&module)?;
            run_checks(&work, exercise, Some(&course.join("target")))
        }
    }
}

fn run_checks(tree: &Path, exercise: &Exercise, target: Option<&Path>) -> Result<Report, Error> {
    let mut report = Report {
        build_error: None,
        checks: Vec::new(),
        full_output: String::new(),
    };
    let targets: BTreeSet<&str> = exercise.checks.iter().map(|c| c.test.as_str()).collect();
    for test in targets {
        let chosen: Vec<(usize, &str)> = exercise
            .checks
            .iter()
            .enumerate()
            .filter(|(_, c)| c.test == test)
            .map(|(i, c)| (i, c.filter.as_str()))
            .collect();
        let mut cargo = cargo_test(tree, &exercise.package, test, target);
        cargo.arg("--").args(chosen.iter().map(|(_, f)| *f));
        let run = crate::leftovers::run(&mut cargo)?;
        for line in &run.leftovers {
            report
                .full_output
                .push_str(&format!("the tests left this running (ended): {line}\n"));
        }
        let out = run.output;
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        report.full_output.push_str(&stderr);
        report.full_output.push_str(&stdout);
        if let Some(error) = outcome::first_build_error(&stderr) {
            report.build_error = Some(error);
            return Ok(report);
        }
        let results = outcome::test_results(&stdout);
        if results.is_empty() && !out.status.success() {
            return Err(Error::CargoFailed {
                stderr: stderr.trim().to_string(),
            });
        }
        for (index, filter) in chosen {
            let tests = results
                .iter()
                .filter(|t| t.name.contains(filter))
                .cloned()
                .collect();
            report.checks.push(CheckOutcome { index, tests });
        }
    }
    report.checks.sort_by_key(|c| c.index);
    Ok(report)
}

/// `cargo test -p <package> --test <test>`, strict, with no binary overrides.
fn cargo_test(tree: &Path, package: &str, test: &str, target: Option<&Path>) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(tree)
        .args(["test", "--color", "never", "-p", package, "--test", test])
        // A test that would skip for want of something fails instead.
        .env("PAUSE_BOOK_STRICT", "1")
        // The tests' nested builds (testkit) build this tree, not the one
        // testkit was compiled in.
        .env(
            ROOT_VAR,
            std::path::absolute(tree).unwrap_or_else(|_| tree.to_path_buf()),
        )
        .env("RUST_BACKTRACE", "0");
    // PAUSE_BIN and the like would test another binary than the candidate.
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(|k| k.ends_with("_BIN")) {
            cmd.env_remove(key);
        }
    }
    if let Some(dir) = target {
        cmd.env("CARGO_TARGET_DIR", dir);
    }
    cmd
}

/// The variable that tells the lab's tests which tree they run in
/// (`testkit::bins::ROOT_VAR`).
pub const ROOT_VAR: &str = "PAUSE_BOOK_ROOT";

/// Sets `path`'s modification time to now.
fn touch(path: &Path) -> Result<(), Error> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .map_err(Error::io(path))
}

/// Folders never copied: build output, history, the student's progress.
pub const SKIPPED_DIRS: [&str; 4] = ["target", ".git", ".course", "book"];

/// Makes `dest` hold the same files as `src`, rewriting only files whose
/// contents differ (so cargo sees unchanged files as unchanged).
pub fn sync_tree(src: &Path, dest: &Path) -> Result<(), Error> {
    let mut wanted = BTreeSet::new();
    for rel in files_under(src)? {
        let bytes = std::fs::read(src.join(&rel)).map_err(Error::io(&rel))?;
        write_if_changed(&dest.join(&rel), &bytes)?;
        wanted.insert(rel);
    }
    if dest.is_dir() {
        for rel in files_under(dest)? {
            if !wanted.contains(&rel) {
                let _ = std::fs::remove_file(dest.join(rel));
            }
        }
    }
    Ok(())
}

/// Every file below `root` (relative paths), outside [`SKIPPED_DIRS`].
pub fn files_under(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    let mut todo = vec![PathBuf::new()];
    while let Some(rel) = todo.pop() {
        let dir = root.join(&rel);
        let entries = std::fs::read_dir(&dir).map_err(Error::io(&dir))?;
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let path = rel.join(&name);
            let kind = entry.file_type().map_err(Error::io(&path))?;
            if kind.is_dir() {
                if !SKIPPED_DIRS.iter().any(|s| name == *s) {
                    todo.push(path);
                }
            } else if kind.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Writes `bytes` to `path` unless it already holds them.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    }
    std::fs::write(path, bytes).map_err(Error::io(path))
}
