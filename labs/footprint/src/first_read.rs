//! The first read: what a newcomer with only Rust waits for between a fresh
//! clone and the first page of the book: compiling the task runner, then
//! what `cargo xtask serve` does before its first page, run as `cargo xtask
//! serve --build-only` (installing the pinned mdbook while the book's
//! preprocessors compile, then the first `mdbook build`). Each step runs
//! from clean: a `CARGO_HOME` of its own whose `registry` is a link to
//! the crates already downloaded (so nothing is fetched: `--offline`), and
//! target directories of their own. Against a baseline measured in the same
//! run: a release build, from clean, of `serde_json`, a small crate that
//! every Rust machine has built.
//!
//! Slow (minutes): only with `--first-read`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use serde::{Deserialize, Serialize};

/// The steps, in seconds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FirstRead {
    /// The mdbook `serve --build-only` installs, as `--first-read` named it
    /// (`mdbook@VERSION`).
    pub mdbook: String,
    pub baseline_s: f64,
    /// `cargo build -p xtask`.
    pub task_runner_s: f64,
    /// `xtask serve --build-only`: mdbook installed while the preprocessors
    /// compile, then the first book build.
    pub book_s: f64,
}

impl FirstRead {
    pub fn total_s(&self) -> f64 {
        self.task_runner_s + self.book_s
    }

    pub fn ratio(&self) -> f64 {
        self.total_s() / self.baseline_s
    }
}

/// The crates cargo has downloaded: `$CARGO_HOME/registry`, else ~/.cargo/registry.
fn registry() -> anyhow::Result<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .context("neither CARGO_HOME nor HOME is set: set one to cargo's home")?;
    let registry = home.join("registry");
    ensure!(
        registry.join("cache").is_dir(),
        "no downloaded crates in {}: build the workspace once (online) first",
        registry.display()
    );
    Ok(registry)
}

/// `PATH` without the directories that hold an `mdbook`, so that `serve`
/// installs its own as on a fresh machine; `cargo` and `rustc` from such a
/// directory (cargo's own bin) stay reachable through links in `bin`.
fn path_without_mdbook(bin: &Path) -> anyhow::Result<std::ffi::OsString> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut kept = vec![bin.to_path_buf()];
    std::fs::create_dir_all(bin).with_context(|| format!("cannot create {}", bin.display()))?;
    for dir in std::env::split_paths(&path) {
        if !dir.join("mdbook").exists() {
            kept.push(dir);
            continue;
        }
        for tool in ["cargo", "rustc", "rustup"] {
            let (source, link) = (dir.join(tool), bin.join(tool));
            if source.exists() && !link.exists() {
                std::os::unix::fs::symlink(&source, &link)
                    .with_context(|| format!("cannot link {}", link.display()))?;
            }
        }
    }
    std::env::join_paths(kept).context("a PATH entry holds a ':'")
}

/// Runs `command` to its end; its wall-clock time in seconds.
fn timed(what: &str, command: &mut Command) -> anyhow::Result<f64> {
    eprintln!("      {what}...");
    let started = Instant::now();
    let out = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("{what}: cannot run {}", testkit::run::shown(command)))?;
    let took = started.elapsed().as_secs_f64();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        bail!(
            "{what} failed ({}): {}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        );
    }
    eprintln!("      {what}: {took:.0} s");
    Ok(took)
}

/// `mdbook` is `mdbook@VERSION`. `work` is a scratch directory (emptied).
pub fn measure(root: &Path, work: &Path, mdbook: &str) -> anyhow::Result<FirstRead> {
    // Absolute: the steps run in other directories than ours.
    let scratch = std::path::absolute(work.join("first-read"))
        .with_context(|| format!("cannot make {} absolute", work.display()))?;
    let _ = std::fs::remove_dir_all(&scratch);
    let home = scratch.join("cargo-home");
    std::fs::create_dir_all(&home).with_context(|| format!("cannot create {}", home.display()))?;
    std::os::unix::fs::symlink(registry()?, home.join("registry"))
        .with_context(|| format!("cannot link the registry into {}", home.display()))?;
    let cargo = |target: &Path| {
        let mut command = testkit::run::cargo();
        command
            .env("CARGO_HOME", &home)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_NET_OFFLINE", "true")
            .env_remove("RUSTFLAGS")
            .current_dir(root);
        command
    };

    // The baseline: a small known crate, from clean.
    let project = scratch.join("baseline");
    let write = |file: &str, text: &str| {
        let path = project.join(file);
        std::fs::create_dir_all(project.join("src"))
            .and_then(|()| std::fs::write(&path, text))
            .with_context(|| format!("cannot write the baseline's {}", path.display()))
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"first-read-baseline\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         [dependencies]\nserde_json = \"1\"\n[workspace]\n",
    )?;
    write("src/lib.rs", "pub use serde_json;\n")?;
    let baseline_s = timed(
        "baseline: cargo build --release of serde_json",
        cargo(&scratch.join("baseline-target"))
            .current_dir(&project)
            .args(["build", "--release", "--offline", "--quiet"]),
    )?;

    // A fresh clone: one target directory, as `cargo xtask serve` uses it.
    let clone_target = scratch.join("clone-target");
    let task_runner_s = timed(
        "the task runner: cargo build -p xtask",
        cargo(&clone_target).args(["build", "--offline", "--quiet", "-p", "xtask"]),
    )?;
    // What `cargo xtask serve` runs before it serves, into this run's own
    // CARGO_HOME (mdbook is installed in its bin) and target directory.
    let mut serve = Command::new(clone_target.join("debug/xtask"));
    serve
        .args(["serve", "--build-only"])
        .current_dir(root)
        .env("CARGO_HOME", &home)
        .env("CARGO_TARGET_DIR", &clone_target)
        .env("CARGO_NET_OFFLINE", "true")
        .env("PATH", path_without_mdbook(&scratch.join("bin"))?)
        .env_remove("RUSTFLAGS");
    let before = std::time::SystemTime::now();
    let book_s = timed(
        &format!("xtask serve --build-only ({mdbook} and the first book build)"),
        &mut serve,
    )?;
    let installed = home.join("bin/mdbook");
    let version = Command::new(&installed)
        .arg("--version")
        .output()
        .with_context(|| format!("serve --build-only installed no {}", installed.display()))?;
    let (_, pinned) = mdbook.split_once('@').unwrap_or(("", mdbook));
    ensure!(
        String::from_utf8_lossy(&version.stdout).contains(pinned),
        "serve --build-only installed mdbook {}, not {pinned}: is the pin in crates/xtask/src/tools.rs another?",
        String::from_utf8_lossy(&version.stdout).trim()
    );
    // book.toml's build-dir: the build writes the repository's own book.
    let first_page = root.join("target/book/html/en/index.html");
    let written = std::fs::metadata(&first_page).and_then(|meta| meta.modified());
    ensure!(
        written.is_ok_and(|time| time >= before),
        "serve --build-only wrote no {}",
        first_page.display()
    );
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(FirstRead {
        mdbook: mdbook.to_string(),
        baseline_s,
        task_runner_s,
        book_s,
    })
}
