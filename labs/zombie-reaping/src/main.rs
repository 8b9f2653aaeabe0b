//! `zombie-reaping`: orphans, zombies and PID 1, shown and measured.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use zombie_reaping::demo::Progress;
use zombie_reaping::input::{OrphanCount, orphan_count};
use zombie_reaping::orphans::{Exits, make_orphans};
use zombie_reaping::pod::InitKind;
use zombie_reaping::{
    Error, Result, bench, census, demo, inits, pids_cgroup, reaping_init, subreaper,
};

/// Orphans, zombies and PID 1: what the kernel asks of a pod's init, and
/// what pause does about it.
///
/// The pause binary is found through --pause PATH, else $PAUSE_BIN, else a
/// `pause` next to this program, else `pause` in $PATH.
#[derive(Parser)]
#[command(name = "zombie-reaping", version)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Start a pod whose PID 1 is INIT, make N orphans in it that exit
    /// together, and count the zombies that remain.
    Demo {
        /// pause, none (never calls wait), once (one waitpid per SIGCHLD) or
        /// loop (reaps every exited child per SIGCHLD).
        #[arg(long, value_name = "INIT", value_parser = InitKind::parse)]
        init: InitKind,
        /// How many orphans to make.
        #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = orphan_count)]
        orphans: OrphanCount,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// The pause binary to use.
        #[arg(long, value_name = "PATH")]
        pause: Option<PathBuf>,
    },
    /// Make N orphans here (double fork): whoever is PID 1 (or the nearest
    /// subreaper) inherits them and must reap them.
    Orphans {
        /// How many orphans to make.
        #[arg(value_name = "N", allow_hyphen_values = true, value_parser = orphan_count)]
        count: OrphanCount,
        /// Each orphan exits at once, instead of all together at the end.
        #[arg(long, conflicts_with = "report")]
        one_by_one: bool,
        /// Each orphan prints its PID and its new parent's PID.
        #[arg(long)]
        report: bool,
        /// Print nothing on success.
        #[arg(long)]
        quiet: bool,
    },
    /// Print how many zombies live in the PID namespace of process PID.
    Count {
        #[arg(long, value_name = "PID", allow_hyphen_values = true, value_parser = parse_pid)]
        pid: i32,
    },
    /// Show zombies exhausting a pids cgroup limit (needs root).
    PidsLimit {
        /// pause, none or once.
        #[arg(long, value_name = "INIT", default_value = "none", value_parser = InitKind::parse)]
        init: InitKind,
        /// pids.max of the pod's cgroup.
        #[arg(long, default_value_t = 32)]
        limit: u64,
        /// How many orphans to try to make, one at a time.
        #[arg(
            long,
            value_name = "N",
            default_value = "100",
            allow_hyphen_values = true,
            value_parser = orphan_count
        )]
        orphans: OrphanCount,
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "PATH")]
        pause: Option<PathBuf>,
    },
    /// Collect orphans without being PID 1, with PR_SET_CHILD_SUBREAPER.
    Subreaper {
        #[arg(
            long,
            value_name = "N",
            default_value = "100",
            allow_hyphen_values = true,
            value_parser = orphan_count
        )]
        orphans: OrphanCount,
        /// Do not set PR_SET_CHILD_SUBREAPER (the orphans go elsewhere).
        #[arg(long)]
        off: bool,
        #[arg(long)]
        json: bool,
    },
    /// Measure reaping: wall time and init CPU per zombie for each
    /// pause-like binary given as NAME=PATH.
    Bench {
        #[arg(long = "init", value_name = "NAME=PATH", required = true)]
        inits: Vec<String>,
        #[arg(long, value_name = "N", default_value = "10000", value_parser = orphan_count)]
        orphans: OrphanCount,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        #[arg(long)]
        json: bool,
    },
    /// An init that never calls wait (used by `demo --init none`).
    #[command(hide = true)]
    InitNone,
    /// An init that reaps one child per SIGCHLD (used by `demo --init once`).
    #[command(hide = true)]
    InitOnce,
    /// An init that reaps every exited child (used by `demo --init loop`).
    #[command(hide = true)]
    InitLoop,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // One line: clap's message (its first paragraph), without the
            // usage that follows.
            let text = e.to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!(
                "zombie-reaping: {}",
                message.join(" ").trim_start_matches("error: ")
            );
            return ExitCode::from(2);
        }
    };
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zombie-reaping: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The count of orphans, after printing the cap warning if there is one.
fn orphans_arg(count: OrphanCount) -> Result<usize> {
    if let Some(warning) = count.warning {
        eprintln!("zombie-reaping: {warning}");
    }
    Ok(count.value)
}

