//! `mdbook build` stops, naming file and line, on bad input: the
//! preprocessor run by the real mdbook on small books made for each case.

use book_tests::build::pinned_tools;
use book_tests::tools::{BOOK_TOOLS, path_with_cargo_bin, tool_program};
use book_tests::{root, scratch_dir};
use std::path::Path;
use std::process::Command;

const SUMMARY: &str = "# Summary\n\n- [中文](zh/a.md)\n- [English](en/a.md)\n";

const REGISTRY: &str = r#"
[[claim]]
id = "pid1-is-pause"
chapter = "a"
zh = "pause 是 PID 1"
en = "pause is PID 1"
verdict = "true"
sources = ["https://example.org/pid1 (where it is shown)"]
"#;

/// Writes a small book into `dir` whose preprocessor is this workspace's.
fn write_book(dir: &Path, summary: &str, registry: &str, zh: &str, en: Option<&str>) {
    let manifest = root().join("Cargo.toml");
    let book_toml = format!(
        "[book]\ntitle = \"t\"\nsrc = \"src\"\n\n[preprocessor.claims]\n\
         command = \"cargo run --quiet --manifest-path {} --package mdbook-claims --\"\n\
         before = [\"links\"]\n\n[output.html]\n",
        manifest.display()
    );
    std::fs::create_dir_all(dir.join("src/zh")).unwrap();
    std::fs::create_dir_all(dir.join("src/en")).unwrap();
    std::fs::write(dir.join("book.toml"), book_toml).unwrap();
    std::fs::write(dir.join("src/SUMMARY.md"), summary).unwrap();
    std::fs::write(dir.join("src/claims.toml"), registry).unwrap();
    std::fs::write(dir.join("src/zh/a.md"), zh).unwrap();
    if let Some(en) = en {
        std::fs::write(dir.join("src/en/a.md"), en).unwrap();
    }
}

/// Builds the book in `dir`: (success, mdbook's stderr).
fn build(dir: &Path) -> (bool, String) {
    let output = Command::new(tool_program(&BOOK_TOOLS[0]))
        .arg("build")
        .current_dir(dir)
        .env("PATH", path_with_cargo_bin())
        .env("CARGO_TARGET_DIR", root().join("target").join("book-tools"))
        .output()
        .expect("run mdbook");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn case(
    name: &str,
    summary: &str,
    registry: &str,
    zh: &str,
    en: Option<&str>,
) -> Option<(bool, String)> {
    testkit::require("mdbook 0.5.4 and mdbook-mermaid 0.17.1", pinned_tools())?;
    let dir = scratch_dir(&format!("preprocessor-{name}"));
    write_book(&dir, summary, registry, zh, en);
    let result = build(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    Some(result)
}

#[test]
fn a_good_book_builds_with_badges_and_switch() {
    if testkit::require("mdbook 0.5.4 and mdbook-mermaid 0.17.1", pinned_tools()).is_none() {
        return;
    }
    let dir = scratch_dir("preprocessor-good");
    write_book(
        &dir,
        SUMMARY,
        REGISTRY,
        "# 甲\n\nPID 1 {{#claim pid1-is-pause}}\n\n`{{#claim shown-as-code}}`\n",
        Some("# A\n\nPID 1 {{#claim pid1-is-pause}}\n"),
    );
    let (ok, stderr) = build(&dir);
    assert!(ok, "a good book must build:\n{stderr}");
    let zh = std::fs::read_to_string(dir.join("book/zh/a.html")).unwrap();
    assert!(
        zh.contains("href=\"../en/a.html\""),
        "the switch links to the twin"
    );
    assert!(zh.contains("claim-badge claim-true") && zh.contains("属实"));
    assert!(
        zh.contains("{{#claim shown-as-code}}"),
        "markers in code stay as written"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_claim_id_stops_the_build_naming_file_and_line() {
    let Some((ok, stderr)) = case(
        "unknown-id",
        SUMMARY,
        REGISTRY,
        "# 甲\n\n{{#claim no-such-claim}}\n",
        Some("# A\n"),
    ) else {
        return;
    };
    assert!(!ok, "the build must fail");
    assert!(
        stderr.contains("src/zh/a.md:3: unknown claim id `no-such-claim`"),
        "{stderr}"
    );
}

#[test]
fn missing_twin_stops_the_build_naming_the_page() {
    let summary = "# Summary\n\n- [中文](zh/a.md)\n";
    let Some((ok, stderr)) = case("no-twin", summary, REGISTRY, "# 甲\n", None) else {
        return;
    };
    assert!(!ok, "the build must fail");
    assert!(
        stderr.contains("src/SUMMARY.md:3: page src/zh/a.md has no twin: write src/en/a.md"),
        "{stderr}"
    );
}

#[test]
fn malformed_registry_stops_the_build_naming_the_line() {
    let broken = format!("{REGISTRY}\n[[claim]]\nid = \"x\nchapter = \"a\"\n");
    let Some((ok, stderr)) = case("bad-toml", SUMMARY, &broken, "# 甲\n", Some("# A\n")) else {
        return;
    };
    assert!(!ok, "the build must fail");
    assert!(
        stderr.contains("src/claims.toml:11: malformed claims registry (column"),
        "{stderr}"
    );
}

#[test]
fn claim_with_a_missing_test_stops_the_build() {
    let registry = REGISTRY.replace(
        "sources = [",
        "tests = [\"labs/none/tests/x.rs::does_not_exist\"]\nsources = [",
    );
    let Some((ok, stderr)) = case("missing-test", SUMMARY, &registry, "# 甲\n", Some("# A\n"))
    else {
        return;
    };
    assert!(!ok, "the build must fail");
    assert!(
        stderr.contains("src/claims.toml:8: claim `pid1-is-pause`: test file `labs/none/tests/x.rs` does not exist"),
        "{stderr}"
    );
}

#[test]
fn malformed_quiz_stops_the_build_naming_file_and_line() {
    if testkit::require("mdbook 0.5.4 and mdbook-mermaid 0.17.1", pinned_tools()).is_none() {
        return;
    }
    let dir = scratch_dir("preprocessor-quiz");
    let page = "# A\n\n{{#quiz quizzes/a.toml}}\n";
    write_book(&dir, SUMMARY, REGISTRY, page, Some(page));
    let good =
        "[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"PID?\"\nanswer.answer = \"1\"\n";
    // zh: the second question's multiple choice has no distractors.
    let bad = format!(
        "{good}\n[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"x\"\n\
         prompt.distractors = []\nanswer.answer = \"a\"\n"
    );
    for (lang, text) in [("zh", bad.as_str()), ("en", good)] {
        std::fs::create_dir_all(dir.join(format!("src/{lang}/quizzes"))).unwrap();
        std::fs::write(dir.join(format!("src/{lang}/quizzes/a.toml")), text).unwrap();
    }
    let (ok, stderr) = build(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!ok, "a malformed quiz was built");
    assert!(
        stderr.contains("src/zh/quizzes/a.toml:6:") && stderr.contains("at least one"),
        "the message does not name the quiz file and line:\n{stderr}"
    );
}
