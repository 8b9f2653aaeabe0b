//! The book's pages as source: what twins must share.

use mdbook_claims::lang::twin_path;
use mdbook_claims::markers::{self, LineKind};
use std::path::Path;

/// The two language directories under src/.
pub const LANGUAGES: [&str; 2] = ["zh", "en"];

/// A page under src/, e.g. `zh/hands-on.md`.
#[derive(Clone, Debug)]
pub struct Page {
    /// Path relative to src/, with `/`.
    pub path: String,
    pub text: String,
}

/// A heading: its level (number of `#`) and line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: usize,
    pub text: String,
    pub line: usize,
}

/// A ```mermaid block and the shape that twins must share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mermaid {
    pub line: usize,
    /// `graph`, `flowchart`, `sequenceDiagram`, ...
    pub kind: String,
    /// Non-empty, non-comment lines of the diagram.
    pub statements: usize,
    /// Edges and messages (`-->`, `->>`, `-.->`, ...).
    pub arrows: usize,
}

impl Mermaid {
    pub fn shape(&self) -> (String, usize, usize) {
        (self.kind.clone(), self.statements, self.arrows)
    }
}

impl Page {
    pub fn source_file(&self) -> String {
        format!("src/{}", self.path)
    }

    /// ATX headings outside code blocks.
    pub fn headings(&self) -> Vec<Heading> {
        markers::lines(&self.text)
            .into_iter()
            .filter(|line| line.kind == LineKind::Text)
            .filter_map(|line| {
                let trimmed = line.text.trim_end();
                let body = trimmed.strip_prefix(' ').unwrap_or(trimmed);
                let level = body.chars().take_while(|c| *c == '#').count();
                let rest = &body[level..];
                ((1..=6).contains(&level) && (rest.is_empty() || rest.starts_with(' '))).then(
                    || Heading {
                        level,
                        text: rest.trim().to_string(),
                        line: line.number,
                    },
                )
            })
            .collect()
    }

    /// Ids of `{{#claim id}}` markers outside code, in order.
    pub fn claim_ids(&self) -> Vec<String> {
        markers::claim_ids(&self.text)
    }

    /// Targets of `{{#include ...}}` / `{{#rustdoc_include ...}}`, in order
    /// (in code blocks too: that is where listings are).
    pub fn includes(&self) -> Vec<String> {
        let mut found = Vec::new();
        for opener in ["{{#include ", "{{#rustdoc_include "] {
            for (at, _) in self.text.match_indices(opener) {
                if self.text[..at].ends_with('\\') {
                    continue;
                }
                let rest = &self.text[at + opener.len()..];
                if let Some(end) = rest.find("}}") {
                    found.push((at, rest[..end].trim().to_string()));
                }
            }
        }
        found.sort();
        found.into_iter().map(|(_, target)| target).collect()
    }

    /// The ```mermaid blocks, in order.
    pub fn mermaid_blocks(&self) -> Vec<Mermaid> {
        let mut blocks = Vec::new();
        let mut current: Option<(usize, Vec<&str>)> = None;
        for line in markers::lines(&self.text) {
            match &line.kind {
                LineKind::FenceOpen(info) if info.split_whitespace().next() == Some("mermaid") => {
                    current = Some((line.number, Vec::new()));
                }
                LineKind::Code => {
                    if let Some((_, body)) = current.as_mut() {
                        body.push(line.text);
                    }
                }
                LineKind::FenceClose => {
                    if let Some((start, body)) = current.take() {
                        blocks.push(mermaid_shape(start, &body));
                    }
                }
                _ => {}
            }
        }
        blocks
    }
}

fn mermaid_shape(line: usize, body: &[&str]) -> Mermaid {
    let statements: Vec<&str> = body
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with("%%"))
        .collect();
    let kind = statements
        .first()
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or("")
        .to_string();
    let arrows = statements
        .iter()
        .map(|l| count_arrows(&strip_labels(l)))
        .sum();
    Mermaid {
        line,
        kind,
        statements: statements.len(),
        arrows,
    }
}

/// Drops what translators change: quoted and bracketed labels, and text after
/// `:` (sequence messages and notes).
fn strip_labels(line: &str) -> String {
    let mut out = String::new();
    let mut closing: Vec<char> = Vec::new();
    for c in line.chars() {
        match (closing.last(), c) {
            (Some(&'"'), '"') => {
                closing.pop();
            }
            (Some(&'"'), _) => {}
            (_, '"') => closing.push('"'),
            (_, '[') => closing.push(']'),
            (_, '(') => closing.push(')'),
            (_, '{') => closing.push('}'),
            (Some(&'|'), '|') => {
                closing.pop();
            }
            (_, '|') => closing.push('|'),
            (Some(&close), c) if c == close => {
                closing.pop();
            }
            (Some(_), _) => {}
            (None, ':') => break,
            (None, c) => out.push(c),
        }
    }
    out
}

