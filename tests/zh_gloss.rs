//! The code the book includes is commented in English only. On the Chinese
//! pages, every listing whose included code has comments is followed by a
//! Chinese gloss of them: the next paragraph after the listing starts with
//! `注释：`. Listings without comments (and console transcripts) need none.

use book_tests::source::language_pages;
use book_tests::{assert_none, root};
use std::path::Path;

/// What starts a gloss paragraph.
const GLOSS: &str = "注释：";

/// The lines mdBook includes for `target` (`path` or `path:anchor`),
/// relative to the page's directory; `None` when the file is missing (the
/// build reports that).
fn included(page_dir: &Path, target: &str) -> Option<Vec<String>> {
    let (path, anchor) = match target.split_once(':') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (target, None),
    };
    let text = std::fs::read_to_string(page_dir.join(path)).ok()?;
    let is_marker = |line: &str, kind: &str, name: &str| {
        line.split(kind)
            .nth(1)
            .is_some_and(|rest| rest.split_whitespace().next() == Some(name))
    };
    let mut inside = anchor.is_none();
    let mut lines = Vec::new();
    for line in text.lines() {
        if let Some(name) = anchor {
            if is_marker(line, "ANCHOR:", name) {
                inside = true;
                continue;
            }
            if is_marker(line, "ANCHOR_END:", name) {
                inside = false;
                continue;
            }
        }
        // mdBook drops every anchor line from an include.
        if inside && !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:") {
            lines.push(line.to_string());
        }
    }
    Some(lines)
}

/// Whether `lines` of a listing in `language` hold a comment.
fn has_comment(language: &str, lines: &[String]) -> bool {
    let c_like = matches!(language, "rust" | "c" | "cpp" | "go" | "js");
    lines.iter().any(|line| {
        let code = line.trim_start();
        if c_like {
            code.contains("//") || code.starts_with("/*") || code.starts_with("* ")
        } else {
            (code.starts_with('#') && !code.starts_with("#!")) || line.contains(" # ")
        }
    })
}

/// The listings of one zh page that need a gloss and lack one, as
/// `file:line: include`.
fn missing_glosses(file: &str, page_dir: &Path, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    let mut open: Option<(usize, String)> = None;
    let mut includes: Vec<String> = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        if let Some(info) = line.strip_prefix("```") {
            match open.take() {
                None => {
                    let language = info.split([',', ' ']).next().unwrap_or("").to_string();
                    open = Some((at, language));
                    includes.clear();
                }
                Some((start, language)) => {
                    if matches!(language.as_str(), "" | "console" | "text" | "mermaid") {
                        continue;
                    }
                    let commented = includes.iter().find(|target| {
                        included(page_dir, target).is_some_and(|code| has_comment(&language, &code))
                    });
                    let next = lines[at + 1..].iter().find(|l| !l.trim().is_empty());
                    if let Some(target) = commented
                        && !next.is_some_and(|l| l.starts_with(GLOSS))
                    {
                        problems.push(format!(
                            "{file}:{}: the listing of {target} has English comments; \
                             follow it with a paragraph starting {GLOSS} that says in Chinese \
                             what they say",
                            start + 1
                        ));
                    }
                }
            }
            continue;
        }
        if open.is_some()
            && let Some(rest) = line.trim().strip_prefix("{{#include ")
            && let Some(target) = rest.strip_suffix("}}")
        {
            includes.push(target.trim().to_string());
        }
    }
    problems
}

#[test]
fn every_commented_listing_on_a_chinese_page_has_a_chinese_gloss() {
    let src = root().join("src");
    let mut problems = Vec::new();
    let mut pages = 0;
    for page in language_pages(&src)
        .iter()
        .filter(|p| p.path.starts_with("zh/"))
    {
        pages += 1;
        let dir = src.join(&page.path);
        let dir = dir.parent().expect("a page is in a directory");
        problems.extend(missing_glosses(&page.source_file(), dir, &page.text));
    }
    assert!(pages > 0, "no zh pages under src/zh");
    assert_none("zh listings without a gloss of their comments", &problems);
}

#[cfg(test)]
mod checker {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = book_tests::scratch_dir(name);
        std::fs::write(
            dir.join("code.rs"),
            "// ANCHOR: a\n/// Reaps every child.\nfn reap() {}\n// ANCHOR_END: a\n\
             // ANCHOR: b\nfn bare() {}\n// ANCHOR_END: b\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn a_commented_listing_without_a_gloss_is_reported() {
        let dir = scratch("zh-gloss-missing");
        let page = "text\n\n```rust\n{{#include code.rs:a}}\n```\n\n下一段。\n";
        let found = missing_glosses("zh/x.md", &dir, page);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("zh/x.md:3:"), "{found:?}");
    }

    #[test]
    fn a_gloss_or_a_listing_without_comments_passes() {
        let dir = scratch("zh-gloss-present");
        let glossed = "```rust\n{{#include code.rs:a}}\n```\n\n注释：回收每一个子进程。\n";
        assert!(missing_glosses("zh/x.md", &dir, glossed).is_empty());
        let bare = "```rust\n{{#include code.rs:b}}\n```\n\n下一段。\n";
        assert!(missing_glosses("zh/x.md", &dir, bare).is_empty());
        let transcript = "```console\n{{#include code.rs:a}}\n```\n";
        assert!(missing_glosses("zh/x.md", &dir, transcript).is_empty());
    }
}
