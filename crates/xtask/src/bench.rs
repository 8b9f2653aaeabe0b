//! `cargo xtask bench [--quick] [--install-peers] [--first-read]`: how light
//! is pause, measured against its peers, how fast `setns-demo` builds a pod,
//! and (when asked: it takes minutes) how long a fresh clone takes to show
//! the book's first page. The measuring is the `footprint` crate's; this
//! task installs the peers when asked, then runs it in release mode and
//! keeps a copy of the results where the chapter includes them.

use anyhow::Context;

use crate::serve::repo_root;
use crate::test::packages::ensure_packages;

/// Debian's peers, and musl-gcc (musl-tools) for the musl C pause.
const PEERS: [&str; 4] = ["tini", "catatonit", "dumb-init", "musl-tools"];
const CHAPTER_COPY: &str = "labs/pause-tiny/bench";

/// `cargo xtask bench`'s flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Fewer samples: a quick look, not the chapter's figures
    #[arg(long)]
    quick: bool,
    /// Install the peers (tini, catatonit, dumb-init, musl-gcc) with apt-get first
    #[arg(long)]
    install_peers: bool,
    /// Also time a fresh clone to the book's first page: the task runner,
    /// the pinned mdbook and the first book build, from clean and offline
    /// (several minutes)
    #[arg(long)]
    first_read: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if args.install_peers {
        ensure_packages(&PEERS)?;
    }
    let mut footprint = testkit::run::cargo();
    footprint
        .current_dir(repo_root())
        .args(["run", "--release", "--quiet", "-p", "footprint", "--"])
        .args(["--out", "target/bench", "--copy-to", CHAPTER_COPY]);
    if args.quick {
        footprint.arg("--quick");
    }
    if args.first_read {
        let mdbook = crate::tools::MDBOOK;
        footprint
            .arg("--first-read")
            .arg(format!("{}@{}", mdbook.crate_name, mdbook.version));
    }
    let status = footprint.status().context("cannot run cargo")?;
    anyhow::ensure!(status.success(), "the benchmark failed ({status})");
    Ok(())
}
