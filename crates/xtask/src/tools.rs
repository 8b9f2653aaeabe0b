//! The book's tools, pinned in this one place: mdbook and mdbook-mermaid.
//!
//! `ensure_book_tools` installs the pinned versions with `cargo install
//! --locked` when they are missing or of another version; `install_tools`
//! does it for a chosen few, reporting cargo's progress as events (the
//! progress bar of `cargo xtask serve` draws them). The book-wide tests
//! (tests/support) use this module too (`xtask::tools`), so they check the same pins.
//! Only std and thiserror here: the book-wide tests link it.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Instant;

/// Why the book's tools could not be installed, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// cargo itself could not be started.
    #[error("cannot run cargo: {0}; is cargo on PATH?")]
    Spawn(#[source] std::io::Error),
    /// cargo started, but waiting for it failed.
    #[error("cannot wait for cargo: {0}")]
    Wait(#[source] std::io::Error),
    /// `cargo install` ran and failed; `last_lines` is the end of its output.
    #[error(
        "`cargo install --locked {specs}` failed after {}m{:02}s ({status}); its last lines:\n{last_lines}\n\
         check the network access to crates.io and the messages above",
        elapsed_secs / 60,
        elapsed_secs % 60
    )]
    Failed {
        specs: String,
        elapsed_secs: u64,
        status: ExitStatus,
        last_lines: String,
    },
    /// The install succeeded, but the tool we run is not the pinned one.
    #[error(
        "{binary} reports version {found:?} after installing {pinned}; is another {binary} earlier on PATH?"
    )]
    WrongVersion {
        binary: &'static str,
        found: Option<String>,
        pinned: &'static str,
    },
}

/// A tool the book needs, installed from crates.io.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookTool {
    pub crate_name: &'static str,
    pub binary: &'static str,
    pub version: &'static str,
}

/// mdbook itself: `cargo xtask serve` needs only this one.
pub const MDBOOK: BookTool = BookTool {
    crate_name: "mdbook",
    binary: "mdbook",
    version: "0.5.4",
};

/// mdbook-mermaid, which book.toml names for ```mermaid fences. Plain
/// `mdbook build` and the book-wide tests use it; `cargo xtask serve` does
/// the same rewrite with crates/mermaid-fence instead, one compile less.
pub const MDBOOK_MERMAID: BookTool = BookTool {
    crate_name: "mdbook-mermaid",
    binary: "mdbook-mermaid",
    version: "0.17.1",
};

/// The pinned versions. mdbook-mermaid's generated mermaid.min.js and
/// mermaid-init.js (theme/) come from this same version.
pub const BOOK_TOOLS: [BookTool; 2] = [MDBOOK, MDBOOK_MERMAID];

/// An honest figure, measured on this project's 2-core machines.
pub const INSTALL_ESTIMATE: &str = "about 3 minutes on 2 cores for both tools; only the first time";

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

/// Which of `tools` are missing or of another version, with what was found.
pub fn missing_tools(tools: &[BookTool]) -> Vec<(BookTool, Option<String>)> {
    tools
        .iter()
        .filter_map(|tool| {
            let found = installed_version(tool);
            (found.as_deref() != Some(tool.version)).then_some((*tool, found))
        })
        .collect()
}

/// Which pinned tools are missing or of another version, with what was found.
pub fn tools_to_install() -> Vec<(BookTool, Option<String>)> {
    missing_tools(&BOOK_TOOLS)
}

/// Where `cargo install` builds the book tools: one directory for all of
/// them and for every run, so that the crates their dependency trees share
/// (at the versions their lock files pin) are compiled once.
pub fn install_target_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join("target")
        });
    target.join("book-tools")
}

/// What an install reports while it runs.
#[derive(Debug, PartialEq, Eq)]
pub enum InstallEvent {
    /// Cargo's own progress: `done` of `total` crates built, `building` the
    /// ones being compiled now.
    Progress {
        done: u64,
        total: u64,
        building: String,
    },
    /// Any other line of cargo's output (kept to explain a failure).
    Line(String),
}

/// Parses cargo's progress line (`Building [==>  ] 97/229: serde, syn`).
pub fn parse_progress(line: &str) -> Option<InstallEvent> {
    let rest = line.trim_start().strip_prefix("Building")?;
    let (_, counts) = rest.split_once(']')?;
    let (counts, building) = counts.split_once(':').unwrap_or((counts, ""));
    let (done, total) = counts.trim().split_once('/')?;
    Some(InstallEvent::Progress {
        done: done.parse().ok()?,
        total: total.parse().ok()?,
        building: building.trim().to_string(),
    })
}

/// The book tools are built without optimisation: measured on 2 cores,
/// `cargo install` of mdbook then takes 73 s instead of 166 s, and a build
/// of this book about 1 s longer (its time goes to the preprocessors, not
/// to mdbook). A reader who wants an optimised mdbook installs it with
/// plain `cargo install --locked`: any build of the pinned version is used.
pub const UNOPTIMISED: [(&str, &str); 2] = [
    ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0"),
    ("CARGO_PROFILE_RELEASE_DEBUG", "0"),
];

