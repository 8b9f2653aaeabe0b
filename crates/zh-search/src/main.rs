//! `mdbook-zh-search`: an mdBook renderer listed after `[output.html]`. It
//! reads the render context on stdin, finds the search index the HTML
//! renderer wrote next to its own output directory, and adds the Chinese
//! words of the zh pages to it.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use zh_search::{
    IndexFile, QUERY_SCRIPT, Segmenter, find_index_file, glossary_terms, segment_index,
};

/// The copy of mdBook's own index, in this renderer's output directory.
const UNSEGMENTED: &str = "searchindex.unsegmented.js";

fn run() -> Result<String, String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|err| format!("cannot read the render context on stdin: {err}"))?;
    let context: serde_json::Value = serde_json::from_str(&input)
        .map_err(|err| format!("stdin is not an mdBook render context: {err}"))?;
    let destination = context
        .get("destination")
        .and_then(|d| d.as_str())
        .map(PathBuf::from)
        .ok_or("the render context has no `destination`")?;
    // With two renderers mdBook writes to <build-dir>/<renderer name>.
    let html_dir = destination
        .parent()
        .map(|build| build.join("html"))
        .ok_or("the destination has no parent directory")?;
    let path = find_index_file(&html_dir).map_err(|err| err.to_string())?;
    // Our own output: mdBook's index as it was, so that English search
    // can be compared with mdBook's own (tests/search.rs).
    std::fs::create_dir_all(&destination)
        .and_then(|()| std::fs::copy(&path, destination.join(UNSEGMENTED)))
        .map_err(|err| format!("cannot keep a copy of {}: {err}", path.display()))?;
    let mut file = IndexFile::read(&path).map_err(|err| err.to_string())?;
    // The glossary's terms are words too (the book's src/zh/glossary.md).
    let root = context.get("root").and_then(|r| r.as_str()).unwrap_or(".");
    let src = context
        .pointer("/config/book/src")
        .and_then(|s| s.as_str())
        .unwrap_or("src");
    let glossary = PathBuf::from(root).join(src).join("zh/glossary.md");
    let terms = std::fs::read_to_string(&glossary)
        .map(|page| glossary_terms(&page))
        .unwrap_or_default();
    let segmenter = Segmenter::with_terms(&terms);
    let sections =
        segment_index(&mut file.index, "zh/", &segmenter).map_err(|err| err.to_string())?;
    file.write(QUERY_SCRIPT).map_err(|err| err.to_string())?;
    Ok(format!(
        "segmented {sections} Chinese sections into {}",
        path.display()
    ))
}

fn main() -> ExitCode {
    match run() {
        Ok(message) => {
            eprintln!("zh-search: {message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("zh-search: {message}");
            ExitCode::FAILURE
        }
    }
}
