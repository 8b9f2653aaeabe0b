//! `exercise watch`, end to end: the course binary watches a scratch copy
//! of the project; saving a wrong solution, then the right one (the way
//! editors save: a new file renamed over the old), makes it check again
//! each time, and its verdict changes from not done to done.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use course::messages::{self, Lang};

/// A cold build of the lab may be part of the first check.
const VERDICT: Duration = Duration::from_secs(900);

/// The watcher and everything it started (its own process group), killed
/// and waited for when dropped; then the scratch tree is removed.
struct Watcher {
    child: Child,
    tree: PathBuf,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let group = self.child.id() as i32;
        // SAFETY: kill(2) on our child's process group has no memory effects.
        unsafe { libc::kill(-group, libc::SIGKILL) };
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.tree);
    }
}

/// The lines the watcher prints, as they come.
fn lines_of(child: &mut Child) -> Receiver<String> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line equal to `wanted`; returns the lines seen before it.
fn wait_for(lines: &Receiver<String>, wanted: &str, within: Duration) -> Vec<String> {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line == wanted => return seen,
            Ok(line) => seen.push(line),
            Err(e) => panic!(
                "no line {wanted:?} within {within:?} ({e}); the watcher printed:\n{}",
                seen.join("\n")
            ),
        }
    }
}

/// Saves `text` as `module` the way many editors do: a new file, renamed over.
fn save_by_rename(module: &Path, text: &[u8]) {
    let new = module.with_extension("rs.saving");
    std::fs::write(&new, text).unwrap();
    std::fs::rename(&new, module).unwrap();
}

#[test]
fn watch_checks_again_on_every_save_and_the_verdict_follows() {
    let full = common::full_course();
    let exercise = full.exercise("pause-shutdown").unwrap();
    assert!(
        exercise.needs.is_empty(),
        "the test wants an exercise anyone can check"
    );
    let course_dir = full.root.join("target").join("course");
    let tree = course_dir.join("watch-test");
    let _ = std::fs::remove_dir_all(&tree);
    course::runner::sync_tree(&full.root, &tree).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_course"))
        .args(["exercise", "watch", "--lang", "en"])
        .current_dir(&tree)
        // A target dir of its own, kept between runs (not the checker's:
        // this tree's paths would stay in the crates that embed them).
        .env("CARGO_TARGET_DIR", course_dir.join("target-watch"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let lines = lines_of(&mut child);
    let watcher = Watcher { child, tree };
    let module = exercise.module_path(&watcher.tree);
    let watching = messages::watching(Lang::En);
    wait_for(&lines, &watching, Duration::from_secs(60));

    let wrong = &exercise.wrong[1];
    assert_eq!(wrong.file, "wrong/exit-1-on-sigterm.rs");
    std::fs::write(
        &module,
        std::fs::read(exercise.dir.join(&wrong.file)).unwrap(),
    )
    .unwrap();
    let seen = wait_for(
        &lines,
        &messages::not_done(Lang::En, &exercise.name),
        VERDICT,
    );
    let sigterm = &exercise.checks[1].behaviour.en;
    assert!(
        seen.contains(&messages::behaviour_wrong(Lang::En, sigterm)),
        "the wrong behaviour is not named:\n{}",
        seen.join("\n")
    );
    wait_for(&lines, &watching, Duration::from_secs(10));

    save_by_rename(
        &module,
        &std::fs::read(exercise.module_path(&full.root)).unwrap(),
    );
    let seen = wait_for(&lines, &messages::done(Lang::En, &exercise.name), VERDICT);
    assert!(
        seen.contains(&messages::behaviour_ok(Lang::En, sigterm)),
        "the behaviour is not shown as right:\n{}",
        seen.join("\n")
    );
    drop(watcher);
}
