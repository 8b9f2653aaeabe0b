//! `cargo xtask serve [--port N] [--open]`: install mdbook if needed while
//! the book's preprocessors compile ([`prepare`]), then `mdbook serve` the
//! book at the repository's root. With `--labs`, the book is built once and
//! served by the local lab runner instead, so that its Run buttons work
//! ([`labs`]); with `--build-only`, it is built once and not served.
//!
//! Only mdbook is installed: the one thing mdbook-mermaid does at build time,
//! turning ```mermaid fences into `<pre class="mermaid">`, is done by our
//! light crates/mermaid-fence (the JS is in theme/ already). That saves a
//! compile, and the warning mdbook-mermaid prints when the mdbook calling it
//! is newer than the one it was built against, which a reader cannot act on.
//! book.toml still names mdbook-mermaid, for plain `mdbook build`.

use crate::tools;
use anyhow::Context;
use std::path::PathBuf;
use std::process::Command;

mod labs;
mod prepare;

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
    /// Build the book once into target/book/html (installing mdbook if
    /// needed) and stop, without serving it
    #[arg(long, conflicts_with_all = ["labs", "open"])]
    build_only: bool,
}

/// The repository's root, where book.toml is.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
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

/// `mdbook build` into book.toml's build-dir; the html renderer's folder.
fn build_book(root: &std::path::Path) -> anyhow::Result<PathBuf> {
    let status = mdbook(root)
        .arg("build")
        .status()
        .context("cannot run mdbook build")?;
    anyhow::ensure!(
        status.success(),
        "mdbook build ended with {status}: its messages above name the page"
    );
    // mdBook gives each renderer a folder of its own.
    Ok(root.join("target").join("book").join("html"))
}

pub fn run(options: Args) -> anyhow::Result<()> {
    let root = repo_root();
    if options.labs {
        // Before minutes of building.
        labs::check_port(options.port)?;
    }
    prepare::prepare(&root)?;
    if options.labs {
        return labs::run(&root, options.port);
    }
    if options.build_only {
        let book = build_book(&root)?;
        println!(
            "The book is built: open {}",
            book.join("index.html").display()
        );
        return Ok(());
    }
    let base = format!("http://localhost:{}", options.port);
    println!("Serving the book from {} (Ctrl-C stops):", root.display());
    println!("  简体中文: {base}/zh/index.html");
    println!("  English:  {base}/en/index.html");
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
                labs: false,
                build_only: false
            }
        );
        assert_eq!(
            parse(&["--port", "8080", "--open"]).unwrap(),
            Args {
                port: 8080,
                open: true,
                labs: false,
                build_only: false
            }
        );
        assert_eq!(
            parse(&["--labs", "-p", "3100"]).unwrap(),
            Args {
                port: 3100,
                open: false,
                labs: true,
                build_only: false
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
        assert!(parse(&["--build-only"]).unwrap().build_only);
        for other in ["--labs", "--open"] {
            assert!(
                parse(&["--build-only", other])
                    .unwrap_err()
                    .contains("cannot be used with"),
                "{other}"
            );
        }
    }
}
