//! The command line and what the runner is set up with.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Concurrent runs at most, over all pages.
pub const MAX_RUNS: usize = 4;

/// Serves the built book on 127.0.0.1 and runs, for its pages, the labs'
/// transcripts marked runnable: only those, by id. Ctrl-C stops the runner
/// and removes everything its runs made.
#[derive(Debug, Clone, Parser)]
#[command(name = "lab-runner", version)]
pub struct Args {
    /// The built book (mdbook's html output folder).
    #[arg(long)]
    pub book: PathBuf,
    /// The port on 127.0.0.1 (0: any free one, printed at start).
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// The workspace root, whose labs/*/transcripts list what may run
    /// [default: the workspace around the current folder].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Where the lab binaries are (pause, setns-demo, zombie-reaping)
    /// [default: the folder of this executable].
    #[arg(long)]
    pub bin_dir: Option<PathBuf>,
    /// Seconds one command may take before its run is killed.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub step_timeout: u64,
    /// Seconds a whole run may take before it is killed.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub run_timeout: u64,
    /// Tests only: one more labs-like folder (DIR/<lab>/transcripts/) whose
    /// runnable transcripts join the allowlist.
    #[arg(long, hide = true)]
    pub extra_transcripts: Option<PathBuf>,
}

/// The settings a run is made with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub book: PathBuf,
    pub root: PathBuf,
    pub bin_dir: PathBuf,
    pub step_timeout: Duration,
    pub run_timeout: Duration,
    /// How long a run waits for its first events connection, and for a new
    /// one after the last closed, before it is stopped.
    pub connect_grace: Duration,
    pub reconnect_grace: Duration,
    /// How long a finished run's events stay readable.
    pub keep_finished: Duration,
    pub max_runs: usize,
    pub is_root: bool,
}

impl Settings {
    pub fn from_args(args: &Args) -> std::io::Result<Settings> {
        let cwd = std::env::current_dir()?;
        let root = match &args.root {
            Some(root) => root.clone(),
            None => transcripts::workspace_root(&cwd).unwrap_or(cwd),
        };
        let bin_dir = match &args.bin_dir {
            Some(dir) => dir.clone(),
            None => std::env::current_exe()?
                .parent()
                .map(PathBuf::from)
                .unwrap_or_default(),
        };
        Ok(Settings {
            book: args.book.clone(),
            root: std::path::absolute(root)?,
            bin_dir: std::path::absolute(bin_dir)?,
            step_timeout: Duration::from_secs(args.step_timeout),
            run_timeout: Duration::from_secs(args.run_timeout),
            connect_grace: Duration::from_secs(10),
            reconnect_grace: Duration::from_secs(2),
            keep_finished: Duration::from_secs(60),
            max_runs: MAX_RUNS,
            is_root: nix::unistd::geteuid().is_root(),
        })
    }
}
