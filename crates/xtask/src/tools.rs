//! The book's tools, pinned in this one place: mdbook and mdbook-mermaid.
//!
//! `ensure_book_tools` installs the pinned versions with `cargo install
//! --locked` when they are missing or of another version. The book-wide tests
//! (tests/support) include this file too, so they check the same pins.
//! Only std here: this file is compiled into both crates.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// A tool the book needs, installed from crates.io.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookTool {
    pub crate_name: &'static str,
    pub binary: &'static str,
    pub version: &'static str,
}

/// The pinned versions. mdbook-mermaid's generated mermaid.min.js and
/// mermaid-init.js (theme/) come from this same version.
pub const BOOK_TOOLS: [BookTool; 2] = [
    BookTool {
        crate_name: "mdbook",
        binary: "mdbook",
        version: "0.5.4",
    },
    BookTool {
        crate_name: "mdbook-mermaid",
        binary: "mdbook-mermaid",
        version: "0.17.1",
    },
];

/// An honest figure, measured on this project's 2-core machines.
pub const INSTALL_ESTIMATE: &str = "about 7 minutes on 2 cores for both tools; only the first time";

/// Where `cargo install` puts binaries: $CARGO_HOME/bin, else ~/.cargo/bin.
pub fn cargo_bin_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Some(PathBuf::from(home).join("bin"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo").join("bin"))
}

/// A PATH with cargo's bin directory first, so mdbook finds mdbook-mermaid
/// and both are the ones `cargo install` put there.
pub fn path_with_cargo_bin() -> std::ffi::OsString {
    let mut dirs: Vec<PathBuf> = cargo_bin_dir().into_iter().collect();
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// The program to run for `tool`: cargo's bin directory if it is there,
/// else whatever PATH finds.
pub fn tool_program(tool: &BookTool) -> PathBuf {
    cargo_bin_dir()
        .map(|dir| dir.join(tool.binary))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from(tool.binary))
}

/// The version `tool --version` reports (`mdbook v0.5.4` -> `0.5.4`), or
/// `None` if it cannot be run.
pub fn installed_version(tool: &BookTool) -> Option<String> {
    version_of(&tool_program(tool))
}

/// The last word of `<program> --version`, without a leading `v`.
fn version_of(program: &std::path::Path) -> Option<String> {
    let output = Command::new(program).arg("--version").output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let word = text.split_whitespace().last()?;
    Some(word.trim_start_matches('v').to_string())
}

/// Which pinned tools are missing or of another version, with what was found.
pub fn tools_to_install() -> Vec<(BookTool, Option<String>)> {
    BOOK_TOOLS
        .iter()
        .filter_map(|tool| {
            let found = installed_version(tool);
            (found.as_deref() != Some(tool.version)).then_some((*tool, found))
        })
        .collect()
}

/// Checks the pinned tools and installs those missing, showing cargo's own
/// progress, an estimate first and the elapsed time at the end.
pub fn ensure_book_tools() -> Result<(), String> {
    let missing = tools_to_install();
    if missing.is_empty() {
        return Ok(());
    }
    let mut specs = Vec::new();
    for (tool, found) in &missing {
        let why = match found {
            Some(version) => format!("version {version} found, {} pinned", tool.version),
            None => "not installed".to_string(),
        };
        eprintln!("book tools: {} {} ({why})", tool.crate_name, tool.version);
        specs.push(format!("{}@{}", tool.crate_name, tool.version));
    }
    eprintln!(
        "book tools: installing {} with `cargo install --locked`: {INSTALL_ESTIMATE}.",
        specs.join(" ")
    );
    let started = Instant::now();
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["install", "--locked"])
        .args(&specs)
        .status()
        .map_err(|err| format!("cannot run cargo install: {err}; is cargo on PATH?"))?;
    let elapsed = started.elapsed().as_secs();
    if !status.success() {
        return Err(format!(
            "`cargo install --locked {}` failed after {}m{:02}s ({status}); \
             check the network access to crates.io and the messages above",
            specs.join(" "),
            elapsed / 60,
            elapsed % 60
        ));
    }
    eprintln!(
        "book tools: installed in {}m{:02}s",
        elapsed / 60,
        elapsed % 60
    );
    let still = tools_to_install();
    if let Some((tool, found)) = still.first() {
        return Err(format!(
            "{} reports version {:?} after installing {}; is another {} earlier on PATH?",
            tool.binary, found, tool.version, tool.binary
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Removes the directory on drop, also when an assertion fails.
    struct TempDir(PathBuf);

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn reads_versions_as_both_tools_print_them() {
        let dir = std::env::temp_dir().join(format!("pause-book-tools-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let _cleanup = TempDir(dir.clone());
        // Written by a shell, not by this process: a write descriptor held
        // here while another test forks would make exec fail (ETXTBSY).
        let fake = |name: &str, script: &str| {
            let path = dir.join(name);
            let made = Command::new("sh")
                .arg("-c")
                .arg(r#"printf '#!/bin/sh\n%s\n' "$2" > "$1" && chmod 755 "$1""#)
                .args(["sh", path.to_str().unwrap(), script])
                .status()
                .unwrap();
            assert!(made.success());
            path
        };
        let mdbook = fake("mdbook", "echo mdbook v0.5.4");
        let mermaid = fake("mdbook-mermaid", "echo mdbook-mermaid 0.17.1");
        let broken = fake("broken", "exit 3");
        assert_eq!(version_of(&mdbook).as_deref(), Some("0.5.4"));
        assert_eq!(version_of(&mermaid).as_deref(), Some("0.17.1"));
        assert_eq!(version_of(&broken), None);
        assert_eq!(version_of(&dir.join("absent")), None);
    }
}
