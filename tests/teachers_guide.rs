//! The teacher's guide agrees with the course: the minutes it plans for
//! each exercise are the ones the exercise declares, every exercise is in
//! the day's plan, the 90-minute plan adds up, and the lines it quotes from
//! the checker are the lines the checker prints for that mistake.

use course::course::Course;
use course::messages::{self, Lang};

use book_tests::root;

struct Guide {
    lang: Lang,
    file: &'static str,
    exercise_word: &'static str,
}

const GUIDES: [Guide; 2] = [
    Guide {
        lang: Lang::Zh,
        file: "src/zh/teachers-guide.md",
        exercise_word: "练习 `",
    },
    Guide {
        lang: Lang::En,
        file: "src/en/teachers-guide.md",
        exercise_word: "Exercise `",
    },
];

fn course() -> Course {
    Course::open(root()).unwrap_or_else(|err| panic!("the course does not load: {err}"))
}

fn text(guide: &Guide) -> String {
    std::fs::read_to_string(root().join(guide.file))
        .unwrap_or_else(|err| panic!("{}: {err}", guide.file))
}

/// The rows `| <part> | <minutes> |` of each table under a `###` heading.
fn plans(text: &str) -> Vec<(String, Vec<(String, u32)>)> {
    let mut plans: Vec<(String, Vec<(String, u32)>)> = Vec::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix("### ") {
            plans.push((title.to_string(), Vec::new()));
        } else if let Some(row) = line.strip_prefix('|')
            && let Some((part, rest)) = row.split_once('|')
            && let Ok(minutes) = rest.trim().trim_end_matches('|').trim().parse::<u32>()
            && let Some((_, rows)) = plans.last_mut()
        {
            rows.push((part.trim().to_string(), minutes));
        }
    }
    plans.retain(|(_, rows)| !rows.is_empty());
    plans
}

#[test]
fn planned_minutes_are_the_exercises_own_and_the_session_fits_90_minutes() {
    let course = course();
    let mut problems = Vec::new();
    for guide in &GUIDES {
        let plans = plans(&text(guide));
        if plans.len() != 2 {
            problems.push(format!(
                "{}: {} course plans (a session and a day)",
                guide.file,
                plans.len()
            ));
            continue;
        }
        let session: u32 = plans[0].1.iter().map(|(_, m)| m).sum();
        if session != 90 {
            problems.push(format!(
                "{}: the session plan adds up to {session} minutes",
                guide.file
            ));
        }
        for (title, rows) in &plans {
            for (part, minutes) in rows {
                let Some(name) = part
                    .strip_prefix(guide.exercise_word)
                    .and_then(|rest| rest.split('`').next())
                else {
                    continue;
                };
                match course.exercises.iter().find(|e| e.name == name) {
                    Some(exercise) if exercise.minutes != *minutes => problems.push(format!(
                        "{} ({title}): {name} planned for {minutes} minutes, the exercise says {}",
                        guide.file, exercise.minutes
                    )),
                    Some(_) => {}
                    None => problems.push(format!(
                        "{} ({title}): no exercise is called {name}",
                        guide.file
                    )),
                }
            }
        }
        let day: Vec<&str> = plans[1].1.iter().map(|(part, _)| part.as_str()).collect();
        for exercise in &course.exercises {
            let row = format!("{}{}`", guide.exercise_word, exercise.name);
            if !day.iter().any(|part| part.starts_with(&row)) {
                problems.push(format!(
                    "{}: the day's plan has no {}",
                    guide.file, exercise.name
                ));
            }
        }
    }
    book_tests::assert_none("teacher's guide plans", &problems);
}

/// `<!-- checker: <exercise> <wrong file> -->` followed by a ```text block.
fn quotes(text: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(spec) = line
            .strip_prefix("<!-- checker: ")
            .and_then(|s| s.strip_suffix(" -->"))
        else {
            continue;
        };
        let (name, file) = spec.split_once(' ').unwrap_or((spec, ""));
        assert_eq!(
            lines.next(),
            Some("```text"),
            "a checker quote must follow <!-- checker: {spec} -->"
        );
        let quoted: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        found.push((name.to_string(), file.to_string(), quoted.join("\n")));
    }
    found
}

#[test]
fn quoted_checker_lines_are_what_the_checker_prints_for_that_mistake() {
    let course = course();
    let mut problems = Vec::new();
    let mut quoted_pairs = Vec::new();
    for guide in &GUIDES {
        let quotes = quotes(&text(guide));
        if quotes.len() < 5 {
            problems.push(format!(
                "{}: only {} mistakes quoted",
                guide.file,
                quotes.len()
            ));
        }
        for (name, file, quote) in &quotes {
            let Some(exercise) = course.exercises.iter().find(|e| &e.name == name) else {
                problems.push(format!("{}: no exercise {name}", guide.file));
                continue;
            };
            let Some(wrong) = exercise.wrong.iter().find(|w| &w.file == file) else {
                problems.push(format!(
                    "{}: {name} keeps no wrong solution {file}",
                    guide.file
                ));
                continue;
            };
            let expected: Vec<String> = exercise
                .checks
                .iter()
                .filter(|check| wrong.fails.contains(&check.filter))
                .map(|check| messages::behaviour_wrong(guide.lang, check.behaviour.get(guide.lang)))
                .collect();
            if *quote != expected.join("\n") {
                problems.push(format!(
                    "{} quotes for {name} {file}:\n{quote}\nbut the checker prints:\n{}",
                    guide.file,
                    expected.join("\n")
                ));
            }
        }
        quoted_pairs.push(
            quotes
                .into_iter()
                .map(|(n, f, _)| (n, f))
                .collect::<Vec<_>>(),
        );
    }
    if quoted_pairs[0] != quoted_pairs[1] {
        problems.push("the zh and en guides quote different mistakes".into());
    }
    book_tests::assert_none("teacher's guide quotes", &problems);
}
