//! A problem in a question file, with the place to fix it.

use std::path::PathBuf;

/// What is wrong with a quiz, where (file and 1-based line), and so what to
/// edit. The book build prints it and stops.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct QuizError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}
