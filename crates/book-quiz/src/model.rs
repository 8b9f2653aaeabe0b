//! The questions of a quiz, as the page shows them.

use std::path::PathBuf;

/// The kinds of question the book asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Multiple choice with one right answer (radio buttons).
    Single,
    /// Multiple choice with several right answers (check boxes).
    Several,
    /// A typed answer, with accepted alternatives.
    Short,
    /// "What does this print": a command and its exact output.
    Output,
}

impl Kind {
    /// The name used in the page (`data-kind`) and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Several => "several",
            Kind::Short => "short",
            Kind::Output => "output",
        }
    }
}

/// One question, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub kind: Kind,
    /// Markdown.
    pub prompt: String,
    /// Multiple choice: every choice (Markdown) in the order shown.
    pub choices: Vec<String>,
    /// Multiple choice: the positions of the right choices in `choices`.
    pub correct: Vec<usize>,
    /// Short answer: the accepted answers; output: the one expected output.
    pub accepted: Vec<String>,
    /// Output questions: the command shown.
    pub command: Option<String>,
    /// Output questions: the transcript the answer comes from.
    pub transcript: Option<String>,
    /// Markdown shown once answered: why the answer is right.
    pub context: Option<String>,
    /// The line of the question's `[[questions]]` header.
    pub line: usize,
}

/// A quiz file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiz {
    pub file: PathBuf,
    /// The file's stem: it names the quiz in the page and in the reader's
    /// saved answers, and is the same for a chapter's two languages.
    pub id: String,
    pub questions: Vec<Question>,
}
