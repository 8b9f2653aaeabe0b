//! No broken internal link or anchor in the built book.

use book_tests::build::{built_book, files_under};
use book_tests::{assert_none, links};

#[test]
fn no_broken_internal_links_or_anchors() {
    let Some(site) = built_book("links") else {
        return;
    };
    let pages: Vec<_> = files_under(&site)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        // 404.html is served from the site's root (`<base href="/">`), so its
        // links are absolute to the deployed site, not to this directory.
        .filter(|p| p.as_os_str() != "404.html")
        .collect();
    assert!(pages.len() > 10, "only {} pages were built", pages.len());
    let problems = links::broken_links(&site, &pages);
    assert_none(
        "broken links in the built book (paths under target/book-tests/links)",
        &problems,
    );
}
