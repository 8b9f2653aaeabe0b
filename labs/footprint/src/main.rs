//! `footprint`: how light is pause, measured against its peers in one run.
//! Run through `cargo xtask bench [--quick]`; see the chapter "How light is
//! pause, really" for what each figure means.
//!
//! - [`peers`]: the programs, built or found (a missing one is reported);
//! - [`measure`]: one init as PID 1 of a PID namespace, seen through /proc;
//! - [`orphans`]: the helper that makes orphans for an init to reap;
//! - [`pod`]: a pod's start by `setns-demo`, against util-linux;
//! - [`first_read`]: a fresh clone to the book's first page (`--first-read`);
//! - [`images`]: FROM-scratch images and their sizes;
//! - [`stats`]: medians and percentiles;
//! - [`report`]: table, JSON and chart.

mod chart;
mod first_read;
mod images;
mod measure;
mod orphans;
mod peers;
mod pod;
mod report;
mod stats;

use std::path::{Path, PathBuf};
use std::time::Duration;

use report::{Row, Run};
use stats::Spread;

const USAGE: &str =
    "usage: footprint [--quick] [--first-read mdbook@VERSION] [--out DIR] [--copy-to DIR]
       footprint pod-start [RUNS [SETNS_DEMO]]   (only a pod's start, printed)
       footprint first-read mdbook@VERSION       (only the first read, printed)
       footprint make-orphans N   (internal: the orphan maker)";

/// Reaping is measured this many times per program; the median is kept.
const REAP_ROUNDS: usize = 5;
/// Idle memory is read from this many copies of each program, idle side by
/// side; the median is kept (where the stack starts in its page is random,
/// so one copy may touch a stack page more than the next).
const IDLE_COPIES: usize = 5;

struct Options {
    quick: bool,
    /// `mdbook@VERSION` to install for the first-read figure, if asked.
    first_read: Option<String>,
    out: PathBuf,
    copy_to: Option<PathBuf>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("make-orphans") => args
            .get(1)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| USAGE.to_string())
            .and_then(orphans::run),
        Some("pod-start") => pod_start_only(&args[1..]),
        Some("first-read") => match args.get(1) {
            Some(mdbook) => {
                let root = testkit::workspace_root();
                first_read::measure(&root, &root.join("target/bench/work"), mdbook).map(|f| {
                    println!(
                        "{f:?}: total {:.0} s, {:.2}x the baseline",
                        f.total_s(),
                        f.ratio()
                    );
                })
            }
            None => Err(USAGE.to_string()),
        },
        _ => parse(&args).and_then(|options| bench(&options)),
    };
    if let Err(message) = result {
        eprintln!("footprint: {message}");
        std::process::exit(1);
    }
}

/// `footprint pod-start [RUNS [SETNS_DEMO]]`: only the pod's start, printed
/// (a quick look while working on `setns-demo`, or at another build of it).
fn pod_start_only(args: &[String]) -> Result<(), String> {
    let runs = match args.first() {
        Some(n) => n.parse().map_err(|_| USAGE.to_string())?,
        None => 30,
    };
    let work = testkit::workspace_root().join("target/bench/work");
    std::fs::create_dir_all(&work).map_err(|e| format!("create {}: {e}", work.display()))?;
    let pause = testkit::workspace_static_binary("pause", "pause").map_err(|e| e.to_string())?;
    let demo = match args.get(1) {
        Some(path) => PathBuf::from(path),
        None => pod::build_setns_demo()?,
    };
    let times = pod::measure(&demo, &pause, &work, runs)?;
    println!(
        "run {:.0} µs, unshare {:.0} µs: {:.2}x; exec {:.0} µs, nsenter {:.0} µs: {:.2}x",
        times.run.median_us,
        times.unshare.median_us,
        times.run_ratio(),
        times.exec.median_us,
        times.nsenter.median_us,
        times.exec_ratio()
    );
    Ok(())
}

