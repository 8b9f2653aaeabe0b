//! What must agree between the zh and en quizzes of one chapter.

use crate::model::{Kind, Quiz};

/// The differences between two language versions of one quiz: the same
/// number of questions, each of the same kind, with the same number of
/// choices, the right answers at the same positions, and the same typed or
/// printed answers (short answers and outputs are language-neutral: numbers,
/// names, commands).
pub fn differences(zh: &Quiz, en: &Quiz) -> Vec<String> {
    let mut problems = Vec::new();
    if zh.questions.len() != en.questions.len() {
        problems.push(format!(
            "{} has {} questions, {} has {}",
            zh.file.display(),
            zh.questions.len(),
            en.file.display(),
            en.questions.len()
        ));
        return problems;
    }
    for (n, (a, b)) in zh.questions.iter().zip(&en.questions).enumerate() {
        let place = format!(
            "question {} ({}:{} / {}:{})",
            n + 1,
            zh.file.display(),
            a.line,
            en.file.display(),
            b.line
        );
        if a.kind != b.kind {
            problems.push(format!(
                "{place}: {} in zh, {} in en",
                a.kind.name(),
                b.kind.name()
            ));
            continue;
        }
        match a.kind {
            Kind::Single | Kind::Several => {
                if a.choices.len() != b.choices.len() {
                    problems.push(format!(
                        "{place}: {} choices in zh, {} in en",
                        a.choices.len(),
                        b.choices.len()
                    ));
                } else if a.correct != b.correct {
                    problems.push(format!("{place}: the right answers differ"));
                }
            }
            Kind::Short | Kind::Output => {
                let norm = |list: &[String]| {
                    let mut list: Vec<String> =
                        list.iter().map(|s| s.trim().to_lowercase()).collect();
                    list.sort();
                    list
                };
                if norm(&a.accepted) != norm(&b.accepted) {
                    problems.push(format!("{place}: the accepted answers differ"));
                }
                if a.command != b.command || a.transcript != b.transcript {
                    problems.push(format!("{place}: the command or its transcript differ"));
                }
            }
        }
    }
    problems
}
