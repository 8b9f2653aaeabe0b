//! Each chapter with exercises ends with them, in both languages: a
//! `## 练习` / `## Exercises` section naming exactly that chapter's
//! exercises, each with its title and minutes on one line (a table row or
//! a heading) and the command that checks it.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use course::manifest::Exercise;
use course::messages::Lang;

/// The lines of the section under `heading`, up to the next `## `.
fn section<'a>(page: &'a str, heading: &str) -> Result<Vec<&'a str>, String> {
    let start = page
        .lines()
        .position(|l| l.trim() == heading)
        .ok_or_else(|| format!("no {heading:?} section"))?;
    Ok(page
        .lines()
        .skip(start + 1)
        .take_while(|l| !l.starts_with("## "))
        .collect())
}

/// The exercise names in the section's `cargo xtask exercise check <name>`.
fn checked_names(lines: &[&str]) -> BTreeSet<String> {
    const COMMAND: &str = "cargo xtask exercise check ";
    lines
        .iter()
        .flat_map(|line| {
            line.match_indices(COMMAND)
                .map(move |(at, _)| &line[at + COMMAND.len()..])
        })
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect()
        })
        .collect()
}

/// What is wrong with how the section shows `exercise` (None: nothing).
fn entry_problem(lines: &[&str], exercise: &Exercise, lang: Lang) -> Option<String> {
    let title = exercise.title.get(lang);
    let Some(line) = lines.iter().find(|l| l.contains(title)) else {
        return Some(format!(
            "{}: its title {title:?} is not shown",
            exercise.name
        ));
    };
    let numbers: Vec<&str> = line.split(|c: char| !c.is_ascii_digit()).collect();
    let minutes = exercise.minutes.to_string();
    (!numbers.contains(&minutes.as_str())).then(|| {
        format!(
            "{}: the line with its title does not give {minutes} minutes: {line:?}",
            exercise.name
        )
    })
}

#[test]
fn every_chapter_lists_exactly_its_exercises() {
    let course = common::full_course();
    let mut by_chapter: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for e in &course.exercises {
        by_chapter.entry(e.chapter.as_str()).or_default().push(e);
    }
    let mut problems = Vec::new();
    for (chapter, exercises) in by_chapter {
        for (dir, lang, heading) in [
            ("zh", Lang::Zh, "## 练习"),
            ("en", Lang::En, "## Exercises"),
        ] {
            let path = course
                .root
                .join("src")
                .join(dir)
                .join(format!("{chapter}.md"));
            let page = std::fs::read_to_string(&path).unwrap();
            let lines = match section(&page, heading) {
                Ok(lines) => lines,
                Err(e) => {
                    problems.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            let expected: BTreeSet<String> = exercises.iter().map(|e| e.name.clone()).collect();
            let shown = checked_names(&lines);
            if shown != expected {
                problems.push(format!(
                    "{}: the section checks {shown:?}, the chapter's exercises are {expected:?}",
                    path.display()
                ));
            }
            for exercise in exercises.iter().copied() {
                if let Some(problem) = entry_problem(&lines, exercise, lang) {
                    problems.push(format!("{}: {problem}", path.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_section_is_read_as_names_titles_and_minutes() {
    let page = "## Exercises\n\n| Exercise | Minutes | You write | Check it with |\n|---|---|---|---|\n| The reaper | 20 | `reap` | `cargo xtask exercise check pause-reaper` |\n\n## Next\n`cargo xtask exercise check other`\n";
    let lines = section(page, "## Exercises").unwrap();
    assert_eq!(
        checked_names(&lines),
        BTreeSet::from(["pause-reaper".to_string()])
    );
    assert!(section(page, "## 练习").is_err());
    let course = common::full_course();
    let mut reaper = course.exercise("pause-reaper").unwrap().clone();
    reaper.title.en = "The reaper".into();
    assert_eq!(entry_problem(&lines, &reaper, Lang::En), None);
    reaper.minutes = 25;
    assert!(entry_problem(&lines, &reaper, Lang::En).is_some());
    reaper.title.en = "Another".into();
    assert!(entry_problem(&lines, &reaper, Lang::En).is_some());
}
