//! The benchmark, step by step: find the programs, then measure their
//! images, idle cost, start and stop, reaping, a pod's start and (when
//! asked) the first read; print the table and write the results.
//!
//! A program that cannot be had, or a figure that cannot be measured, is
//! kept in the results with the reason: the run goes on without it.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;

use crate::cli::BenchArgs;
use crate::measure::{self, Snapshot};
use crate::peers::{self, Peer};
use crate::pod::{self, PodStart};
use crate::report::{Row, Run};
use crate::stats::Spread;
use crate::{first_read, images, machine};

/// Reaping is measured this many times per program; the median is kept.
const REAP_ROUNDS: usize = 5;
/// Idle memory is read from this many copies of each program, idle side by
/// side; the median is kept (where the stack starts in its page is random,
/// so one copy may touch a stack page more than the next). With five, the
/// median of two programs whose pages match outside the stack still came
/// out a stack page apart in one run of two; 21 keep that chance small.
const IDLE_COPIES: usize = 21;

/// A program found, and the index of its row.
type Present = Vec<(usize, Peer)>;

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let root = testkit::workspace_root();
    let work = args.out.join("work");
    std::fs::create_dir_all(&work)
        .with_context(|| format!("cannot create the scratch directory {}", work.display()))?;
    let (idle, runs, orphans) = if args.quick {
        (Duration::from_secs(3), 10, 1_000)
    } else {
        (Duration::from_secs(10), 30, 10_000)
    };

    progress(1, "building and finding the programs");
    let (mut rows, present) = find_peers(&work);

    progress(2, "image sizes (FROM scratch)");
    image_sizes(&root, &work, &present, &mut rows);

    progress(
        3,
        &format!(
            "idle memory and cost, {IDLE_COPIES} copies of each, all at once, over {} s",
            idle.as_secs()
        ),
    );
    idle_cost(&present, &mut rows, idle);

    progress(
        4,
        &format!("start-up and SIGTERM to exit, {runs} runs each"),
    );
    start_and_stop(&present, &mut rows, runs);

    progress(
        5,
        &format!("reaping {orphans} zombies handed over at once, {REAP_ROUNDS} rounds each"),
    );
    reaping(&present, &mut rows, orphans);

    progress(
        6,
        &format!("a pod's start: setns-demo against util-linux, {runs} runs each"),
    );
    let pod_start = pod_start(&present, &work, runs);

    let first_read = args.first_read.as_ref().map(|mdbook| {
        progress(
            7,
            "the first read: a fresh clone to the book's first page (minutes)",
        );
        first_read::measure(&root, &work, mdbook)
    });

    let (pod_start, pod_start_missing) = match pod_start {
        Ok(times) => (Some(times), None),
        Err(e) => (None, Some(format!("{e:#}"))),
    };
    let (first_read, first_read_missing) = match first_read {
        None => (
            None,
            Some("not asked (cargo xtask bench --first-read)".into()),
        ),
        Some(Err(e)) => (None, Some(format!("{e:#}"))),
        Some(Ok(figures)) => (Some(figures), None),
    };
    let run = Run {
        machine: machine::describe(),
        date: machine::command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        quick: args.quick,
        idle_seconds: idle.as_secs(),
        runs,
        orphans,
        reap_rounds: REAP_ROUNDS,
        baseline: peers::BASELINE.into(),
        idle_copies: IDLE_COPIES,
        rows,
        pod_start,
        pod_start_missing,
        first_read,
        first_read_missing,
    };
    let markdown = run.markdown();
    println!("\n{markdown}");
    for dir in std::iter::once(&args.out).chain(&args.copy_to) {
        run.write_all(dir, &markdown)?;
        eprintln!("wrote {}/latest.{{md,json,zh.svg,en.svg}}", dir.display());
    }
    Ok(())
}

fn progress(step: usize, what: &str) {
    eprintln!("[{step}] {what}");
}

/// Step 1: a row for every peer, the missing ones with why; the present ones.
fn find_peers(work: &Path) -> (Vec<Row>, Present) {
    let mut rows = Vec::new();
    let mut present = Vec::new();
    for found in peers::all(work) {
        match found {
            Ok(peer) => {
                eprintln!("      {:<11} {}", peer.key, peer.argv.join(" "));
                rows.push(Row {
                    key: peer.key.clone(),
                    label: peer.label.clone(),
                    command: peer.argv.join(" "),
                    binary_bytes: std::fs::metadata(&peer.binary).ok().map(|m| m.len()),
                    ..Row::default()
                });
                present.push((rows.len() - 1, peer));
            }
            Err(missing) => {
                eprintln!("      {:<11} MISSING: {}", missing.key, missing.why);
                rows.push(Row {
                    label: missing.key.clone(),
                    key: missing.key,
                    missing: Some(missing.why),
                    ..Row::default()
                });
            }
        }
    }
    (rows, present)
}

/// Step 2: each present peer's FROM-scratch image, if Docker answers.
fn image_sizes(root: &Path, work: &Path, present: &Present, rows: &mut [Row]) {
    if let Err(why) = images::docker_available() {
        for (i, _) in present {
            rows[*i].problems.push(format!("image: {why:#}"));
        }
        return;
    }
    for (i, peer) in present {
        match images::image_size(root, peer, work) {
            Ok(size) => rows[*i].image_bytes = Some(size),
            Err(e) => rows[*i].problems.push(format!("image: {e:#}")),
        }
        eprintln!("      {:<11} {:?}", peer.key, rows[*i].image_bytes);
    }
    eprintln!("      kept {}", images::tiny_tag());
}

