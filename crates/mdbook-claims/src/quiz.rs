//! `{{#quiz <file>}}`: a chapter's quiz, rendered in the page's language.
//!
//! The file is mdbook-quiz TOML, read relative to the page; an output
//! question's answer comes from a lab's checked transcript
//! (`labs/<lab>/transcripts/<id>.txt`).

use std::path::Path;

use crate::book::Reader;
use crate::lang::Lang;

/// The quiz's HTML, or a message that names the quiz file and line.
pub fn render(
    src: &str,
    page: &str,
    file: &str,
    lang: Lang,
    read: Reader,
) -> Result<String, String> {
    let page_dir = Path::new(page).parent().unwrap_or(Path::new(""));
    let quiz_path = Path::new(src).join(page_dir).join(file);
    let quiz_name = quiz_path.to_string_lossy().into_owned();
    let text = read(&quiz_name).ok_or_else(|| {
        format!(
            "no quiz file {quiz_name}: write it (mdbook-quiz TOML) or fix the {{{{#quiz}}}} marker"
        )
    })?;
    let lookup = |reference: &str, command: &str| transcript_output(reference, command, read);
    let quiz = book_quiz::load_str(&quiz_path, &text, &lookup).map_err(|err| err.to_string())?;
    let lang = match lang {
        Lang::Zh => book_quiz::Lang::Zh,
        Lang::En => book_quiz::Lang::En,
    };
    Ok(book_quiz::render(&quiz, lang))
}

/// What `command` prints in the transcript `<lab>/<id>`.
pub fn transcript_output(reference: &str, command: &str, read: Reader) -> Result<String, String> {
    let (lab, id) = reference
        .split_once('/')
        .ok_or_else(|| format!("transcript `{reference}` is not of the form <lab>/<id>"))?;
    let file = format!("labs/{lab}/transcripts/{id}.txt");
    let text =
        read(&file).ok_or_else(|| format!("no transcript {file} (named as `{reference}`)"))?;
    let steps = transcripts::parse(Path::new(&file), &text).map_err(|err| err.to_string())?;
    steps
        .iter()
        .find(|step| step.command == command)
        .map(|step| step.output.clone())
        .ok_or_else(|| format!("transcript {file} has no command `{command}`"))
}
