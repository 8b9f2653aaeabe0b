//! The course: its tree (full project or student edition) and its exercises.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::manifest::Exercise;

/// Where a student edition marks itself.
pub const EDITION_MARKER: &str = ".course/edition.toml";

pub struct Course {
    pub root: PathBuf,
    /// In course order.
    pub exercises: Vec<Exercise>,
    /// A student edition (the module files are the students' own), not the
    /// full project (where they are the reference solutions).
    pub student_edition: bool,
}

impl Course {
    /// The course tree that holds `cwd`.
    pub fn find(cwd: &Path) -> Result<Course, Error> {
        let root = cwd
            .ancestors()
            .find(|dir| dir.join("Cargo.toml").is_file() && dir.join("labs").is_dir())
            .ok_or_else(|| Error::NotInCourse {
                cwd: cwd.to_path_buf(),
            })?;
        Course::open(root)
    }

    /// The course tree at `root`.
    pub fn open(root: &Path) -> Result<Course, Error> {
        let mut exercises = Vec::new();
        for dir in exercise_dirs(&root.join("labs"))? {
            exercises.push(Exercise::load(root, &dir)?);
        }
        exercises.sort_by(|a, b| (a.order, &a.name).cmp(&(b.order, &b.name)));
        for pair in exercises.windows(2) {
            if pair[0].name == pair[1].name {
                return Err(Error::DuplicateExercise {
                    name: pair[0].name.clone(),
                });
            }
        }
        Ok(Course {
            root: root.to_path_buf(),
            exercises,
            student_edition: root.join(EDITION_MARKER).is_file(),
        })
    }

    /// The exercise called `name`, or a line naming the closest ones.
    pub fn exercise(&self, name: &str) -> Result<&Exercise, Error> {
        if let Some(found) = self.exercises.iter().find(|e| e.name == name) {
            return Ok(found);
        }
        let mut scored: Vec<(f64, &str)> = self
            .exercises
            .iter()
            .map(|e| (strsim::jaro_winkler(name, &e.name), e.name.as_str()))
            .filter(|(score, n)| *score > 0.75 || n.contains(name))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let closest = scored.into_iter().take(3).map(|(_, n)| n.into()).collect();
        Err(Error::UnknownExercise {
            name: name.into(),
            closest,
        })
    }
}

/// Every `labs/<lab>/exercises/<name>/` holding an exercise.toml.
fn exercise_dirs(labs: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut dirs = Vec::new();
    for lab in read_dir_sorted(labs)? {
        let exercises = lab.join("exercises");
        if !exercises.is_dir() {
            continue;
        }
        for dir in read_dir_sorted(&exercises)? {
            if dir.join("exercise.toml").is_file() {
                dirs.push(dir);
            }
        }
    }
    Ok(dirs)
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::List {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    paths.sort();
    Ok(paths)
}
