//! `student-edition <dir>`: a copy of the project for a class, with every
//! exercise in its starter form and no reference solution anywhere.

use std::path::{Path, PathBuf};

use crate::course::{Course, EDITION_MARKER};
use crate::error::Error;
use crate::messages::{self, Lang};
use crate::runner;

/// Instructors' material, never shipped: the grading tests of the course
/// (they need the reference solutions).
const INSTRUCTOR_ONLY: [&str; 1] = ["crates/course/tests"];

/// Writes the edition to `dest` (new or empty), through a temporary folder
/// beside it renamed at the end: on failure nothing is left half-written.
pub fn write(course: &Course, dest: &Path, lang: Lang) -> Result<(), Error> {
    if dest.exists() {
        let mut entries = std::fs::read_dir(dest).map_err(Error::io(dest))?;
        if entries.next().is_some() {
            return Err(Error::EditionNotEmpty {
                dir: dest.to_path_buf(),
            });
        }
    }
    let dest = std::path::absolute(dest).map_err(Error::io(dest))?;
    let (Some(parent), Some(name)) = (dest.parent(), dest.file_name()) else {
        return Err(Error::NotAFolder { path: dest });
    };
    std::fs::create_dir_all(parent).map_err(Error::io(parent))?;
    let partial = Partial(parent.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    )));
    let _ = std::fs::remove_dir_all(&partial.0);
    fill(course, &partial.0)?;
    if dest.exists() {
        std::fs::remove_dir(&dest).map_err(Error::io(&dest))?;
    }
    std::fs::rename(&partial.0, &dest).map_err(Error::io(&dest))?;
    std::mem::forget(partial);
    println!(
        "{}",
        messages::edition_written(lang, &dest, course.exercises.len())
    );
    Ok(())
}

/// Removes the half-written edition unless it was renamed into place.
struct Partial(PathBuf);

impl Drop for Partial {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fill(course: &Course, out: &Path) -> Result<(), Error> {
    let root = &course.root;
    let left_out = left_out(course);
    for rel in runner::files_under(root)? {
        if left_out.iter().any(|skip| rel.starts_with(skip)) {
            continue;
        }
        let to = out.join(&rel);
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        std::fs::copy(root.join(&rel), &to).map_err(Error::io(&rel))?;
    }
    for exercise in &course.exercises {
        let starter = exercise.starter_path();
        let text = std::fs::read(&starter).map_err(Error::io(&starter))?;
        let module = exercise.module_path(out);
        std::fs::write(&module, text).map_err(Error::io(&module))?;
    }
    annotate_pages(course, out)?;
    let marker = out.join(EDITION_MARKER);
    let marker_dir = marker.parent().unwrap_or(out);
    std::fs::create_dir_all(marker_dir).map_err(Error::io(marker_dir))?;
    std::fs::write(
        &marker,
        "# A student edition: the exercises' files are the students' own.\nedition = \"student\"\n",
    )
    .map_err(Error::io(&marker))
}

/// Project-relative paths not copied: wrong solutions, files that reveal an
/// answer, instructors' tests.
fn left_out(course: &Course) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = INSTRUCTOR_ONLY.iter().map(PathBuf::from).collect();
    for exercise in &course.exercises {
        let dir = exercise
            .dir
            .strip_prefix(&course.root)
            .unwrap_or(&exercise.dir);
        for wrong in &exercise.wrong {
            paths.push(dir.join(&wrong.file));
        }
        paths.push(dir.join("wrong"));
        let lab = PathBuf::from("labs").join(&exercise.lab);
        paths.extend(exercise.edition_remove.iter().map(|f| lab.join(f)));
    }
    paths
}

/// Above each listing that includes an exercise's module, a note (in the
/// page's language) that it shows the starter.
fn annotate_pages(course: &Course, out: &Path) -> Result<(), Error> {
    for (lang_dir, lang) in [("zh", Lang::Zh), ("en", Lang::En)] {
        let dir = out.join("src").join(lang_dir);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for page in entries.filter_map(Result::ok).map(|e| e.path()) {
            if page.extension().is_none_or(|x| x != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&page).map_err(Error::io(&page))?;
            let annotated = annotate(&text, course, lang);
            if annotated != text {
                std::fs::write(&page, annotated).map_err(Error::io(&page))?;
            }
        }
    }
    Ok(())
}

/// `text` with the note before the fence of every listing including a module.
pub fn annotate(text: &str, course: &Course, lang: Lang) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut notes = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(exercise) = course
            .exercises
            .iter()
            .find(|e| includes(line, &e.module_display()))
        else {
            continue;
        };
        let fence = (0..i)
            .rev()
            .find(|&j| lines[j].trim_start().starts_with("```"));
        if let Some(fence) = fence
            && !notes.iter().any(|(f, _)| *f == fence)
        {
            notes.push((fence, messages::edition_page_note(lang, &exercise.name)));
        }
    }
    for (fence, note) in notes.into_iter().rev() {
        lines.insert(fence, String::new());
        lines.insert(fence, note);
    }
    let mut joined = lines.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// Whether `line` is an `{{#include .../<module>[:anchor]}}` of `module`.
fn includes(line: &str, module: &str) -> bool {
    let Some(start) = line.find("{{#include ") else {
        return false;
    };
    let arg = line[start + "{{#include ".len()..]
        .split("}}")
        .next()
        .unwrap_or("");
    let path = arg.split(':').next().unwrap_or("").trim();
    path.ends_with(module) && path.trim_end_matches(module).ends_with('/')
}
