//! The preprocessor protocol of mdBook: `mermaid-fence supports <renderer>`
//! answers by its exit code; `mermaid-fence` reads `[context, book]` as JSON
//! on stdin and writes the book back on stdout.

use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [supports, renderer] = args.as_slice()
        && supports == "supports"
    {
        // Only HTML draws diagrams; other renderers keep the fences.
        return if renderer == "html" {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("mermaid-fence: {why}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read mdBook's input on stdin: {e}"))?;
    let parsed: serde_json::Value = serde_json::from_str(&input).map_err(|e| {
        format!("stdin is not mdBook's preprocessor input (JSON [context, book]): {e}")
    })?;
    let Some(mut book) = parsed.get(1).cloned() else {
        return Err("mdBook's input has no book (expected a JSON array [context, book])".into());
    };
    mermaid_fence::rewrite_book(&mut book);
    serde_json::to_writer(std::io::stdout(), &book)
        .map_err(|e| format!("cannot write the book to stdout: {e}"))
}
