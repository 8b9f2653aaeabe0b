//! `cargo xtask serve [--port N] [--open]`: install mdbook if needed, then
//! `mdbook serve` the book at the repository's root. With `--labs`, the book
//! is built once and served by the local lab runner instead, so that its
//! Run buttons work ([`labs`]).
//!
//! Only mdbook is installed: the one thing mdbook-mermaid does at build time,
//! turning ```mermaid fences into `<pre class="mermaid">`, is done by our
//! light crates/mermaid-fence (the JS is in theme/ already). That saves a
//! compile, and the warning mdbook-mermaid prints when the mdbook calling it
//! is newer than the one it was built against, which a reader cannot act on.
//! book.toml still names mdbook-mermaid, for plain `mdbook build`.

use crate::tools::{self, InstallEvent};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

mod labs;

/// What `cargo xtask serve` runs for book.toml's `[preprocessor.mermaid]`.
const MERMAID_FENCE: &str = "cargo run --quiet --package mermaid-fence --";

/// `cargo xtask serve`'s flags.
#[derive(Debug, PartialEq, Eq, clap::Args)]
pub struct Args {
    /// Port to serve on
    #[arg(short, long, default_value_t = 3000, value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// Open the book in the default web browser
    #[arg(short, long, conflicts_with = "labs")]
    open: bool,
    /// Build the book and serve it with the local lab runner, so the Run
    /// buttons beside runnable listings run them on this machine
    #[arg(long)]
    labs: bool,
}

/// The repository's root, where book.toml is.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

/// Installs the pinned mdbook if it is missing, drawing cargo's progress as
/// a bar: crates built, crates left, the ones compiling now, time left.
fn install_mdbook() -> anyhow::Result<()> {
    let Some((tool, found)) = tools::missing_tools(&[tools::MDBOOK]).pop() else {
        return Ok(());
    };
    let why = match found {
        Some(version) => format!("{version} is installed"),
        None => "it is not installed".into(),
    };
    println!(
        "Installing mdbook {} ({why}): only the first time, a few minutes on 2 cores.",
        tool.version
    );
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed:>4} [{bar:30}] {pos}/{len} crates, about {eta} left: {wide_msg}",
        )
        .context("the progress bar's template")?
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    let started = Instant::now();
    let result = tools::install_tools(&[tool], &mut |event| match event {
        InstallEvent::Progress {
            done,
            total,
            building,
        } => {
            bar.set_length(total);
            bar.set_position(done);
            bar.set_message(building);
        }
        // Errors show at once; the rest of cargo's log is kept for a failure.
        InstallEvent::Line(line) if line.starts_with("error") => bar.println(line),
        InstallEvent::Line(_) => {}
    });
    bar.finish_and_clear();
    result.map_err(anyhow::Error::msg)?;
    let secs = started.elapsed().as_secs();
    println!(
        "mdbook {} installed in {}m{:02}s.",
        tool.version,
        secs / 60,
        secs % 60
    );
    Ok(())
}

/// mdBook with the book's tools on `PATH` and mermaid-fence for mermaid.
fn mdbook(root: &std::path::Path) -> Command {
    let mut command = Command::new(tools::tool_program(&tools::MDBOOK));
    command
        .current_dir(root)
        .env("PATH", tools::path_with_cargo_bin())
        // mdBook reads `MDBOOK_<table>__<key>` over book.toml.
        .env("MDBOOK_PREPROCESSOR__MERMAID__COMMAND", MERMAID_FENCE);
    command
}

pub fn run(options: Args) -> anyhow::Result<()> {
    install_mdbook()?;
    let root = repo_root();
    if options.labs {
        return labs::run(&root, options.port, mdbook(&root));
    }
    let base = format!("http://localhost:{}", options.port);
    println!("Serving the book from {} (Ctrl-C stops):", root.display());
    println!("  简体中文: {base}/zh/index.html");
    println!("  English:  {base}/en/index.html");
    println!("(the first build also compiles the book's two preprocessors: about a minute)");
    let mut command = mdbook(&root);
    command
        .arg("serve")
        .arg("--port")
        .arg(options.port.to_string());
    if options.open {
        command.arg("--open");
    }
    let status = command.status().context("cannot run mdbook")?;
    anyhow::ensure!(
        status.success(),
        "mdbook serve ended with {status}; if the port is taken, try --port {}",
        options.port.wrapping_add(1).max(1)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Serve {
        #[command(flatten)]
        args: Args,
    }

    fn parse(list: &[&str]) -> Result<Args, String> {
        Serve::try_parse_from(std::iter::once("serve").chain(list.iter().copied()))
            .map(|serve| serve.args)
            .map_err(|err| err.to_string())
    }

    #[test]
    fn defaults_and_flags() {
        assert_eq!(
            parse(&[]).unwrap(),
            Args {
                port: 3000,
                open: false,
                labs: false
            }
        );
        assert_eq!(
            parse(&["--port", "8080", "--open"]).unwrap(),
            Args {
                port: 8080,
                open: true,
                labs: false
            }
        );
        assert_eq!(
            parse(&["--labs", "-p", "3100"]).unwrap(),
            Args {
                port: 3100,
                open: false,
                labs: true
            }
        );
        assert_eq!(parse(&["-p=4000"]).unwrap().port, 4000);
        assert_eq!(parse(&["-p", "4001", "-o"]).unwrap().port, 4001);
        let help = parse(&["--help"]).unwrap_err();
        assert!(
            help.contains("--port") && help.contains("--open") && help.contains("--labs"),
            "{help}"
        );
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert!(
            parse(&["--port"])
                .unwrap_err()
                .contains("a value is required")
        );
        assert!(parse(&["--port", "0"]).unwrap_err().contains("'0'"));
        assert!(
            parse(&["--port", "http"])
                .unwrap_err()
                .contains("invalid digit")
        );
        assert!(
            parse(&["--bind", "x"])
                .unwrap_err()
                .contains("unexpected argument '--bind'")
        );
        assert!(parse(&["--open=yes"]).unwrap_err().contains("--open"));
        // The runner prints its URLs; it opens no browser.
        assert!(
            parse(&["--labs", "--open"])
                .unwrap_err()
                .contains("cannot be used with")
        );
        assert!(parse(&["--labs=1"]).unwrap_err().contains("--labs"));
    }
}
