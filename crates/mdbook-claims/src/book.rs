//! Walks the book mdBook hands a preprocessor (`[context, book]` as JSON),
//! checks it, and rewrites its pages.

use crate::badge::badge;
use crate::diagnostic::Diagnostic;
use crate::lang::{self, Lang};
use crate::ledger::{self, ChapterRef, LedgerOptions};
use crate::markers::{self, MarkerKind};
use crate::registry::Registry;
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
                            message,
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
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    const REGISTRY: &str = r#"
[[claim]]
id = "pid1-is-pause"
chapter = "hands-on"
zh = "pause 是 PID 1"
en = "pause is PID 1"
verdict = "true"
tests = ["labs/demo/tests/demo.rs::pid_1_is_pause"]
"#;

    fn chapter(name: &str, path: &str, content: &str) -> Value {
        json!({"Chapter": {"name": name, "content": content, "number": null, "sub_items": [],
               "path": path, "source_path": path, "parent_names": []}})
    }

    fn book(zh_hands_on: &str, en_pages: bool) -> Value {
        let mut en_items = vec![chapter(
            "Claims ledger",
            "en/claims.md",
            "# Claims\n\n{{#claims-ledger}}\n",
        )];
        if en_pages {
            en_items.push(chapter(
                "Hands-on",
                "en/hands-on.md",
                "# Hands-on\n\nPID 1 {{#claim pid1-is-pause}}\n",
            ));
        }
        let mut zh = chapter("简体中文", "zh/index.md", "# 简体中文\n");
        zh["Chapter"]["sub_items"] = json!([
            chapter("论断账本", "zh/claims.md", "# 论断\n\n{{#claims-ledger}}\n"),
            chapter("实战演示", "zh/hands-on.md", zh_hands_on),
        ]);
        let mut en = chapter("English", "en/index.md", "# English\n");
        en["Chapter"]["sub_items"] = Value::Array(en_items);
        json!({"items": [chapter("Language", "index.md", "# Pick\n"), zh, en]})
    }

    fn files(registry: &str) -> HashMap<String, String> {
        HashMap::from([
            ("src/claims.toml".to_string(), registry.to_string()),
            (
                "src/SUMMARY.md".to_string(),
                "# Summary\n\n- [实战演示](zh/hands-on.md)\n".to_string(),
            ),
            (
                "labs/demo/tests/demo.rs".to_string(),
                "#[test]\nfn pid_1_is_pause() {}\n".to_string(),
            ),
        ])
    }

    fn run(book: Value, files: &HashMap<String, String>) -> Result<Value, Vec<Diagnostic>> {
        let settings = Settings::from_context(&json!({"config": {"book": {"src": "src"}}}));
        process(&settings, book, &|path| files.get(path).cloned())
    }

    fn content_of(book: &Value, path: &str) -> String {
        let mut found = None;
        let mut book = book.clone();
        for_each_chapter(&mut book, &mut |chapter| {
            if chapter["source_path"] == path {
                found = chapter["content"].as_str().map(str::to_string);
            }
        });
        found.unwrap_or_else(|| panic!("no page {path}"))
    }

    #[test]
    fn renders_switch_badges_and_ledgers() {
        let out = run(
            book(
                "# 实战\n\nPID 1 {{#claim pid1-is-pause}}\n\n`{{#claim shown}}`\n",
                true,
            ),
            &files(REGISTRY),
        )
        .expect("a good book builds");
        let zh = content_of(&out, "zh/hands-on.md");
        assert!(zh.starts_with("<nav class=\"lang-switch\""), "{zh}");
        assert!(zh.contains("[English](../en/hands-on.md)"));
        assert!(
            zh.contains("href=\"claims.html#claim-pid1-is-pause\""),
            "{zh}"
        );
        assert!(zh.contains(">属实<"));
        assert!(
            zh.contains("`{{#claim shown}}`"),
            "markers in code stay as they are"
        );
        let en = content_of(&out, "en/hands-on.md");
        assert!(en.contains("[中文](../zh/hands-on.md)") && en.contains(">true<"));
        let zh_ledger = content_of(&out, "zh/claims.md");
        assert!(
            zh_ledger.contains("## 实战演示\n") && zh_ledger.contains("](hands-on.md)"),
            "{zh_ledger}"
        );
        assert!(zh_ledger.contains("id=\"claim-pid1-is-pause\""));
        let en_ledger = content_of(&out, "en/claims.md");
        assert!(
            en_ledger.contains("## Hands-on\n")
                && en_ledger.contains("[→ Read the chapter](hands-on.md)"),
            "{en_ledger}"
        );
        let landing = content_of(&out, "index.md");
        assert_eq!(landing, "# Pick\n", "the landing page has no switch");
    }

    #[test]
    fn unknown_claim_id_names_page_and_line() {
        let errors = run(
            book("# 实战\n\nline\n{{#claim no-such-claim}}\n", true),
            &files(REGISTRY),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].to_string(),
            "src/zh/hands-on.md:4: unknown claim id `no-such-claim`: add it to src/claims.toml or fix the marker"
        );
    }

    #[test]
    fn page_without_twin_names_the_page_and_summary_line() {
        let errors = run(book("# 实战\n", false), &files(REGISTRY)).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].file, "src/SUMMARY.md");
        assert_eq!(errors[0].line, 3);
        assert!(
            errors[0]
                .message
                .contains("page src/zh/hands-on.md has no twin: write src/en/hands-on.md"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn registry_problems_stop_the_build() {
        let errors = run(book("# 实战\n", true), &files("[[claim]\n")).unwrap_err();
        assert_eq!(
            (errors[0].file.as_str(), errors[0].line),
            ("src/claims.toml", 1)
        );

        let mut missing_test = files(REGISTRY);
        missing_test.remove("labs/demo/tests/demo.rs");
        let errors = run(book("# 实战\n", true), &missing_test).unwrap_err();
        assert_eq!(errors[0].line, 8);
        assert!(errors[0].message.contains("does not exist"));

        let errors = run(
            book("# 实战\n", true),
            &files(&REGISTRY.replace("hands-on", "nowhere")),
        )
        .unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("chapter `nowhere` is not a page"),
            "{}",
            errors[0]
        );

        let mut no_registry = files(REGISTRY);
        no_registry.remove("src/claims.toml");
        assert_eq!(
            run(book("# 实战\n", true), &no_registry).unwrap_err()[0].file,
            "src/claims.toml"
        );
    }

    #[test]
    fn markers_outside_language_directories_are_rejected() {
        let mut b = book("# 实战\n", true);
        b["items"][0] = chapter("Language", "index.md", "# Pick {{#claim pid1-is-pause}}\n");
        let errors = run(b, &files(REGISTRY)).unwrap_err();
        assert_eq!(errors[0].file, "src/index.md");
    }

    #[test]
    fn reads_settings_from_context() {
        let settings = Settings::from_context(&json!({"config": {"book": {"src": "book-src/"},
            "preprocessor": {"claims": {"repository": "https://example.org/r"}}}}));
        assert_eq!(settings.src, "book-src");
        assert_eq!(
            settings.ledger.repository.as_deref(),
            Some("https://example.org/r")
        );
    }
}
