//! Walks the book mdBook hands a preprocessor (`[context, book]` as JSON),
//! checks it, and rewrites its pages.

use crate::badge::badge;
use crate::diagnostic::Diagnostic;
use crate::lang::{self, Lang};
use crate::ledger::{self, ChapterRef, LedgerOptions};
use crate::markers::{self, MarkerKind};
use crate::registry::Registry;
use crate::run_button::{self, Runnable};
use serde_json::Value;
use std::collections::HashSet;

/// Reads a file by its path relative to the book's root; `None` if absent.
pub type Reader<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The settings the preprocessor takes from mdBook's context.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The book's source directory relative to the root (`src`).
    pub src: String,
    pub ledger: LedgerOptions,
    /// The transcripts that get a Run button ([`crate::run_button::load`]);
    /// empty unless the caller fills it in.
    pub runnable: Vec<Runnable>,
}

impl Settings {
    pub fn from_context(context: &Value) -> Settings {
        let config = &context["config"];
        let src = config["book"]["src"]
            .as_str()
            .unwrap_or("src")
            .trim_end_matches('/')
            .to_string();
        let repository = config["preprocessor"]["claims"]["repository"]
            .as_str()
            .map(str::to_string);
        Settings {
            src,
            ledger: LedgerOptions { repository },
            runnable: Vec::new(),
        }
    }
}

/// A page of the book: its path under src/ and its title in SUMMARY.md.
#[derive(Clone, Debug)]
struct Page {
    path: String,
    title: String,
}

fn for_each_chapter(items: &mut Value, visit: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match items {
        Value::Array(values) => values.iter_mut().for_each(|v| for_each_chapter(v, visit)),
        Value::Object(map) => {
            if let Some(Value::Object(chapter)) = map.get_mut("Chapter") {
                visit(chapter);
                if let Some(sub) = chapter.get_mut("sub_items") {
                    for_each_chapter(sub, visit);
                }
            } else if let Some(items) = map.get_mut("items") {
                for_each_chapter(items, visit);
            }
        }
        _ => {}
    }
}

fn pages_of(book: &mut Value) -> Vec<Page> {
    let mut pages = Vec::new();
    for_each_chapter(book, &mut |chapter| {
        let path = chapter.get("source_path").and_then(Value::as_str);
        let title = chapter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(path) = path {
            pages.push(Page {
                path: path.to_string(),
                title: title.to_string(),
            });
        }
    });
    pages
}

/// The line of SUMMARY.md that lists `path`, if found.
fn summary_line(summary: &str, path: &str) -> usize {
    let needle = format!("]({path})");
    summary
        .lines()
        .position(|line| line.contains(&needle))
        .map_or(0, |index| index + 1)
}

/// Checks the registry and the pages, then expands markers and adds the
/// language switch. Returns every problem found, not just the first.
pub fn process(
    settings: &Settings,
    mut book: Value,
    read: Reader,
) -> Result<Value, Vec<Diagnostic>> {
    let src = &settings.src;
    let registry_file = format!("{src}/claims.toml");
    let Some(registry_text) = read(&registry_file) else {
        return Err(vec![Diagnostic::new(
            &registry_file,
            0,
            "the claims registry is missing (see the schema in the header of the original file)",
        )]);
    };
    let registry = Registry::parse(&registry_text, &registry_file)?;
    let mut errors = registry.check_tests(&registry_file, read);

    let pages = pages_of(&mut book);
    let paths: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
    let summary_file = format!("{src}/SUMMARY.md");
    let summary = read(&summary_file).unwrap_or_default();
    for page in &pages {
        if let Some(twin) = lang::twin_path(&page.path)
            && !paths.contains(twin.as_str())
        {
            errors.push(Diagnostic::new(
                &summary_file,
                summary_line(&summary, &page.path),
                format!(
                    "page {src}/{} has no twin: write {src}/{twin} and list it in SUMMARY.md",
                    page.path
                ),
            ));
        }
    }
    for claim in &registry.claims {
        let page = format!("zh/{}.md", claim.chapter);
        if !paths.contains(page.as_str()) {
            errors.push(Diagnostic::new(
                &registry_file,
                claim.line,
                format!(
                    "claim `{}`: chapter `{}` is not a page of the book ({src}/zh/{}.md is not in SUMMARY.md)",
                    claim.id, claim.chapter, claim.chapter
                ),
            ));
        }
    }

    let chapters_of = |lang: Lang| -> Vec<ChapterRef> {
        pages
            .iter()
            .filter_map(|page| {
                let stem = page
                    .path
                    .strip_prefix(lang.dir())?
                    .strip_prefix('/')?
                    .strip_suffix(".md")?;
                (!stem.contains('/')).then(|| ChapterRef {
                    stem: stem.to_string(),
                    title: page.title.clone(),
                })
            })
            .collect()
    };
    let ledgers = [Lang::Zh, Lang::En]
        .map(|lang| ledger::ledger(&registry, lang, &chapters_of(lang), &settings.ledger));

    for_each_chapter(&mut book, &mut |chapter| {
        let Some(path) = chapter
            .get("source_path")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return;
        };
        let Some(content) = chapter.get("content").and_then(Value::as_str) else {
            return;
        };
        let lang = Lang::of_path(&path);
        let found = markers::scan(content);
        let depth = path.matches('/').count();
        let ledger_href = format!("{}claims.html", "../".repeat(depth.saturating_sub(1)));
        let mut expanded = markers::expand(content, &found, |marker| match (&marker.kind, lang) {
            (MarkerKind::Escape, _) => String::new(),
            (MarkerKind::Claim(id), Some(lang)) => {
                match registry.get(id) {
                    Some(claim) => badge(claim, lang, &ledger_href),
                    None => {
                        errors.push(Diagnostic::new(
                        format!("{src}/{path}"),
                        marker.line,
                        format!("unknown claim id `{id}`: add it to {registry_file} or fix the marker"),
                    ));
                        String::new()
                    }
                }
            }
            (MarkerKind::Quiz(file), Some(lang)) => {
                match crate::quiz::render(src, &path, file, lang, read) {
                    Ok(html) => html,
                    Err(message) => {
                        errors.push(Diagnostic::new(
                            format!("{src}/{path}"),
                            marker.line,
                            message.to_string(),
                        ));
                        String::new()
                    }
                }
            }
            (MarkerKind::Ledger, Some(lang)) => {
                ledgers[if lang == Lang::Zh { 0 } else { 1 }].clone()
            }
            (_, None) => {
                errors.push(Diagnostic::new(
                    format!("{src}/{path}"),
                    marker.line,
                    "claim markers belong on pages under zh/ or en/ (a badge needs a language)",
                ));
                String::new()
            }
        });
        if let Some(lang) = lang {
            expanded = run_button::add(&expanded, src, &path, lang, &settings.runnable);
        }
        if let Some(switch) = lang::language_switch(&path) {
            expanded.insert_str(0, &switch);
        }
        chapter.insert("content".into(), Value::String(expanded));
    });

    if errors.is_empty() {
        Ok(book)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[path = "book_tests.rs"]
mod tests;
