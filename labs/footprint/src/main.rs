//! `footprint`: how light is pause, measured against its peers in one run.
//! Run through `cargo xtask bench [--quick]`; see the chapter "How light is
//! pause, really" for what each figure means.
//!
//! - [`cli`]: the command line;
//! - [`bench`]: the benchmark, step by step;
//! - [`peers`]: the programs, built or found (a missing one is reported);
//! - [`measure`]: one init as PID 1 of a PID namespace, seen through /proc;
//! - [`orphans`]: the helper that makes orphans for an init to reap;
//! - [`pod`]: a pod's start by `setns-demo`, against util-linux;
//! - [`first_read`]: a fresh clone to the book's first page (`--first-read`);
//! - [`images`]: FROM-scratch images and their sizes;
//! - [`stats`]: medians and percentiles;
//! - [`machine`]: the machine and the date, for the results' first line;
//! - [`report`]: table and JSON; [`chart`]: the charts.

mod bench;
mod chart;
mod cli;
mod first_read;
mod images;
mod machine;
mod measure;
mod orphans;
mod peers;
mod pod;
mod report;
mod stats;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => bench::run(&cli.bench),
        Some(Command::PodStart { runs, setns_demo }) => pod_start_only(runs, setns_demo),
        Some(Command::FirstRead { mdbook }) => {
            let root = testkit::workspace_root();
            let f = first_read::measure(&root, &root.join("target/bench/work"), &mdbook)?;
            println!(
                "{f:?}: total {:.0} s, {:.2}x the baseline",
                f.total_s(),
                f.ratio()
            );
            Ok(())
        }
        Some(Command::MakeOrphans { n }) => orphans::run(n),
    }
}

/// `footprint pod-start [RUNS [SETNS_DEMO]]`: only the pod's start, printed
/// (a quick look while working on `setns-demo`, or at another build of it).
fn pod_start_only(runs: usize, setns_demo: Option<PathBuf>) -> anyhow::Result<()> {
    let work = testkit::workspace_root().join("target/bench/work");
    std::fs::create_dir_all(&work)
        .with_context(|| format!("cannot create the scratch directory {}", work.display()))?;
    let pause = testkit::workspace_static_binary("pause", "pause")
        .context("the pause lab's static binary did not build")?;
    let demo = match setns_demo {
        Some(path) => path,
        None => pod::build_setns_demo()?,
    };
    let times = pod::measure(&demo, &pause, &work, runs)?;
    println!(
        "run {:.0} µs, unshare {:.0} µs: {:.2}x; exec {:.0} µs, nsenter {:.0} µs: {:.2}x",
        times.run_us.median,
        times.unshare_us.median,
        times.run_ratio(),
        times.exec_us.median,
        times.nsenter_us.median,
        times.exec_ratio()
    );
    Ok(())
}