fn parse(args: &[String]) -> Result<Options, String> {
    let root = testkit::workspace_root();
    let mut options = Options {
        quick: false,
        first_read: None,
        out: root.join("target").join("bench"),
        copy_to: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--first-read" => options.first_read = Some(args.next().ok_or(USAGE)?.clone()),
            "--out" => options.out = args.next().ok_or(USAGE)?.into(),
            "--copy-to" => options.copy_to = Some(args.next().ok_or(USAGE)?.into()),
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

fn bench(options: &Options) -> Result<(), String> {
    let root = testkit::workspace_root();
    let work = options.out.join("work");
    std::fs::create_dir_all(&work).map_err(|e| format!("create {}: {e}", work.display()))?;
    let (idle, runs, orphans) = if options.quick {
        (Duration::from_secs(3), 10, 1_000)
    } else {
        (Duration::from_secs(10), 30, 10_000)
    };

    progress(1, "building and finding the programs");
    let found = peers::all(&work);
    let mut rows: Vec<Row> = Vec::new();
    let mut present = Vec::new();
    for item in found {
        match item {
            Ok(peer) => {
                eprintln!("      {:<11} {}", peer.key, peer.argv.join(" "));
                rows.push(Row {
                    key: peer.key.clone(),
                    label: peer.label.clone(),
                    command: peer.argv.join(" "),
                    binary_bytes: std::fs::metadata(&peer.binary).ok().map(|m| m.len()),
                    ..Row::default()
                });
                present.push(peer);
            }
            Err((key, why)) => {
                eprintln!("      {key:<11} MISSING: {why}");
                rows.push(Row {
                    label: key.clone(),
                    key,
                    missing: Some(why),
                    ..Row::default()
                });
            }
        }
    }
    let row_of = |rows: &mut Vec<Row>, key: &str| -> usize {
        rows.iter()
            .position(|r| r.key == key)
            .expect("every peer has a row")
    };

    progress(2, "image sizes (FROM scratch)");
    match images::docker_available() {
        Ok(()) => {
            for peer in &present {
                let i = row_of(&mut rows, &peer.key);
                match images::image_size(&root, peer, &work) {
                    Ok(size) => rows[i].image_bytes = Some(size),
                    Err(e) => rows[i].problems.push(format!("image: {e}")),
                }
                eprintln!("      {:<11} {:?}", peer.key, rows[i].image_bytes);
            }
            eprintln!("      kept {}", images::tiny_tag());
        }
        Err(why) => {
            for row in rows.iter_mut().filter(|r| r.missing.is_none()) {
                row.problems.push(format!("image: {why}"));
            }
        }
    }

    progress(
        3,
        &format!(
            "idle memory and cost, {IDLE_COPIES} copies of each, all at once, over {} s",
            idle.as_secs()
        ),
    );
    let mut started = Vec::new();
    for peer in &present {
        let mut copies = Vec::new();
        for _ in 0..IDLE_COPIES {
            match measure::start(peer) {
                Ok((child, _)) => copies.push(child),
                Err(e) => {
                    let i = row_of(&mut rows, &peer.key);
                    rows[i].problems.push(e);
                    break;
                }
            }
        }
        if copies.len() == IDLE_COPIES {
            started.push((peer, copies));
        }
    }
    let before: Vec<Vec<_>> = started
        .iter()
        .map(|(_, copies)| copies.iter().map(|c| measure::snapshot(c.pid())).collect())
        .collect();
    std::thread::sleep(idle); // the measurement window itself, not a readiness wait
    for ((peer, copies), before) in started.iter().zip(before) {
        let i = row_of(&mut rows, &peer.key);
        let mut seen = Vec::new();
        for (child, before) in copies.iter().zip(before) {
            match (before, measure::snapshot(child.pid())) {
                (Ok(b), Ok(a)) => seen.push((b, a)),
                (Err(e), _) | (_, Err(e)) => {
                    rows[i].problems.push(format!("idle: {e}"));
                    break;
                }
            }
        }
        if seen.len() == copies.len() {
            let median = |get: &dyn Fn(&(measure::Snapshot, measure::Snapshot)) -> u64| {
                let mut values: Vec<u64> = seen.iter().map(get).collect();
                values.sort_unstable();
                values[values.len() / 2]
            };
            rows[i].rss_anon_kb = Some(median(&|(_, a)| a.rss_anon_kb));
            rows[i].vm_rss_kb = Some(median(&|(_, a)| a.vm_rss_kb));
            rows[i].idle_cpu_ns = Some(median(&|(b, a)| a.cpu_ns.saturating_sub(b.cpu_ns)));
            rows[i].idle_wakeups = Some(median(&|(b, a)| a.switches.saturating_sub(b.switches)));
        }
    }
    drop(started);

    progress(
        4,
        &format!("start-up and SIGTERM to exit, {runs} runs each"),
    );
    let mut startups: Vec<Vec<f64>> = vec![Vec::new(); present.len()];
    let mut stops: Vec<Vec<f64>> = vec![Vec::new(); present.len()];
    for run in 1..=runs {
        eprint!("\r      run {run}/{runs}");
        // Programs take turns within each run, so drift hits them alike.
        for (p, peer) in present.iter().enumerate() {
            let timed = measure::start(peer).and_then(|(mut child, startup)| {
                measure::sigterm_to_exit(&mut child).map(|stop| (startup, stop))
            });
            match timed {
                Ok((startup, stop)) => {
                    startups[p].push(startup.as_secs_f64() * 1e6);
                    stops[p].push(stop.as_secs_f64() * 1e6);
                }
                Err(e) if run == 1 => {
                    let i = row_of(&mut rows, &peer.key);
                    rows[i].problems.push(format!("start/stop: {e}"));
                }
                Err(_) => {}
            }
        }
    }
    eprintln!();
    for (p, peer) in present.iter().enumerate() {
        let i = row_of(&mut rows, &peer.key);
        rows[i].startup = Spread::of(&startups[p]);
        rows[i].sigterm = Spread::of(&stops[p]);
    }

    progress(
        5,
        &format!("reaping {orphans} zombies handed over at once, {REAP_ROUNDS} rounds each"),
    );
    for peer in &present {
        let i = row_of(&mut rows, &peer.key);
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
                    rows[i].problems.push(format!("reaping: {e}"));
                    break;
                }
            }
        }
        // The median round: one disturbed round does not decide the figure.
        rows[i].reap_cpu_ns_per_zombie = Spread::of(&per_zombie).map(|s| s.median_us);
        rows[i].reap_ms = Spread::of(&until).map(|s| s.median_us);
        if let (Some(cpu), Some(ms)) = (rows[i].reap_cpu_ns_per_zombie, rows[i].reap_ms) {
            eprintln!(
                "      {:<11} {:.2} µs of init CPU per zombie, none left after {ms:.1} ms (medians)",
                peer.key,
                cpu / 1000.0
            );
        }
    }

    progress(
        6,
        &format!("a pod's start: setns-demo against util-linux, {runs} runs each"),
    );
    let pod_start = match (
        pod::build_setns_demo(),
        present.iter().find(|p| p.key == "pause"),
    ) {
        (Ok(demo), Some(pause)) => pod::measure(&demo, &pause.binary, &work, runs),
        (Err(e), _) => Err(format!("setns-demo did not build: {e}")),
        (_, None) => Err("the pause lab's binary did not build".into()),
    };
    if let Ok(times) = &pod_start {
        eprintln!(
            "      run {:.2}x unshare, exec {:.2}x nsenter (medians)",
            times.run_ratio(),
            times.exec_ratio()
        );
    }

    let first_read = options.first_read.as_ref().map(|mdbook| {
        progress(
            7,
            "the first read: a fresh clone to the book's first page (minutes)",
        );
        first_read::measure(&root, &work, mdbook)
    });

    let run = Run {
        machine: machine(),
        date: command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        quick: options.quick,
        idle_seconds: idle.as_secs(),
        runs,
        orphans,
        reap_rounds: REAP_ROUNDS,
        baseline: peers::BASELINE.into(),
        idle_copies: IDLE_COPIES,
        rows,
        pod_start: pod_start.as_ref().ok().cloned(),
        pod_start_missing: pod_start.err(),
        first_read: first_read.as_ref().and_then(|r| r.as_ref().ok().cloned()),
        first_read_missing: match first_read {
            None => Some("not asked (cargo xtask bench --first-read)".into()),
            Some(Err(e)) => Some(e),
            Some(Ok(_)) => None,
        },
    };
    let markdown = run.markdown();
    println!("\n{markdown}");
    write_all(&options.out, &run, &markdown)?;
    eprintln!(
        "wrote {}/latest.{{md,json,zh.svg,en.svg}}",
        options.out.display()
    );
    if let Some(copy) = &options.copy_to {
        write_all(copy, &run, &markdown)?;
        eprintln!("wrote {}/latest.{{md,json,zh.svg,en.svg}}", copy.display());
    }
    Ok(())
}

fn progress(step: usize, what: &str) {
    eprintln!("[{step}] {what}");
}

fn write_all(dir: &Path, run: &Run, markdown: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let json = serde_json::to_string_pretty(run).map_err(|e| e.to_string())? + "\n";
    let mut files = vec![
        ("latest.md".to_string(), markdown.to_string()),
        ("latest.json".to_string(), json),
    ];
    for lang in chart::Lang::ALL {
        files.push((format!("latest.{}.svg", lang.code()), chart::svg(run, lang)));
    }
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// "x86_64, AMD EPYC, 2 CPUs, 23.5 GiB, Linux 6.1.0, load average 0.5 0.4 0.3 at the start".
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: f64 = meminfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    // Timings depend on what else runs: say how busy the machine was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "{}, {model}, {cpus} CPUs, {:.1} GiB, Linux {}, load average {} at the start",
        std::env::consts::ARCH,
        mem_kb / 1024.0 / 1024.0,
        kernel.trim(),
        load.join(" ")
    )
}

fn command_line(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
