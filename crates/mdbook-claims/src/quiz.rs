//! `{{#quiz <file>}}`: a chapter's quiz, rendered in the page's language.
//!
//! The file is mdbook-quiz TOML, read relative to the page; an output
//! question's answer comes from a lab's checked transcript
//! (`labs/<lab>/transcripts/<id>.txt`).

use std::path::Path;

use book_quiz::TranscriptError;

use crate::book::Reader;
use crate::lang::Lang;

/// Why a page's quiz cannot be shown; the build stops on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no quiz file {file}: write it (mdbook-quiz TOML) or fix the {{{{#quiz}}}} marker")]
    NoFile { file: String },
    /// The file is there; what is wrong in it, with its line.
    #[error(transparent)]
    Quiz(#[from] book_quiz::QuizError),
}

/// The quiz's HTML, or why not (naming the quiz file and line).
pub fn render(
    src: &str,
    page: &str,
    file: &str,
    lang: Lang,
    read: Reader,
) -> Result<String, Error> {
    let page_dir = Path::new(page).parent().unwrap_or(Path::new(""));
    let quiz_path = Path::new(src).join(page_dir).join(file);
    let quiz_name = quiz_path.to_string_lossy().into_owned();
    let Some(text) = read(&quiz_name) else {
        return Err(Error::NoFile { file: quiz_name });
    };
    let lookup = |reference: &str, command: &str| transcript_output(reference, command, read);
    let quiz = book_quiz::load_str(&quiz_path, &text, &lookup)?;
    let lang = match lang {
        Lang::Zh => book_quiz::Lang::Zh,
        Lang::En => book_quiz::Lang::En,
    };
    Ok(book_quiz::render(&quiz, lang))
}

/// What `command` prints in the transcript `<lab>/<id>`.
pub fn transcript_output(
    reference: &str,
    command: &str,
    read: Reader,
) -> Result<String, TranscriptError> {
    let Some((lab, id)) = reference.split_once('/') else {
        return Err(TranscriptError::BadReference {
            reference: reference.into(),
        });
    };
    let file = format!("labs/{lab}/transcripts/{id}.txt");
    let Some(text) = read(&file) else {
        return Err(TranscriptError::Missing {
            file,
            reference: reference.into(),
        });
    };
    let steps = transcripts::parse(Path::new(&file), &text)
        .map_err(|err| TranscriptError::Invalid(Box::new(err)))?;
    match steps.iter().find(|step| step.command == command) {
        Some(step) => Ok(step.output.clone()),
        None => Err(TranscriptError::NoCommand {
            file,
            command: command.into(),
        }),
    }
}
