//! Reading a question file: mdbook-quiz's schema, then the book's own checks.

use std::path::Path;

use mdbook_quiz_schema as schema;
use serde::Deserialize;

use crate::error::{Problem, QuizError, TranscriptError};
use crate::model::{Kind, Question, Quiz};
use crate::order::permutation;

/// Finds the expected output of `command` in the transcript `reference`
/// (`<lab>/<id>`), or says why it cannot.
pub type TranscriptLookup<'a> = &'a dyn Fn(&str, &str) -> Result<String, TranscriptError>;

/// Reads and checks the quiz at `path`.
pub fn load_file(path: &Path, transcripts: TranscriptLookup) -> Result<Quiz, QuizError> {
    let text = std::fs::read_to_string(path).map_err(|err| QuizError {
        file: path.to_path_buf(),
        line: 0,
        problem: Problem::Unreadable(err),
    })?;
    load_str(path, &text, transcripts)
}

/// The book's extension keys, which mdbook-quiz's schema ignores.
#[derive(Deserialize)]
struct Extensions {
    #[serde(default)]
    questions: Vec<QuestionExtension>,
}

#[derive(Deserialize)]
struct QuestionExtension {
    transcript: Option<String>,
}

/// Checks the quiz text `text`, read from `path`.
pub fn load_str(path: &Path, text: &str, transcripts: TranscriptLookup) -> Result<Quiz, QuizError> {
    let fail = |line: usize, problem: Problem| QuizError {
        file: path.to_path_buf(),
        line,
        problem,
    };
    let headers = question_lines(text);
    if headers.is_empty() {
        return Err(fail(1, Problem::NoQuestions));
    }
    let parsed: schema::Quiz = toml::from_str(text).map_err(|err| {
        let line = err.span().map_or(1, |span| line_of(text, span.start));
        fail(line, Problem::Schema(Box::new(err)))
    })?;
    let extensions: Extensions = toml::from_str(text).map_err(|err| {
        let line = err.span().map_or(1, |span| line_of(text, span.start));
        fail(line, Problem::TranscriptKey(Box::new(err)))
    })?;
    if parsed.multipart.is_some() {
        return Err(fail(1, Problem::Multipart));
    }
    let id = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or_default()
        .to_string();
    let mut questions = Vec::new();
    for (index, question) in parsed.questions.into_iter().enumerate() {
        let line = headers.get(index).copied().unwrap_or(1);
        let transcript = extensions
            .questions
            .get(index)
            .and_then(|ext| ext.transcript.clone());
        let question = convert(&id, index, line, question, transcript, transcripts)
            .map_err(|problem| fail(line, problem))?;
        questions.push(question);
    }
    Ok(Quiz {
        file: path.to_path_buf(),
        id,
        questions,
    })
}

fn convert(
    quiz_id: &str,
    index: usize,
    line: usize,
    question: schema::Question,
    transcript: Option<String>,
    transcripts: TranscriptLookup,
) -> Result<Question, Problem> {
    let blank = |kind, prompt: String, context: Option<schema::Markdown>| Question {
        kind,
        prompt,
        choices: Vec::new(),
        correct: Vec::new(),
        accepted: Vec::new(),
        command: None,
        transcript: None,
        context: context.map(|c| c.0),
        line,
    };
    if transcript.is_some() && !matches!(question, schema::Question::Tracing(_)) {
        return Err(Problem::TranscriptNotTracing);
    }
    match question {
        schema::Question::MultipleChoice(schema::MultipleChoice(fields)) => {
            let (kind, answers) = match fields.answer.answer {
                schema::MultipleChoiceAnswerFormat::Single(answer) => {
                    (Kind::Single, vec![answer.0])
                }
                schema::MultipleChoiceAnswerFormat::Multi(answers) => {
                    (Kind::Several, answers.into_iter().map(|a| a.0).collect())
                }
            };
            let distractors: Vec<String> =
                fields.prompt.distractors.into_iter().map(|d| d.0).collect();
            if answers.is_empty() || answers.iter().any(|a| a.trim().is_empty()) {
                return Err(Problem::NoAnswer);
            }
            if distractors.is_empty() {
                return Err(Problem::NoDistractors);
            }
            let mut all: Vec<String> = answers.iter().chain(&distractors).cloned().collect();
            let mut seen = std::collections::HashSet::new();
            if let Some(dup) = all.iter().find(|choice| !seen.insert(choice.trim())) {
                return Err(Problem::DuplicateChoice(dup.clone()));
            }
            if fields.prompt.sort_answers == Some(true) {
                return Err(Problem::SortAnswers);
            }
            let order = match fields.prompt.answer_index {
                Some(at) if kind == Kind::Single => {
                    if at >= all.len() {
                        return Err(Problem::AnswerIndexPastEnd {
                            at,
                            choices: all.len(),
                        });
                    }
                    let mut order: Vec<usize> = (1..all.len()).collect();
                    order.insert(at, 0);
                    order
                }
                Some(_) => return Err(Problem::AnswerIndexSeveral),
                None => permutation(quiz_id, index, all.len()),
            };
            let shown: Vec<String> = order
                .iter()
                .map(|&from| std::mem::take(&mut all[from]))
                .collect();
            let correct = order
                .iter()
                .enumerate()
                .filter(|(_, from)| **from < answers.len())
                .map(|(at, _)| at)
                .collect();
            Ok(Question {
                choices: shown,
                correct,
                ..blank(kind, fields.prompt.prompt.0, fields.context)
            })
        }
        schema::Question::ShortAnswer(schema::ShortAnswer(fields)) => {
            let mut accepted = vec![fields.answer.answer];
            accepted.extend(fields.answer.alternatives.unwrap_or_default());
            if accepted.iter().any(|a| a.trim().is_empty()) {
                return Err(Problem::EmptyShortAnswer);
            }
            Ok(Question {
                accepted,
                ..blank(Kind::Short, fields.prompt.prompt.0, fields.context)
            })
        }
        schema::Question::Tracing(schema::Tracing(fields)) => {
            let command = fields
                .prompt
                .program
                .trim()
                .trim_start_matches("$ ")
                .to_string();
            if command.is_empty() {
                return Err(Problem::NoCommand);
            }
            let expected = match (&transcript, fields.answer.stdout) {
                (Some(_), Some(_)) => {
                    return Err(Problem::StdoutAndTranscript);
                }
                (Some(reference), None) => transcripts(reference, &command)?,
                (None, Some(stdout)) => stdout,
                (None, None) => {
                    return Err(Problem::NoExpectedOutput);
                }
            };
            if !fields.answer.does_compile {
                return Err(Problem::DoesNotCompile);
            }
            // mdbook-quiz's Tracing prompt is only the program: the page
            // asks "what does it print?" in its own language.
            Ok(Question {
                accepted: vec![expected],
                command: Some(command),
                transcript,
                ..blank(Kind::Output, String::new(), fields.context)
            })
        }
    }
}

/// The 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// The line of each `[[questions]]` header, in order.
fn question_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim() == "[[questions]]")
        .map(|(at, _)| at + 1)
        .collect()
}
