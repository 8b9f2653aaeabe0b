//! Every page under src/zh has its twin under src/en and the two share their
//! skeleton: headings, claim markers, included listings and diagrams.

use book_tests::source::{Page, language_pages, twins};
use book_tests::{assert_none, root};

fn pages() -> Vec<Page> {
    let pages = language_pages(&root().join("src"));
    assert!(pages.len() >= 2, "no pages found under src/zh and src/en");
    pages
}

#[test]
fn every_page_has_its_twin() {
    let (_, orphans) = twins(&pages());
    assert_none("pages without a twin", &orphans);
}

#[test]
fn every_page_is_in_the_summary() {
    let summary = std::fs::read_to_string(root().join("src/SUMMARY.md")).expect("src/SUMMARY.md");
    let problems: Vec<String> = pages()
        .iter()
        .filter(|page| !summary.contains(&format!("]({})", page.path)))
        .map(|page| {
            format!(
                "{} is not listed in src/SUMMARY.md, so it is not built",
                page.source_file()
            )
        })
        .collect();
    assert_none("pages missing from SUMMARY.md", &problems);
}

#[test]
fn twins_have_the_same_heading_structure() {
    let pages = pages();
    let (pairs, _) = twins(&pages);
    let mut problems = Vec::new();
    for (zh, en) in pairs {
        let (zh_heads, en_heads) = (zh.headings(), en.headings());
        let first_difference = zh_heads
            .iter()
            .zip(&en_heads)
            .find(|(a, b)| a.level != b.level);
        if let Some((a, b)) = first_difference {
            problems.push(format!(
                "{}:{} is a level-{} heading ({:?}) but its twin {}:{} is level {} ({:?})",
                zh.source_file(),
                a.line,
                a.level,
                a.text,
                en.source_file(),
                b.line,
                b.level,
                b.text
            ));
        } else if zh_heads.len() != en_heads.len() {
            let (longer, heads) = if zh_heads.len() > en_heads.len() {
                (zh, &zh_heads)
            } else {
                (en, &en_heads)
            };
            let extra = &heads[zh_heads.len().min(en_heads.len())];
            problems.push(format!(
                "{} has {} headings, {} has {}: the first extra one is {}:{} {:?}",
                zh.source_file(),
                zh_heads.len(),
                en.source_file(),
                en_heads.len(),
                longer.source_file(),
                extra.line,
                extra.text
            ));
        }
    }
    assert_none("twins with different headings", &problems);
}

#[test]
fn twins_have_the_same_claim_markers() {
    let pages = pages();
    let (pairs, _) = twins(&pages);
    let problems: Vec<String> = pairs
        .into_iter()
        .filter(|(zh, en)| zh.claim_ids() != en.claim_ids())
        .map(|(zh, en)| {
            format!(
                "{} marks {:?} but {} marks {:?} (same ids, same order)",
                zh.source_file(),
                zh.claim_ids(),
                en.source_file(),
                en.claim_ids()
            )
        })
        .collect();
    assert_none("twins with different claim markers", &problems);
}

/// Includes with a language part (`chart.zh.svg` / `chart.en.svg`, a
/// figure drawn in the page's language) count as the same listing.
fn same_listing(includes: &[String], lang: &str) -> Vec<String> {
    let part = format!(".{lang}.");
    includes
        .iter()
        .map(|target| target.replace(&part, ".LANG."))
        .collect()
}

#[test]
fn twins_include_the_same_listings() {
    let pages = pages();
    let (pairs, _) = twins(&pages);
    let problems: Vec<String> = pairs
        .into_iter()
        .filter(|(zh, en)| same_listing(&zh.includes(), "zh") != same_listing(&en.includes(), "en"))
        .map(|(zh, en)| {
            format!(
                "{} includes {:?} but {} includes {:?}",
                zh.source_file(),
                zh.includes(),
                en.source_file(),
                en.includes()
            )
        })
        .collect();
    assert_none("twins with different {{#include}}s", &problems);
}

#[test]
fn included_files_exist() {
    let mut problems = Vec::new();
    for page in pages() {
        let dir = root().join("src").join(&page.path);
        let dir = dir.parent().expect("pages are in a directory");
        for target in page.includes() {
            // `path:anchor` or `path:1:10`; the path never contains ':'.
            let file = target.split(':').next().unwrap_or_default();
            if !dir.join(file).is_file() {
                problems.push(format!(
                    "{} includes {target:?} but {} does not exist",
                    page.source_file(),
                    dir.join(file).display()
                ));
            }
        }
    }
    assert_none("includes of missing files", &problems);
}

#[test]
fn twins_have_the_same_mermaid_diagrams() {
    let pages = pages();
    let (pairs, _) = twins(&pages);
    let mut problems = Vec::new();
    for (zh, en) in pairs {
        let (zh_blocks, en_blocks) = (zh.mermaid_blocks(), en.mermaid_blocks());
        if zh_blocks.len() != en_blocks.len() {
            problems.push(format!(
                "{} has {} mermaid blocks, {} has {}",
                zh.source_file(),
                zh_blocks.len(),
                en.source_file(),
                en_blocks.len()
            ));
            continue;
        }
        for (a, b) in zh_blocks.iter().zip(&en_blocks) {
            if a.shape() != b.shape() {
                problems.push(format!(
                    "{}:{} and {}:{} differ in shape (type, statements, arrows): {:?} vs {:?}",
                    zh.source_file(),
                    a.line,
                    en.source_file(),
                    b.line,
                    a.shape(),
                    b.shape()
                ));
            }
        }
    }
    assert_none("twins with different diagrams", &problems);
}

#[test]
fn both_languages_list_their_pages_in_the_same_order() {
    let summary = std::fs::read_to_string(root().join("src/SUMMARY.md")).expect("src/SUMMARY.md");
    let listed = |lang: &str| -> Vec<String> {
        summary
            .match_indices(&format!("]({lang}/"))
            .filter_map(|(at, _)| {
                let rest = &summary[at + 2..];
                rest.find(')')
                    .map(|end| rest[lang.len() + 1..end].to_string())
            })
            .collect()
    };
    let (zh, en) = (listed("zh"), listed("en"));
    assert!(!zh.is_empty(), "src/SUMMARY.md lists no zh/ page");
    assert_eq!(
        zh, en,
        "src/SUMMARY.md: the zh/ and en/ entries differ (left zh, right en)"
    );
}
