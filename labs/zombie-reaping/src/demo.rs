//! The demonstration: a pod whose PID 1 is the chosen init, N orphans made
//! inside it that all exit, and the number of zombies over time.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::census::{Census, census, settled};
use crate::pod::{InitKind, Pod};
use crate::{Error, Result};

/// How often the zombies are counted.
const SAMPLE_EVERY: Duration = Duration::from_millis(50);

/// What a demonstration found (`--json` prints it).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DemoReport {
    pub init: InitKind,
    pub init_pid: i32,
    pub orphans: usize,
    /// Zombies left at the end.
    pub zombies: usize,
    /// Whether the count was final (the init idle, nothing else alive).
    pub settled: bool,
    pub seconds: f64,
    /// (seconds since the orphans exited, zombies) at each change.
    #[serde(serialize_with = "timeline_points")]
    pub timeline: Vec<(f64, usize)>,
}

/// The timeline as JSON: `[{"seconds": t, "zombies": z}, ...]`.
fn timeline_points<S: serde::Serializer>(
    timeline: &[(f64, usize)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Point {
        seconds: f64,
        zombies: usize,
    }
    serializer.collect_seq(
        timeline
            .iter()
            .map(|&(seconds, zombies)| Point { seconds, zombies }),
    )
}

/// Where the demonstration writes its progress.
pub enum Progress {
    /// Nothing (for `--json`).
    Quiet,
    /// One line per change of the count.
    Lines,
    /// One line, rewritten in place (a terminal).
    Live,
}

impl Progress {
    /// `Live` on a terminal, `Lines` otherwise.
    pub fn for_stdout() -> Progress {
        if std::io::stdout().is_terminal() {
            Progress::Live
        } else {
            Progress::Lines
        }
    }

    fn say(&self, line: &str) {
        if !matches!(self, Progress::Quiet) {
            println!("{line}");
        }
    }
}

/// Runs the demonstration and reports what it saw.
pub fn run(
    init: InitKind,
    orphans: usize,
    pause: Option<&Path>,
    progress: &Progress,
) -> Result<DemoReport> {
    let pod = Pod::start(init, pause, &[])?;
    progress.say(&format!(
        "PID 1 of a new PID namespace: {} (host PID {})",
        describe(init),
        pod.pid()
    ));
    let count = orphans.to_string();
    let made = pod
        .command_inside(&["orphans", &count, "--quiet"])?
        .output()
        .map_err(|e| Error::new(format!("could not run the orphan maker: {e}")))?;
    if !made.status.success() {
        return Err(Error::new(format!(
            "the orphan maker failed ({}): {}",
            made.status,
            String::from_utf8_lossy(&made.stderr).trim()
        )));
    }
    progress.say(&format!("made {orphans} orphans; they exited together"));
    let (last, timeline, seconds, done) = watch(pod.pid(), orphans, progress)?;
    progress.say(&format!(
        "{} after {seconds:.2}s: {} zombies left of {orphans} orphans",
        if done { "settled" } else { "still changing" },
        last.zombies
    ));
    Ok(DemoReport {
        init,
        init_pid: pod.pid(),
        orphans,
        zombies: last.zombies,
        settled: done,
        seconds,
        timeline,
    })
}

fn describe(init: InitKind) -> &'static str {
    match init {
        InitKind::Pause => "pause",
        InitKind::None => "init none (never calls wait)",
        InitKind::Once => "init once (one waitpid per SIGCHLD)",
        InitKind::Loop => "init loop (reaps every exited child per SIGCHLD)",
    }
}

/// The census over time, returned as (last census, changes, seconds,
/// settled).
pub type Watched = (Census, Vec<(f64, usize)>, f64, bool);

/// Counts zombies in the namespace of `init_pid` until the count is final
/// (seen settled twice in a row) or a deadline that grows with `orphans`.
pub fn watch(init_pid: i32, orphans: usize, progress: &Progress) -> Result<Watched> {
    let start = Instant::now();
    let deadline = Duration::from_secs(10) + Duration::from_millis(orphans as u64);
    let mut timeline: Vec<(f64, usize)> = Vec::new();
    let mut previous: Option<Census> = None;
    loop {
        let t = start.elapsed().as_secs_f64();
        let now = census(init_pid)?;
        if timeline.last().is_none_or(|&(_, z)| z != now.zombies) {
            timeline.push((t, now.zombies));
            if matches!(progress, Progress::Lines) {
                println!("after {t:.2}s: {} zombies", now.zombies);
            }
        }
        if matches!(progress, Progress::Live) {
            print!("\r{t:6.2}s  zombies: {:>6}", now.zombies);
            let _ = std::io::stdout().flush();
        }
        let idle = settled(init_pid, now);
        let done = idle && previous == Some(now);
        if done || start.elapsed() > deadline {
            if matches!(progress, Progress::Live) {
                println!();
            }
            return Ok((now, timeline, t, done));
        }
        previous = idle.then_some(now);
        std::thread::sleep(SAMPLE_EVERY);
    }
}
