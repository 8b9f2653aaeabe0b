//! `mdbook-claims`: the pause book's mdBook preprocessor (see the library).
//!
//! mdBook calls it as `mdbook-claims supports <renderer>` (exit 0: yes), then
//! with `[context, book]` as JSON on stdin, expecting the book on stdout.

use mdbook_claims::book::{Settings, process};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("supports") {
        // Badges and the switch are HTML; other renderers get the raw pages.
        return if args.get(1).map(String::as_str) == Some("html") {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            for error in &errors {
                eprintln!("mdbook-claims: error: {error}");
            }
            eprintln!(
                "mdbook-claims: {} problem(s); the book was not built",
                errors.len()
            );
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Vec<String>> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|err| vec![format!("cannot read mdBook's input on stdin: {err}")])?;
    let (context, book): (serde_json::Value, serde_json::Value) = serde_json::from_str(&input)
        .map_err(|err| {
            vec![format!(
                "mdBook's input is not `[context, book]` JSON ({err}); is this mdBook 0.5?"
            )]
        })?;
    let root = PathBuf::from(context["root"].as_str().unwrap_or("."));
    let mut settings = Settings::from_context(&context);
    settings.runnable =
        mdbook_claims::run_button::load(&root).map_err(|err| vec![err.to_string()])?;
    let read = |path: &str| std::fs::read_to_string(root.join(path)).ok();
    let book = process(&settings, book, &read)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    serde_json::to_writer(std::io::stdout().lock(), &book)
        .map_err(|err| vec![format!("cannot write the book to stdout: {err}")])
}