/// Counts mermaid arrows, longest token first.
fn count_arrows(line: &str) -> usize {
    const ARROWS: [&str; 12] = [
        "-->>", "-.->", "--x", "--)", "-->", "---", "==>", "===", "->>", "-.-", "-x", "->",
    ];
    let mut count = 0;
    let mut i = 0;
    while i < line.len() {
        match ARROWS.iter().find(|a| line[i..].starts_with(*a)) {
            Some(arrow) => {
                count += 1;
                i += arrow.len();
                // Longer arrows (`---->`) are one arrow.
                while line[i..].starts_with(['-', '.', '=', '>']) {
                    i += 1;
                }
            }
            None => i += line[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    count
}

/// Every page under src/zh and src/en, sorted by path.
pub fn language_pages(src: &Path) -> Vec<Page> {
    let mut pages = Vec::new();
    for lang in LANGUAGES {
        collect(&src.join(lang), lang, &mut pages);
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    pages
}

fn collect(dir: &Path, prefix: &str, pages: &mut Vec<Page>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let rel = format!("{prefix}/{name}");
        if path.is_dir() {
            collect(&path, &rel, pages);
        } else if name.ends_with(".md") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
            pages.push(Page { path: rel, text });
        }
    }
}

/// Pairs every zh page with its en twin; pages without twins are returned apart.
pub fn twins(pages: &[Page]) -> (Vec<(&Page, &Page)>, Vec<String>) {
    let mut pairs = Vec::new();
    let mut orphans = Vec::new();
    for page in pages {
        let twin = twin_path(&page.path).expect("language pages are under zh/ or en/");
        match pages.iter().find(|p| p.path == twin) {
            Some(other) if page.path.starts_with("zh/") => pairs.push((page, other)),
            Some(_) => {}
            None => orphans.push(format!(
                "{} has no twin: write src/{twin} (same headings, claims, listings, diagrams)",
                page.source_file()
            )),
        }
    }
    (pairs, orphans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Page {
        Page {
            path: "zh/x.md".into(),
            text: text.into(),
        }
    }

    #[test]
    fn headings_skip_code_blocks() {
        let p = page("# A\n\n```sh\n# not a heading\n```\n## B\n#nospace\n### C ###\n");
        let levels: Vec<_> = p.headings().iter().map(|h| (h.level, h.line)).collect();
        assert_eq!(levels, [(1, 1), (2, 6), (3, 8)]);
    }

    #[test]
    fn includes_are_found_in_order_in_code_too() {
        let p = page(
            "```rust\n{{#include ../../labs/a.rs:reap}}\n```\n\\{{#include shown.rs}}\n{{#rustdoc_include b.rs}}\n",
        );
        assert_eq!(p.includes(), ["../../labs/a.rs:reap", "b.rs"]);
    }

    #[test]
    fn mermaid_shape_ignores_translated_labels() {
        let zh = page(
            "```mermaid\ngraph TD\n  A[Pod 沙箱] --> B(\"容器 -> 一\")\n  B -.->|共享| C{网络}\n```\n",
        );
        let en = page(
            "```mermaid\ngraph TD\n  A[Pod sandbox] --> B(\"container one\")\n  B -.->|shares| C{network}\n```\n",
        );
        assert_eq!(zh.mermaid_blocks()[0].shape(), ("graph".into(), 3, 2));
        assert_eq!(
            zh.mermaid_blocks()[0].shape(),
            en.mermaid_blocks()[0].shape()
        );
        let seq = page(
            "```mermaid\nsequenceDiagram\n  participant K as kubelet\n  K->>P: SIGTERM -> 退出\n  P-->>K: 退出码\n```\n",
        );
        assert_eq!(
            seq.mermaid_blocks()[0].shape(),
            ("sequenceDiagram".into(), 4, 2)
        );
        let more = page("```mermaid\ngraph TD\n  A --> B\n  B --> C\n  C --> A\n```\n");
        assert_ne!(
            more.mermaid_blocks()[0].shape(),
            zh.mermaid_blocks()[0].shape()
        );
    }

    #[test]
    fn twins_pair_pages_and_report_orphans() {
        let pages = vec![
            Page {
                path: "en/a.md".into(),
                text: String::new(),
            },
            Page {
                path: "zh/a.md".into(),
                text: String::new(),
            },
            Page {
                path: "zh/b.md".into(),
                text: String::new(),
            },
        ];
        let (pairs, orphans) = twins(&pages);
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].0.path, "zh/a.md");
        assert_eq!(orphans.len(), 1);
        assert!(orphans[0].starts_with("src/zh/b.md has no twin: write src/en/b.md"));
    }
}
