//! `cargo xtask bench [--quick] [--install-peers]`: how light is pause,
//! measured against its peers. The measuring is the `footprint` crate's;
//! this task installs the peers when asked, then runs it in release mode
//! and keeps a copy of the results where the chapter includes them.

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
    let status = footprint.status().context("cannot run cargo")?;
    anyhow::ensure!(status.success(), "the benchmark failed ({status})");
    Ok(())
}