/// A PID for `count --pid`: a whole number above 0.
fn parse_pid(text: &str) -> Result<i32> {
    text.trim()
        .parse()
        .ok()
        .filter(|pid| *pid > 0)
        .ok_or_else(|| Error::input(format!("{text:?} is not a process ID: give a PID above 0")))
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::new(format!("could not write the report as JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

fn run(command: Cmd) -> Result<ExitCode> {
    match command {
        Cmd::Demo {
            init,
            orphans,
            json,
            pause,
        } => {
            let orphans = orphans_arg(orphans)?;
            let progress = if json {
                Progress::Quiet
            } else {
                Progress::for_stdout()
            };
            let report = demo::run(init, orphans, pause.as_deref(), &progress)?;
            if json {
                print_json(&report)?;
            }
        }
        Cmd::Orphans {
            count,
            one_by_one,
            report,
            quiet,
        } => {
            let count = orphans_arg(count)?;
            let exits = if one_by_one {
                Exits::OneByOne
            } else {
                Exits::Together
            };
            let made = make_orphans(count, exits, report).map_err(|e| Error::new(e.to_string()))?;
            if !quiet {
                println!("made {made} orphans; the init of this PID namespace must reap them");
            }
        }
        Cmd::Count { pid } => {
            println!("{}", census::census(pid)?.zombies);
        }
        Cmd::PidsLimit {
            init,
            limit,
            orphans,
            json,
            pause,
        } => {
            let orphans = orphans_arg(orphans)?;
            let progress = if json {
                Progress::Quiet
            } else {
                Progress::Lines
            };
            let report = pids_cgroup::run(init, limit, orphans, pause.as_deref(), &progress)?;
            if json {
                print_json(&report.to_json())?;
            }
        }
        Cmd::Subreaper { orphans, off, json } => {
            let orphans = orphans_arg(orphans)?;
            let report = subreaper::run(orphans, !off)?;
            if json {
                print_json(&report)?;
            } else {
                let parents: Vec<String> = report
                    .parents
                    .iter()
                    .map(|(pid, n)| format!("{n} orphans have parent {pid}"))
                    .collect();
                println!(
                    "PID {} ({}): {}; it reaped {} of {} orphans",
                    report.pid,
                    if report.subreaper {
                        "a subreaper"
                    } else {
                        "not a subreaper"
                    },
                    parents.join(", "),
                    report.reaped,
                    report.orphans
                );
            }
        }
        Cmd::Bench {
            inits,
            orphans,
            rounds,
            json,
        } => {
            let orphans = orphans_arg(orphans)?;
            let contenders = inits
                .iter()
                .map(|c| bench::Contender::parse(c))
                .collect::<Result<Vec<_>>>()?;
            let summaries = bench::run(&contenders, orphans, rounds.max(1))?;
            if json {
                print_json(&summaries)?;
            } else {
                println!("{orphans} orphans exiting together, median of {rounds} rounds:");
                println!(
                    "{:<12} {:>10} {:>20} {:>17}",
                    "init", "wall ms", "CPU ns/zombie", "(fastest run)"
                );
                for s in &summaries {
                    println!(
                        "{:<12} {:>10.1} {:>20.0} {:>17.0}",
                        s.name,
                        s.median_wall_ms,
                        s.median_cpu_ns_per_zombie,
                        s.min_cpu_ns_per_zombie
                    );
                }
            }
        }
        Cmd::InitNone => inits::run_none(),
        Cmd::InitOnce => inits::run_once(),
        Cmd::InitLoop => reaping_init::run_loop(),
    }
    Ok(ExitCode::SUCCESS)
}
