//! Run buttons: after each listing that shows a runnable transcript, a
//! `<div class="lab-run">` that theme/runner.js turns into a Run button.
//!
//! A listing qualifies when its fenced body is exactly one
//! `{{#include ../../labs/<lab>/transcripts/<id>.txt}}` of a transcript that
//! the labs' manifests mark `runnable = true` (the catalog of the
//! `transcripts` crate, the same list the local runner allows). The page
//! names the transcript by its catalog id only; the runner never takes a
//! command from the page. Fences are found the way mdBook parses them
//! (pulldown-cmark, as for the markers), so a listing in a list item or a
//! block quote gets its div inside the same block.

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::html::escape;
use crate::lang::Lang;
use crate::markers::{self, LineKind};

/// A transcript the runner may run: its catalog id, its file (relative to
/// the book's root) and what it needs (`root`, `userns`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runnable {
    pub id: String,
    pub file: String,
    pub needs: Vec<String>,
}

/// The runnable entries of the catalog.
pub fn runnables(catalog: &[transcripts::CatalogEntry]) -> Vec<Runnable> {
    catalog
        .iter()
        .filter(|entry| entry.runnable)
        .map(|entry| Runnable {
            id: entry.id.clone(),
            file: entry.file.clone(),
            needs: entry
                .needs
                .iter()
                .filter_map(|need| serde_json::to_value(need).ok())
                .filter_map(|value| value.as_str().map(str::to_string))
                .collect(),
        })
        .collect()
}

/// The runnable transcripts of the book at `root`: none when it has no
/// `labs/` folder (a small book made by a test); a broken manifest stops the
/// build, naming it.
pub fn load(root: &Path) -> Result<Vec<Runnable>, Diagnostic> {
    if !root.join("labs").is_dir() {
        return Ok(Vec::new());
    }
    match transcripts::catalog(root) {
        Ok(catalog) => Ok(runnables(&catalog)),
        Err(err) => Err(Diagnostic::new(
            "labs",
            0,
            format!("cannot list the labs' transcripts for the Run buttons: {err}"),
        )),
    }
}

