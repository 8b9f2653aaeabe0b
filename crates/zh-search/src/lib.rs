//! Chinese search for the book: mdBook's search index splits words on
//! spaces only, so a Chinese sentence is one long "word" and no query finds
//! it (mdBook issue #1081). This crate segments the Chinese pages' text with
//! jieba and adds the words to the index mdBook wrote; it also stores the
//! words with their counts, so the page (theme/zh-search.js) segments a
//! query into the same words. English entries are left untouched.

mod index_file;
mod inverted;
mod segment;

pub use index_file::{IndexFile, QUERY_SCRIPT, find_index_file};
pub use segment::{Segmenter, glossary_terms, is_cjk};

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// What can go wrong while rewriting the search index.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{0}: not a search index written by mdBook 0.5 (expected \
         `window.search = Object.assign(window.search, JSON.parse('...'));`)"
    )]
    NotAnIndex(String),
    #[error("the search index is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the search index has no {0}; was it written by mdBook 0.5?")]
    Missing(&'static str),
    #[error(
        "no search index under {0}: enable [output.html.search] in book.toml, \
         and list [output.html] before [output.zh-search]"
    )]
    NoIndex(String),
}

/// The fields mdBook indexes for each section of a page.
const FIELDS: [&str; 3] = ["title", "body", "breadcrumbs"];

/// Adds the jieba words of every section whose page is under `prefix`
/// (`"zh/"`) to the index, and the vocabulary with each word's count as
/// `zh_words`. Returns how many sections were segmented.
pub fn segment_index(
    index: &mut Value,
    prefix: &str,
    segmenter: &Segmenter,
) -> Result<usize, Error> {
    let urls: Vec<String> = index
        .get("doc_urls")
        .and_then(Value::as_array)
        .ok_or(Error::Missing("doc_urls"))?
        .iter()
        .map(|url| url.as_str().unwrap_or_default().to_string())
        .collect();
    let lunr = index.get_mut("index").ok_or(Error::Missing("index"))?;
    let docs = lunr
        .pointer("/documentStore/docs")
        .and_then(Value::as_object)
        .ok_or(Error::Missing("index.documentStore.docs"))?
        .clone();
    let mut vocabulary: BTreeMap<String, u64> = BTreeMap::new();
    let mut segmented = 0;
    for (doc_ref, doc) in &docs {
        let on_page = doc_ref
            .parse::<usize>()
            .ok()
            .and_then(|n| urls.get(n))
            .is_some_and(|url| url.starts_with(prefix));
        if !on_page {
            continue;
        }
        segmented += 1;
        for field in FIELDS {
            let text = doc.get(field).and_then(Value::as_str).unwrap_or_default();
            let counts = segmenter.word_counts(text);
            let tree = lunr
                .pointer_mut(&format!("/index/{field}/root"))
                .ok_or(Error::Missing("an inverted index per field"))?;
            for (word, count) in &counts {
                inverted::add_token(tree, word, doc_ref, (*count as f64).sqrt());
                *vocabulary.entry(word.clone()).or_default() += *count;
            }
        }
    }
    let words: Map<String, Value> = vocabulary
        .into_iter()
        .map(|(word, count)| (word, Value::from(count)))
        .collect();
    index
        .as_object_mut()
        .ok_or(Error::Missing("a top-level object"))?
        .insert("zh_words".into(), Value::Object(words));
    Ok(segmented)
}
