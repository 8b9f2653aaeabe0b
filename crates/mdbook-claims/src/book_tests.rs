//! Unit tests of the book pass: markers, badges, quizzes and Run buttons
//! over a small book, and the errors it reports.

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
fn runnable_listings_get_a_run_div_in_the_page_language() {
    let listing = "```console\n{{#include ../../labs/demo/transcripts/pid1.txt}}\n```\n";
    let mut settings = Settings::from_context(&json!({"config": {"book": {"src": "src"}}}));
    settings.runnable = vec![Runnable {
        id: "demo/pid1".into(),
        file: "labs/demo/transcripts/pid1.txt".into(),
        needs: vec!["root".into()],
    }];
    let files = files(REGISTRY);
    let out = process(
        &settings,
        book(&format!("# 实战\n\n{listing}"), true),
        &|path| files.get(path).cloned(),
    )
    .expect("builds");
    let zh = content_of(&out, "zh/hands-on.md");
    assert!(
        zh.contains("```\n\n<div class=\"lab-run\" data-transcript=\"demo/pid1\" data-needs=\"root\" data-lang=\"zh\"></div>\n"),
        "{zh}"
    );
    let landing = content_of(&out, "index.md");
    assert!(!landing.contains("lab-run"));
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
