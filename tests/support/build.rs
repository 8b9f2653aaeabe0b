//! Building the book with the pinned mdbook and mdbook-mermaid.

use crate::tools::{BOOK_TOOLS, installed_version, path_with_cargo_bin, tool_program};
use crate::{root, scratch_dir};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Ok when both pinned tools are installed at their pinned versions.
pub fn pinned_tools() -> Result<(), String> {
    for tool in &BOOK_TOOLS {
        match installed_version(tool) {
            Some(version) if version == tool.version => {}
            Some(version) => {
                return Err(format!(
                    "{} {version} is installed but {} is pinned; run `cargo xtask serve` or \
                     `cargo install --locked {}@{}`",
                    tool.binary, tool.version, tool.crate_name, tool.version
                ));
            }
            None => {
                return Err(format!(
                    "{} is not installed; run `cargo xtask serve` or `cargo install --locked {}@{}`",
                    tool.binary, tool.crate_name, tool.version
                ));
            }
        }
    }
    Ok(())
}

/// Runs `mdbook build -d <dest>` at the root; returns the time it took, or
/// mdbook's output (which names the failing file) on failure.
///
/// The preprocessor is compiled by a nested `cargo run`; it gets its own
/// target directory, as the outer `cargo test` holds the lock on target/.
pub fn build_book(dest: &Path) -> Result<Duration, String> {
    let mdbook = tool_program(&BOOK_TOOLS[0]);
    let started = Instant::now();
    let output = Command::new(&mdbook)
        .arg("build")
        .arg("-d")
        .arg(dest)
        .current_dir(root())
        .env("PATH", path_with_cargo_bin())
        .env("CARGO_TARGET_DIR", root().join("target").join("book-tools"))
        .output()
        .map_err(|err| format!("cannot run {}: {err}", mdbook.display()))?;
    let elapsed = started.elapsed();
    if output.status.success() {
        Ok(elapsed)
    } else {
        Err(format!(
            "`mdbook build` failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The book built once per test binary into target/book-tests/<name>; the
/// HTML book is its `html` directory (book.toml has two renderers: html and
/// zh-search, and mdBook gives each its own directory).
/// `None` (skip) when the pinned tools are missing outside strict mode; a
/// failing build always fails the test, with mdbook's message.
pub fn built_book(name: &str) -> Option<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    testkit::require("mdbook 0.5.4 and mdbook-mermaid 0.17.1", pinned_tools())?;
    let built = BUILT.get_or_init(|| {
        let dest = scratch_dir(name);
        build_book(&dest).map(|_| dest.join("html"))
    });
    match built {
        Ok(dest) => Some(dest.clone()),
        Err(message) => panic!("{message}"),
    }
}

/// Every file under `dir`, as sorted paths relative to it.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(rel) = path.strip_prefix(base) {
                out.push(rel.to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