/// Step 3: [`IDLE_COPIES`] copies of every peer idle side by side for
/// `idle`; the median copy's memory, CPU time and wake-ups.
fn idle_cost(present: &Present, rows: &mut [Row], idle: Duration) {
    let mut started = Vec::new();
    for (i, peer) in present {
        let mut copies = Vec::new();
        for _ in 0..IDLE_COPIES {
            match measure::start(peer) {
                Ok((child, _)) => copies.push(child),
                Err(e) => {
                    rows[*i].problems.push(format!("{e:#}"));
                    break;
                }
            }
        }
        if copies.len() == IDLE_COPIES {
            started.push((*i, copies));
        }
    }
    let before: Vec<Vec<_>> = started
        .iter()
        .map(|(_, copies)| copies.iter().map(|c| measure::snapshot(c.pid())).collect())
        .collect();
    std::thread::sleep(idle); // the measurement window itself, not a readiness wait
    for ((i, copies), before) in started.iter().zip(before) {
        let mut seen = Vec::new();
        for (child, before) in copies.iter().zip(before) {
            match (before, measure::snapshot(child.pid())) {
                (Ok(b), Ok(a)) => seen.push((b, a)),
                (Err(e), _) | (_, Err(e)) => {
                    rows[*i].problems.push(format!("idle: {e:#}"));
                    break;
                }
            }
        }
        if seen.len() == copies.len() {
            let median = |get: &dyn Fn(&(Snapshot, Snapshot)) -> u64| {
                let mut values: Vec<u64> = seen.iter().map(get).collect();
                values.sort_unstable();
                values[values.len() / 2]
            };
            let row = &mut rows[*i];
            row.rss_anon_kb = Some(median(&|(_, a)| a.rss_anon_kb));
            row.vm_rss_kb = Some(median(&|(_, a)| a.vm_rss_kb));
            row.idle_cpu_ns = Some(median(&|(b, a)| a.cpu_ns.saturating_sub(b.cpu_ns)));
            row.idle_wakeups = Some(median(&|(b, a)| a.switches.saturating_sub(b.switches)));
        }
    }
}

/// Step 4: `runs` rounds of start-up and SIGTERM to exit, the programs
/// taking turns within each round, so drift hits them alike.
fn start_and_stop(present: &Present, rows: &mut [Row], runs: usize) {
    let mut startups: Vec<Vec<f64>> = vec![Vec::new(); present.len()];
    let mut stops: Vec<Vec<f64>> = vec![Vec::new(); present.len()];
    for run in 1..=runs {
        eprint!("\r      run {run}/{runs}");
        for (p, (i, peer)) in present.iter().enumerate() {
            let timed = measure::start(peer).and_then(|(mut child, startup)| {
                measure::sigterm_to_exit(&mut child).map(|stop| (startup, stop))
            });
            match timed {
                Ok((startup, stop)) => {
                    startups[p].push(startup.as_secs_f64() * 1e6);
                    stops[p].push(stop.as_secs_f64() * 1e6);
                }
                Err(e) if run == 1 => rows[*i].problems.push(format!("start/stop: {e:#}")),
                Err(_) => {}
            }
        }
    }
    eprintln!();
    for (p, (i, _)) in present.iter().enumerate() {
        rows[*i].startup_us = Spread::of(&startups[p]);
        rows[*i].sigterm_us = Spread::of(&stops[p]);
    }
}

/// Step 5: [`REAP_ROUNDS`] rounds of `orphans` zombies handed to each peer.
fn reaping(present: &Present, rows: &mut [Row], orphans: usize) {
    for (i, peer) in present {
        let mut per_zombie = Vec::new();
        let mut until = Vec::new();
        for _ in 0..REAP_ROUNDS {
            let reaped =
                measure::start(peer).and_then(|(child, _)| measure::reaping(&child, orphans));
            match reaped {
                Ok(r) => {
                    per_zombie.push(r.cpu_ns_per_zombie);
                    until.push(r.until_none_left.as_secs_f64() * 1e3);
                }
                Err(e) => {
                    rows[*i].problems.push(format!("reaping: {e:#}"));
                    break;
                }
            }
        }
        // The median round: one disturbed round does not decide the figure.
        let row = &mut rows[*i];
        row.reap_cpu_ns_per_zombie = Spread::of(&per_zombie).map(|s| s.median);
        row.reap_ms = Spread::of(&until).map(|s| s.median);
        if let (Some(cpu), Some(ms)) = (row.reap_cpu_ns_per_zombie, row.reap_ms) {
            eprintln!(
                "      {:<11} {:.2} µs of init CPU per zombie, none left after {ms:.1} ms (medians)",
                peer.key,
                cpu / 1000.0
            );
        }
    }
}

/// Step 6: a pod's start by `setns-demo` with the pause lab's binary.
fn pod_start(present: &Present, work: &Path, runs: usize) -> anyhow::Result<PodStart> {
    let pause = present
        .iter()
        .find(|(_, p)| p.key == "pause")
        .map(|(_, p)| &p.binary);
    let demo = pod::build_setns_demo();
    let times = match (demo, pause) {
        (Ok(demo), Some(pause)) => pod::measure(&demo, pause, work, runs)?,
        (Err(e), _) => return Err(e),
        (_, None) => anyhow::bail!("the pause lab's binary did not build (see pause's line)"),
    };
    eprintln!(
        "      run {:.2}x unshare, exec {:.2}x nsenter (medians)",
        times.run_ratio(),
        times.exec_ratio()
    );
    Ok(times)
}