/// Runs a cargo `command` to its end, telling `report` its progress and
/// every other line of its output; returns its status and those lines.
/// Cargo prints its progress line even when its output is a pipe
/// (`CARGO_TERM_PROGRESS_WHEN=always`), which is how we read it.
pub fn follow_cargo(
    command: &mut Command,
    report: &mut dyn FnMut(InstallEvent),
) -> Result<(ExitStatus, Vec<String>), InstallError> {
    let mut child = command
        .env("CARGO_TERM_PROGRESS_WHEN", "always")
        .env("CARGO_TERM_PROGRESS_WIDTH", "400")
        .env("CARGO_TERM_COLOR", "never")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(InstallError::Spawn)?;
    let mut lines: Vec<String> = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        // The progress line is redrawn with `\r`, other lines end in `\n`.
        for segment in std::io::BufReader::new(stderr).split(b'\r') {
            let Ok(segment) = segment else { break };
            for line in String::from_utf8_lossy(&segment).split('\n') {
                let line = line.trim_end();
                if line.trim().is_empty() {
                    continue;
                }
                match parse_progress(line) {
                    Some(event) => report(event),
                    None => {
                        lines.push(line.to_string());
                        report(InstallEvent::Line(line.to_string()));
                    }
                }
            }
        }
    }
    let status = child.wait().map_err(InstallError::Wait)?;
    Ok((status, lines))
}

/// Installs `tools` that are missing or of another version with `cargo
/// install --locked` into one shared target directory, without optimisation
/// ([`UNOPTIMISED`]), telling `report` what cargo does.
pub fn install_tools(
    tools: &[BookTool],
    report: &mut dyn FnMut(InstallEvent),
) -> Result<(), InstallError> {
    let missing = missing_tools(tools);
    if missing.is_empty() {
        return Ok(());
    }
    let specs: Vec<String> = missing
        .iter()
        .map(|(tool, _)| format!("{}@{}", tool.crate_name, tool.version))
        .collect();
    let started = Instant::now();
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo
        .args(["install", "--locked"])
        .args(&specs)
        .env("CARGO_TARGET_DIR", install_target_dir());
    for (name, value) in UNOPTIMISED {
        cargo.env(name, value);
    }
    let (status, tail) = follow_cargo(&mut cargo, report)?;
    let elapsed = started.elapsed().as_secs();
    if !status.success() {
        let last: Vec<&str> = tail
            .iter()
            .rev()
            .take(30)
            .rev()
            .map(String::as_str)
            .collect();
        return Err(InstallError::Failed {
            specs: specs.join(" "),
            elapsed_secs: elapsed,
            status,
            last_lines: last.join("\n"),
        });
    }
    if let Some((tool, found)) = missing_tools(tools).into_iter().next() {
        return Err(InstallError::WrongVersion {
            binary: tool.binary,
            found,
            pinned: tool.version,
        });
    }
    Ok(())
}

/// Checks the pinned tools and installs those missing, printing cargo's
/// output as it comes, an estimate first and the elapsed time at the end.
pub fn ensure_book_tools() -> Result<(), InstallError> {
    let missing = tools_to_install();
    if missing.is_empty() {
        return Ok(());
    }
    for (tool, found) in &missing {
        let why = match found {
            Some(version) => format!("version {version} found, {} pinned", tool.version),
            None => "not installed".to_string(),
        };
        eprintln!("book tools: {} {} ({why})", tool.crate_name, tool.version);
    }
    eprintln!("book tools: installing with `cargo install --locked`: {INSTALL_ESTIMATE}.");
    let started = Instant::now();
    let mut shown = 0;
    install_tools(&BOOK_TOOLS, &mut |event| match event {
        InstallEvent::Progress { done, total, .. } if done >= shown + 20 => {
            shown = done;
            eprintln!("book tools: {done}/{total} crates built");
        }
        InstallEvent::Progress { .. } => {}
        InstallEvent::Line(line) => eprintln!("{line}"),
    })?;
    let elapsed = started.elapsed().as_secs();
    eprintln!(
        "book tools: installed in {}m{:02}s",
        elapsed / 60,
        elapsed % 60
    );
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
    fn reads_cargos_progress_line() {
        let line = "    Building [=======>          ] 97/229: serde, syn(build), mdbook-html";
        assert_eq!(
            parse_progress(line),
            Some(InstallEvent::Progress {
                done: 97,
                total: 229,
                building: "serde, syn(build), mdbook-html".into()
            })
        );
        assert_eq!(
            parse_progress("    Building [=>   ] 3/229"),
            Some(InstallEvent::Progress {
                done: 3,
                total: 229,
                building: String::new()
            })
        );
        assert_eq!(parse_progress("   Compiling serde v1.0.228"), None);
        assert_eq!(parse_progress("    Building [==> ] many/229: x"), None);
    }

    #[test]
    fn install_errors_say_what_to_check() {
        let spawn = InstallError::Spawn(std::io::ErrorKind::NotFound.into());
        assert!(
            spawn.to_string().starts_with("cannot run cargo: "),
            "{spawn}"
        );
        assert!(
            spawn.to_string().ends_with("; is cargo on PATH?"),
            "{spawn}"
        );
        let wrong = InstallError::WrongVersion {
            binary: "mdbook",
            found: Some("0.4.0".into()),
            pinned: "0.5.4",
        };
        assert_eq!(
            wrong.to_string(),
            "mdbook reports version Some(\"0.4.0\") after installing 0.5.4; is another mdbook earlier on PATH?"
        );
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
