//! A problem in a question file, with the place to fix it.

use std::path::PathBuf;

/// What is wrong with a quiz, where (file and 1-based line), and so what to
/// edit. The book build prints it and stops.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {problem}", file.display())]
pub struct QuizError {
    pub file: PathBuf,
    pub line: usize,
    pub problem: Problem,
}

/// What is wrong, each saying what to change.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("cannot read the quiz file: {0}; check the path in the {{{{#quiz}}}} marker")]
    Unreadable(#[source] std::io::Error),
    #[error("the quiz has no [[questions]]")]
    NoQuestions,
    /// The TOML, or mdbook-quiz's schema, refuses it.
    #[error("not a valid mdbook-quiz file: {}", .0.message())]
    Schema(Box<toml::de::Error>),
    /// The book's `transcript` extension key is malformed.
    #[error("bad `transcript` key: {}", .0.message())]
    TranscriptKey(Box<toml::de::Error>),
    #[error("multipart questions are not supported by the book's quizzes")]
    Multipart,
    #[error("only a Tracing question can name a `transcript`")]
    TranscriptNotTracing,
    #[error("a multiple-choice question needs a non-empty `answer.answer`")]
    NoAnswer,
    #[error("a multiple-choice question needs at least one `prompt.distractors` entry")]
    NoDistractors,
    #[error("the choice {0:?} appears twice")]
    DuplicateChoice(String),
    #[error("`sortAnswers` would order the zh and en choices differently; leave it out")]
    SortAnswers,
    #[error("`answerIndex` {at} is past the last of {choices} choices")]
    AnswerIndexPastEnd { at: usize, choices: usize },
    #[error("`answerIndex` works only with a single right answer")]
    AnswerIndexSeveral,
    #[error("a short answer (or an alternative) is empty")]
    EmptyShortAnswer,
    #[error("a Tracing question needs `prompt.program` (the command)")]
    NoCommand,
    #[error("`answer.stdout` is taken from the transcript; remove it")]
    StdoutAndTranscript,
    #[error("a Tracing question needs `transcript = \"<lab>/<id>\"` or `answer.stdout`")]
    NoExpectedOutput,
    #[error("`doesCompile = false` has no meaning for a command; set it to true")]
    DoesNotCompile,
    /// The transcript the question names gives no expected output.
    #[error(transparent)]
    Transcript(#[from] TranscriptError),
}

/// Why a [`crate::TranscriptLookup`] finds no expected output for a
/// question's `transcript = "<lab>/<id>"` and command.
#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    #[error("transcript `{reference}` is not of the form <lab>/<id>")]
    BadReference { reference: String },
    /// No transcript file `file`, which `reference` names.
    #[error("no transcript {file} (named as `{reference}`)")]
    Missing { file: String, reference: String },
    /// The transcript file is there but does not parse: its reader's error.
    #[error(transparent)]
    Invalid(Box<dyn std::error::Error + Send + Sync>),
    #[error("transcript {file} has no command `{command}`")]
    NoCommand { file: String, command: String },
}
