//! Unit tests of the registry: parsing, checks and the sample the
//! badge and ledger tests share.

use super::*;

const GOOD: &str = r#"
[[claim]]
id = "pid1-is-pause"
chapter = "hands-on"
seed = "Pause 容器进程 PID 为 1"
zh = "pause 是 PID 1"
en = "pause is PID 1"
verdict = "true"
tests = ["labs/demo/tests/demo.rs::pid_1_is_pause"]

[[claim]]
id = "default-image"
chapter = "configuration"
zh = "默认镜像"
en = "default image"
verdict = "corrected"
sources = ["https://example.org/x (shows x)"]
"#;

fn errors_of(text: &str) -> Vec<Diagnostic> {
    Registry::parse(text, "src/claims.toml").expect_err("the registry should be rejected")
}

#[test]
fn parses_a_good_registry_in_order() {
    let registry = Registry::parse(GOOD, "src/claims.toml").unwrap();
    let ids: Vec<_> = registry.claims.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["pid1-is-pause", "default-image"]);
    let first = registry.get("pid1-is-pause").unwrap();
    assert_eq!(first.line, 3);
    assert_eq!(first.verdict, Verdict::True);
    assert_eq!(
        first.tests,
        [TestRef {
            path: "labs/demo/tests/demo.rs".into(),
            function: "pid_1_is_pause".into()
        }]
    );
    assert_eq!(
        registry.get("default-image").unwrap().verdict,
        Verdict::Corrected
    );
    assert!(registry.get("nope").is_none());
}

#[test]
fn malformed_toml_names_file_and_line() {
    let errors = errors_of("[[claim]]\nid = \"a\"\nzh = \"unterminated\n");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].file, "src/claims.toml");
    assert_eq!(errors[0].line, 3, "{}", errors[0]);
    assert!(
        errors[0]
            .message
            .contains("malformed claims registry (column 19)"),
        "{}",
        errors[0]
    );
}

#[test]
fn missing_field_and_unknown_field_are_rejected() {
    let missing = errors_of(
        "[[claim]]\nid = \"a\"\nchapter = \"x\"\nen = \"e\"\nverdict = \"true\"\npending = \"lab\"\n",
    );
    assert!(missing[0].message.contains("zh"), "{}", missing[0]);
    assert!(missing[0].line >= 1);
    let typo = GOOD.replace("sources =", "source =");
    let unknown = errors_of(&typo);
    assert!(unknown[0].message.contains("source"), "{}", unknown[0]);
    assert_eq!(unknown[0].line, 17, "{}", unknown[0]);
}

#[test]
fn duplicate_id_is_rejected_with_both_lines() {
    let text = format!(
        "{GOOD}{}",
        &GOOD[..GOOD.find("\n[[claim]]\nid = \"default").unwrap()]
    );
    let errors = errors_of(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0]
            .message
            .contains("duplicate id (first defined at line 3)"),
        "{}",
        errors[0]
    );
    assert_eq!(errors[0].line, 20);
}

#[test]
fn bad_verdict_is_rejected_at_its_line() {
    let errors = errors_of(&GOOD.replace("verdict = \"corrected\"", "verdict = \"verified\""));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 16);
    assert!(
        errors[0].message.contains("`verified` is not one of"),
        "{}",
        errors[0]
    );
}

#[test]
fn claim_without_any_evidence_is_rejected() {
    let text = GOOD.replace("sources = [\"https://example.org/x (shows x)\"]", "");
    let errors = errors_of(&text);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .message
            .starts_with("claim `default-image`: no evidence"),
        "{}",
        errors[0]
    );
    assert_eq!(errors[0].line, 12);
    // pending alone is enough evidence for now
    let pending = text.replace(
        "verdict = \"corrected\"",
        "verdict = \"corrected\"\npending = \"labs/x\"",
    );
    assert!(Registry::parse(&pending, "f").is_ok());
}

#[test]
fn badly_shaped_id_and_test_entries_are_rejected() {
    let errors = errors_of(&GOOD.replace("\"pid1-is-pause\"", "\"Pid1_is\""));
    assert!(errors[0].message.contains("kebab-case"), "{}", errors[0]);
    let errors = errors_of(&GOOD.replace("demo.rs::pid_1_is_pause", "demo.rs"));
    assert!(
        errors[0].message.contains("must look like"),
        "{}",
        errors[0]
    );
    assert_eq!(errors[0].line, 9);
}

#[test]
fn test_entries_must_exist_and_define_the_fn() {
    let registry = Registry::parse(GOOD, "src/claims.toml").unwrap();
    let missing = registry.check_tests("src/claims.toml", &|_| None);
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].line, 9);
    assert!(
        missing[0].message.contains("does not exist"),
        "{}",
        missing[0]
    );

    let wrong_fn = registry.check_tests("src/claims.toml", &|_| {
        Some("fn pid_1_is_pause_too() {}".into())
    });
    assert!(
        wrong_fn[0].message.contains("has no `fn pid_1_is_pause`"),
        "{}",
        wrong_fn[0]
    );

    let fine = registry.check_tests("src/claims.toml", &|path| {
        (path == "labs/demo/tests/demo.rs").then(|| "#[test]\nfn pid_1_is_pause() {}".to_string())
    });
    assert!(fine.is_empty(), "{fine:?}");
}

#[test]
fn defines_fn_matches_whole_names_only() {
    assert!(defines_fn("fn a() {}", "a"));
    assert!(defines_fn("async fn a<T>() {}", "a"));
    assert!(!defines_fn("fn ab() {}", "a"));
    assert!(!defines_fn("fn a", "a"));
    assert!(!defines_fn("notfn a() {}", "a"));
}

/// Three claims that cover every verdict shape the badges and the ledger
/// render; shared by their tests.
pub(crate) fn sample() -> Registry {
    Registry::parse(
        r#"
[[claim]]
id = "pid1-is-pause"
chapter = "hands-on"
seed = "Pause 容器进程 PID 为 1 <b>"
zh = "pause 是 PID 1"
en = "pause is \"PID 1\""
verdict = "true"
tests = ["labs/demo/tests/demo.rs::pid_1_is_pause"]

[[claim]]
id = "default-image"
chapter = "configuration"
zh = "默认镜像"
en = "default image"
verdict = "outdated"
sources = ["https://example.org/x (shows x)"]
pending = "labs/docker-demo"

[[claim]]
id = "ledger-only"
chapter = "nowhere"
zh = "仅账本"
en = "ledger only"
verdict = "misleading"
sources = ["plain text source"]
"#,
        "src/claims.toml",
    )
    .unwrap()
}
