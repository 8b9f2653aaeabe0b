//! The book's search box in headless Chromium: Chinese queries find their
//! page (the zh-search renderer segments the zh pages with jieba, and
//! theme/zh-search.js segments the query the same way), a query mixing
//! English and Chinese works, and English queries find exactly what they
//! found before: the same results as with the index mdBook wrote.

use book_tests::build::built_book;
use book_tests::{chromium, root, scratch_dir};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The same book with mdBook's own search index: a copy of the HTML book
/// with the index file replaced by the copy the zh-search renderer keeps
/// (`zh-search/searchindex.unsegmented.js` next to `html/`). One build, so
/// both have the same pages even while the sources change.
fn unsegmented_book(site: &Path) -> &'static Path {
    static COPY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let copy = COPY.get_or_init(|| {
        let original = site
            .parent()
            .unwrap()
            .join("zh-search/searchindex.unsegmented.js");
        let dest = scratch_dir("search-unsegmented");
        copy_tree(site, &dest).map_err(|err| format!("copy {}: {err}", site.display()))?;
        let index = std::fs::read_dir(&dest)
            .map_err(|err| err.to_string())?
            .flatten()
            .map(|entry| entry.path())
            .find(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("searchindex") && n.ends_with(".js"))
            })
            .ok_or("no searchindex-*.js in the built book")?;
        std::fs::copy(&original, &index).map_err(|err| format!("{}: {err}", original.display()))?;
        Ok(dest)
    });
    match copy {
        Ok(dir) => dir,
        Err(message) => panic!("{message}"),
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn percent_encode(query: &str) -> String {
    query
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The pages of the results (`zh/x.html`, best first) that the search box
/// of `page` shows for `query` (mdBook searches on `?search=`).
fn results(site: &Path, page: &str, query: &str) -> Vec<String> {
    let url = format!(
        "{}?search={}",
        chromium::file_url(&site.join(page)),
        percent_encode(query)
    );
    let parse = |dom: &str| -> Option<Vec<String>> {
        let list = dom.split("id=\"mdbook-searchresults\"").nth(1)?;
        let list = &list[..list.find("</ul>")?];
        let pages = list
            .split("<a href=\"")
            .skip(1)
            .filter_map(|link| link.split(['?', '#', '"']).next())
            .map(|href| href.trim_start_matches("../").to_string())
            .collect();
        Some(pages)
    };
    // A visit on a busy machine can end before the index has loaded: once
    // more, then it counts.
    let mut last = String::new();
    for _ in 0..2 {
        let visit = chromium::dump_dom_url(&url).unwrap_or_else(|message| panic!("{message}"));
        match parse(&visit.dom) {
            Some(pages) if !pages.is_empty() => return pages,
            _ => last = visit.dom,
        }
    }
    let header = last
        .split("searchresults-header\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or("no results header");
    eprintln!("{page}?search={query}: no results ({header})");
    Vec::new()
}

fn site() -> Option<PathBuf> {
    let dir = built_book("search")?;
    testkit::require("chromium", chromium::available())?;
    Some(dir)
}

/// Each Chinese term finds, first, the page a reader looks for. 命名空间
/// finds the glossary's section of that name, as "namespace" does in
/// English.
#[test]
fn chinese_terms_find_their_page_first() {
    let Some(site) = site() else { return };
    let expected = [
        ("僵尸进程", "zh/what-pause-does.html"),
        ("命名空间", "zh/glossary.html"),
        ("沙箱镜像", "zh/configuration.html"),
        ("孤儿", "zh/what-pause-does.html"),
        // A query that is not one word: cut into 僵尸, 进程, 的, 危害.
        ("僵尸进程的危害", "zh/what-pause-does.html"),
    ];
    let mut problems = Vec::new();
    for (query, page) in expected {
        let found = results(&site, "zh/index.html", query);
        if found.first().map(String::as_str) != Some(page) {
            problems.push(format!(
                "{query}: expected {page} first, got {:?}",
                &found[..found.len().min(3)]
            ));
        }
    }
    book_tests::assert_none("Chinese queries that miss their page", &problems);
}

#[test]
fn a_query_mixing_english_and_chinese_finds_a_page_with_both() {
    let Some(site) = site() else { return };
    let found = results(&site, "zh/index.html", "pause 信号");
    let first = found.first().expect("no result for `pause 信号`");
    assert!(first.starts_with("zh/"), "`pause 信号` finds {first} first");
    let source = std::fs::read_to_string(root().join("src").join(first.replace(".html", ".md")))
        .unwrap_or_else(|err| panic!("{first}: {err}"));
    assert!(
        source.contains("pause") && source.contains("信号"),
        "{first}, the first result for `pause 信号`, lacks one of the words"
    );
    let english_only = results(&site, "zh/index.html", "pause");
    assert_ne!(
        english_only.first(),
        Some(first),
        "`pause 信号` ranks like `pause` alone: 信号 played no part"
    );
}

#[test]
fn english_queries_find_what_they_found_before() {
    let Some(site) = site() else { return };
    let before = unsegmented_book(&site);
    let mut problems = Vec::new();
    for query in [
        "zombie",
        "sandbox image",
        "orphan",
        "namespace",
        "pinned",
        "SIGTERM",
    ] {
        let (now, then) = (
            results(&site, "en/index.html", query),
            results(before, "en/index.html", query),
        );
        if now.is_empty() || now != then {
            problems.push(format!("{query}: now {now:?}, before {then:?}"));
        }
    }
    book_tests::assert_none("English queries whose results changed", &problems);
}

/// The unsegmented index finds fewer pages for a Chinese term (only those
/// with a run of text that starts with it), so the tests above do not pass
/// by luck.
#[test]
fn without_segmentation_chinese_terms_find_less() {
    let Some(site) = site() else { return };
    let before = unsegmented_book(&site);
    for query in ["僵尸进程", "沙箱镜像"] {
        let (now, then) = (
            results(&site, "zh/index.html", query),
            results(before, "zh/index.html", query),
        );
        assert!(
            then.len() < now.len(),
            "{query}: {} results unsegmented, {} segmented",
            then.len(),
            now.len()
        );
    }
}
