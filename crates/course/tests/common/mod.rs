//! What the course's tests share: the project tree and its prerequisites.
#![allow(dead_code)] // each test file uses a part of it

use std::path::PathBuf;

use course::course::Course;
use course::manifest::Exercise;

/// The project (crates/course's grandparent).
pub fn project_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .nth(2)
        .expect("crates/course has two ancestors")
        .to_path_buf()
}

pub fn full_course() -> Course {
    Course::open(&project_root()).unwrap_or_else(|e| panic!("{e}"))
}

/// Whether this machine has what `exercise` needs: skips (or, under
/// PAUSE_BOOK_STRICT=1, fails) saying why when it does not.
pub fn has_needs(exercise: &Exercise) -> bool {
    exercise.needs.iter().all(|need| {
        let met = match need.as_str() {
            "root" => nix_root(),
            "userns" => testkit::isolation().map(|_| ()),
            "docker" => testkit::docker::engine()
                .map(|_| ())
                .map_err(|e| e.to_string()),
            other => which::which(other)
                .map(|_| ())
                .map_err(|e| format!("{other}: {e}")),
        };
        testkit::require(&format!("{need}, for exercise {}", exercise.name), met).is_some()
    })
}

fn nix_root() -> Result<(), String> {
    // SAFETY: geteuid(2) has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        Ok(())
    } else {
        Err("not root".into())
    }
}

/// `COURSE_ONLY=a,b` limits a run to those exercises (for quick local runs).
pub fn selected(exercise: &Exercise) -> bool {
    std::env::var("COURSE_ONLY")
        .map(|only| only.split(',').any(|n| n.trim() == exercise.name))
        .unwrap_or(true)
}