/// The path `{{#include PATH}}` names, relative to the book's root, if the
/// line is exactly such an include (no anchor, no line range).
fn included_file(line: &str, src: &str, page: &str) -> Option<String> {
    let body = line
        .trim_start_matches([' ', '\t', '>'])
        .trim()
        .strip_prefix("{{#include ")?
        .strip_suffix("}}")?
        .trim();
    if body.is_empty() || body.contains(':') || body.contains(char::is_whitespace) {
        return None;
    }
    let page_dir = Path::new(page).parent().unwrap_or(Path::new(""));
    let mut resolved = PathBuf::new();
    for part in Path::new(src).join(page_dir).join(body).components() {
        match part {
            Component::Normal(name) => resolved.push(name),
            Component::ParentDir => {
                if !resolved.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    resolved.to_str().map(str::to_string)
}

/// The div theme/runner.js draws the button in.
pub fn div(runnable: &Runnable, lang: Lang) -> String {
    format!(
        "<div class=\"lab-run\" data-transcript=\"{}\" data-needs=\"{}\" data-lang=\"{}\"></div>",
        escape(&runnable.id),
        escape(&runnable.needs.join(",")),
        lang.dir()
    )
}

/// `content` (the page `page` under `src`) with a div after every listing
/// of a runnable transcript, blank lines around it, in the listing's block.
pub fn add(content: &str, src: &str, page: &str, lang: Lang, runnables: &[Runnable]) -> String {
    if runnables.is_empty() {
        return content.to_string();
    }
    let lines = markers::lines(content);
    let mut out = String::with_capacity(content.len());
    let mut body: Vec<&str> = Vec::new();
    for line in &lines {
        out.push_str(line.text);
        match &line.kind {
            LineKind::FenceOpen(_) => body.clear(),
            LineKind::Code => body.push(line.text),
            LineKind::FenceClose => {
                let lines_of_body: Vec<&str> = body
                    .iter()
                    .copied()
                    .filter(|text| !text.trim_start_matches([' ', '\t', '>']).trim().is_empty())
                    .collect();
                let found = match lines_of_body.as_slice() {
                    [only] => included_file(only, src, page)
                        .and_then(|file| runnables.iter().find(|r| r.file == file)),
                    _ => None,
                };
                if let Some(runnable) = found {
                    let indent = line.text.find(['`', '~']).unwrap_or(0);
                    let prefix = &line.text[..indent];
                    let blank = prefix.trim_end();
                    if !line.text.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str(&format!(
                        "{blank}\n{prefix}{}\n{blank}\n",
                        div(runnable, lang)
                    ));
                }
                body.clear();
            }
            LineKind::Text => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Vec<Runnable> {
        vec![
            Runnable {
                id: "setns-demo/pod-by-hand".into(),
                file: "labs/setns-demo/transcripts/pod-by-hand.txt".into(),
                needs: vec!["root".into(), "userns".into()],
            },
            Runnable {
                id: "pause/signals".into(),
                file: "labs/pause/transcripts/signals.txt".into(),
                needs: vec![],
            },
        ]
    }

    fn run(page: &str, lang: Lang, content: &str) -> String {
        add(content, "src", page, lang, &catalog())
    }

    fn divs(html: &str) -> Vec<&str> {
        html.lines()
            .filter(|line| line.contains("class=\"lab-run\""))
            .collect()
    }

    #[test]
    fn a_runnable_listing_gets_one_div_with_id_needs_and_language() {
        let page = "# T\n\n```console\n{{#include ../../labs/setns-demo/transcripts/pod-by-hand.txt}}\n```\n\nAfter.\n";
        let zh = run("zh/how-it-works.md", Lang::Zh, page);
        assert_eq!(
            zh,
            "# T\n\n```console\n{{#include ../../labs/setns-demo/transcripts/pod-by-hand.txt}}\n```\n\
             \n<div class=\"lab-run\" data-transcript=\"setns-demo/pod-by-hand\" data-needs=\"root,userns\" data-lang=\"zh\"></div>\n\
             \n\nAfter.\n"
        );
        let en = run("en/how-it-works.md", Lang::En, page);
        assert_eq!(
            divs(&en),
            [
                "<div class=\"lab-run\" data-transcript=\"setns-demo/pod-by-hand\" data-needs=\"root,userns\" data-lang=\"en\"></div>"
            ]
        );
        let no_needs = run(
            "en/pause-in-rust.md",
            Lang::En,
            "```console\n{{#include ../../labs/pause/transcripts/signals.txt}}\n```",
        );
        assert_eq!(
            divs(&no_needs),
            [
                "<div class=\"lab-run\" data-transcript=\"pause/signals\" data-needs=\"\" data-lang=\"en\"></div>"
            ]
        );
        assert!(no_needs.contains("```\n\n<div"), "{no_needs}");
    }

    #[test]
    fn other_listings_get_nothing() {
        for page in [
            // Not runnable: not in the list.
            "```console\n{{#include ../../labs/setns-demo/transcripts/seed-demo.txt}}\n```\n",
            // A .txt that is no transcript of the catalog.
            "```text\n{{#include ../../labs/pause/notes.txt}}\n```\n",
            // Part of a transcript, or more than the include.
            "```console\n{{#include ../../labs/pause/transcripts/signals.txt:2:3}}\n```\n",
            "```console\n$ pause -v\n{{#include ../../labs/pause/transcripts/signals.txt}}\n```\n",
            // Outside a listing, or in an unclosed one.
            "{{#include ../../labs/pause/transcripts/signals.txt}}\n",
            "```console\n{{#include ../../labs/pause/transcripts/signals.txt}}\n",
            // The path resolves elsewhere (from src/en/sub/).
            "```console\n{{#include ../../labs/pause/transcripts/signals.txt}}\n```\n",
        ]
        .iter()
        .enumerate()
        {
            let (case, page) = page;
            let page_path = if case == 6 {
                "en/sub/page.md"
            } else {
                "en/page.md"
            };
            assert_eq!(run(page_path, Lang::En, page), *page, "case {case}");
        }
    }

    #[test]
    fn listings_in_lists_and_quotes_keep_their_div_in_the_block() {
        let page = "- step one:\n\n    ```console\n    {{#include ../../labs/pause/transcripts/signals.txt}}\n    ```\n- step two\n";
        let out = run("en/page.md", Lang::En, page);
        assert!(
            out.contains("    ```\n\n    <div class=\"lab-run\" data-transcript=\"pause/signals\""),
            "{out}"
        );
        assert!(out.ends_with("</div>\n\n- step two\n"), "{out}");

        let quoted =
            "> ```console\n> {{#include ../../labs/pause/transcripts/signals.txt}}\n> ```\n";
        let out = run("zh/page.md", Lang::Zh, quoted);
        assert!(
            out.ends_with("> ```\n>\n> <div class=\"lab-run\" data-transcript=\"pause/signals\" data-needs=\"\" data-lang=\"zh\"></div>\n>\n"),
            "{out}"
        );

        // An indented code block is code, not a listing with an include.
        let indented = "text\n\n    ```console\n    {{#include ../../labs/pause/transcripts/signals.txt}}\n    ```\n";
        assert_eq!(run("en/page.md", Lang::En, indented), indented);
    }

    #[test]
    fn the_rendered_div_is_one_html_block() {
        let page = "```console\n{{#include ../../labs/pause/transcripts/signals.txt}}\n```\nNext paragraph.\n";
        let out = run("en/page.md", Lang::En, page);
        let parser = pulldown_cmark::Parser::new(&out);
        let html_blocks: Vec<String> = parser
            .filter_map(|event| match event {
                pulldown_cmark::Event::Html(html) => Some(html.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(html_blocks.len(), 1, "{html_blocks:?}");
        assert!(html_blocks[0].starts_with("<div class=\"lab-run\""));
        assert!(out.ends_with("</div>\n\nNext paragraph.\n"), "{out}");
    }

    #[test]
    fn the_catalog_gives_runnable_entries_only() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let found = load(&root).expect("the labs' manifests load");
        let ids: Vec<&str> = found.iter().map(|r| r.id.as_str()).collect();
        assert!(ids.contains(&"pause/signals"), "{ids:?}");
        assert!(!ids.contains(&"setns-demo/seed-demo"), "{ids:?}");
        let pod = found
            .iter()
            .find(|r| r.id == "setns-demo/pod-by-hand")
            .expect("pod-by-hand is runnable");
        assert_eq!(pod.file, "labs/setns-demo/transcripts/pod-by-hand.txt");
        assert_eq!(pod.needs, ["root"]);
        assert_eq!(load(Path::new("/nonexistent")).unwrap(), Vec::new());
    }
}
