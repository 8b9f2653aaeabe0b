//! Helpers for the book-wide tests in tests/.
//!
//! - [`source`]: the pages under src/ as the tests read them (headings, claim
//!   markers, includes, mermaid blocks) and their twins;
//! - [`build`]: building the book with the pinned tools;
//! - [`links`]: checking the built HTML's internal links and anchors;
//! - [`chromium`]: headless Chromium on built pages;
//! - [`tools`]: the pinned tool versions (`cargo xtask`'s own module).

pub mod build;
pub mod chromium;
pub mod links;
pub mod source;
pub mod webdriver;
pub use xtask::tools;

use std::path::{Path, PathBuf};

/// The repository's root (where book.toml is).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch directory under target/book-tests/, emptied first.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = root().join("target").join("book-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|err| panic!("cannot create {}: {err}", dir.display()));
    dir
}

/// Asserts that `problems` is empty, listing them one a line.
#[track_caller]
pub fn assert_none(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
