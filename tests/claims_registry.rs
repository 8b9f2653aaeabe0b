//! The claims registry (src/claims.toml) against the pages and the labs.

use book_tests::source::{language_pages, twins};
use book_tests::{assert_none, root};
use mdbook_claims::registry::Registry;
use std::collections::BTreeMap;

fn registry() -> Registry {
    let text = std::fs::read_to_string(root().join("src/claims.toml")).expect("src/claims.toml");
    Registry::parse(&text, "src/claims.toml").unwrap_or_else(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("src/claims.toml is invalid:\n  {}", lines.join("\n  "))
    })
}

#[test]
fn registry_is_well_formed() {
    let registry = registry();
    assert!(
        !registry.claims.is_empty(),
        "src/claims.toml lists no claims"
    );
}

#[test]
fn every_referenced_test_exists_and_defines_its_fn() {
    // A claim is "tested" only through `tests`; this is what keeps a badge
    // from saying tested without a test that exists.
    let read = |path: &str| std::fs::read_to_string(root().join(path)).ok();
    let problems: Vec<String> = registry()
        .check_tests("src/claims.toml", &read)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_none("claims whose tests do not exist", &problems);
}

#[test]
fn every_marker_names_a_known_claim() {
    let registry = registry();
    let mut problems = Vec::new();
    for page in language_pages(&root().join("src")) {
        for id in page.claim_ids() {
            if registry.get(&id).is_none() {
                problems.push(format!("{}: unknown claim id `{id}`", page.source_file()));
            }
        }
    }
    assert_none("markers of unknown claims", &problems);
}

#[test]
fn every_claim_is_marked_in_both_languages_of_its_chapter_or_only_in_the_ledger() {
    let registry = registry();
    let pages = language_pages(&root().join("src"));
    // id -> pages (zh/x.md, en/x.md) that mark it
    let mut marked: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for page in &pages {
        for id in page.claim_ids() {
            marked.entry(id).or_default().push(page.path.clone());
        }
    }
    let mut problems = Vec::new();
    for claim in &registry.claims {
        let Some(where_marked) = marked.get(&claim.id) else {
            continue; // listed only in the ledger
        };
        let expected = [
            format!("en/{}.md", claim.chapter),
            format!("zh/{}.md", claim.chapter),
        ];
        let mut found = where_marked.clone();
        found.sort();
        found.dedup();
        if found != expected {
            problems.push(format!(
                "src/claims.toml:{}: claim `{}` (chapter `{}`) is marked in {:?}; \
                 mark it in both src/zh/{2}.md and src/en/{2}.md, or in neither",
                claim.line, claim.id, claim.chapter, found
            ));
        }
    }
    assert_none("claims marked in the wrong places", &problems);
}

#[test]
fn both_ledger_pages_render_the_ledger() {
    let pages = language_pages(&root().join("src"));
    let (pairs, _) = twins(&pages);
    let ledgers: Vec<_> = pairs
        .iter()
        .filter(|(zh, _)| zh.path == "zh/claims.md")
        .collect();
    assert_eq!(
        ledgers.len(),
        1,
        "src/zh/claims.md and src/en/claims.md must both exist"
    );
    for page in [ledgers[0].0, ledgers[0].1] {
        assert!(
            page.text.contains("{{#claims-ledger}}"),
            "{} must contain {{{{#claims-ledger}}}}",
            page.source_file()
        );
    }
}
