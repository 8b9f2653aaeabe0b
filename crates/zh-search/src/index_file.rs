//! mdBook 0.5's search index file: `searchindex-<hash>.js` in the HTML
//! output, a JSON object inside a JavaScript string quoted with `'`. We
//! write it back with a prelude: the script that segments queries. It must
//! run before the index is loaded, and the index file is the one script
//! that is sure to run just then (mdBook loads it on demand, at any point of
//! the page's loading).

use crate::Error;
use serde_json::Value;
use std::path::{Path, PathBuf};

const HEAD: &str = "window.search = Object.assign(window.search, JSON.parse('";
const TAIL: &str = "'));";

/// The search index mdBook's HTML renderer wrote under `html_dir`.
pub fn find_index_file(html_dir: &Path) -> Result<PathBuf, Error> {
    let io = |source| Error::Io {
        path: html_dir.display().to_string(),
        source,
    };
    let mut found: Vec<PathBuf> = std::fs::read_dir(html_dir)
        .map_err(io)?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("searchindex") && name.ends_with(".js"))
        })
        .collect();
    found.sort();
    found
        .pop()
        .ok_or_else(|| Error::NoIndex(html_dir.display().to_string()))
}

/// The index, read from and written back to its file.
pub struct IndexFile {
    pub path: PathBuf,
    pub index: Value,
}

/// theme/zh-search.js: the query side, written ahead of the index.
pub const QUERY_SCRIPT: &str = include_str!("../../../theme/zh-search.js");

impl IndexFile {
    pub fn read(path: &Path) -> Result<IndexFile, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let index = parse(&text).ok_or_else(|| Error::NotAnIndex(path.display().to_string()))??;
        Ok(IndexFile {
            path: path.to_path_buf(),
            index,
        })
    }

    /// Writes the index back, preceded by `prelude` (a script).
    pub fn write(&self, prelude: &str) -> Result<(), Error> {
        let text = format!("{prelude}\n{}", render(&self.index)?);
        std::fs::write(&self.path, text).map_err(|source| Error::Io {
            path: self.path.display().to_string(),
            source,
        })
    }
}

/// The JSON inside the file; `None` when the file is not shaped like one.
fn parse(text: &str) -> Option<Result<Value, Error>> {
    let start = text.find(HEAD)?;
    let quoted = text[start..]
        .trim()
        .strip_prefix(HEAD)?
        .strip_suffix(TAIL)?;
    let mut json = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            // mdBook escaped `\` and `'` for the JavaScript string.
            json.push(chars.next()?);
        } else {
            json.push(c);
        }
    }
    Some(serde_json::from_str(&json).map_err(Error::from))
}

/// The file's text for `index`, escaped as mdBook does.
fn render(index: &Value) -> Result<String, Error> {
    let json = serde_json::to_string(index)?;
    Ok(format!(
        "{HEAD}{}{TAIL}",
        json.replace('\\', "\\\\").replace('\'', "\\'")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_quotes_and_backslashes() {
        let index = json!({"doc_urls": ["zh/a.html"], "body": "it's a \\ \"x\""});
        let text = render(&index).unwrap();
        assert!(text.starts_with(HEAD) && text.ends_with(TAIL));
        assert_eq!(parse(&text).unwrap().unwrap(), index);
    }

    #[test]
    fn reads_an_index_behind_a_prelude() {
        let index = json!({"doc_urls": []});
        let text = format!("{QUERY_SCRIPT}\n{}", render(&index).unwrap());
        assert_eq!(parse(&text).unwrap().unwrap(), index);
    }

    #[test]
    fn refuses_other_files() {
        assert!(parse("console.log(1)").is_none());
        assert!(matches!(parse(&format!("{HEAD}{{{TAIL}")), Some(Err(_))));
    }
}
