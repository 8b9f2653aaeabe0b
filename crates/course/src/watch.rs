//! `watch`: check an exercise again each time its file is saved.

use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::course::Course;
use crate::error::Error;
use crate::messages::{self, Lang};

/// Watches every exercise's module; on a save, checks that exercise. Runs
/// until interrupted.
pub fn watch(course: &Course, lang: Lang) -> Result<bool, Error> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(Error::Watch)?;
    // Watch the folders (editors often save by writing a new file and
    // renaming it over the old one, which a watch on the file would lose).
    let mut dirs: Vec<_> = course
        .exercises
        .iter()
        .filter_map(|e| {
            e.module_path(&course.root)
                .parent()
                .map(|p| p.to_path_buf())
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        watcher
            .watch(dir, RecursiveMode::NonRecursive)
            .map_err(|source| Error::WatchDir {
                dir: dir.clone(),
                source,
            })?;
    }
    println!("{}", messages::watching(lang));
    loop {
        let Ok(first) = rx.recv() else {
            return Ok(false);
        };
        // Collect the burst of events one save makes before checking.
        let mut events = vec![first];
        while let Ok(event) = rx.recv_timeout(Duration::from_millis(300)) {
            events.push(event);
        }
        let changed: Vec<_> = events
            .into_iter()
            .filter_map(Result::ok)
            .flat_map(|event| event.paths)
            .collect();
        for exercise in &course.exercises {
            let module = exercise.module_path(&course.root);
            if changed.contains(&module) {
                if let Err(e) = crate::check::check(course, exercise, None, lang, false) {
                    eprintln!("{}", e.message(lang));
                }
                println!("{}", messages::watching(lang));
            }
        }
    }
}
