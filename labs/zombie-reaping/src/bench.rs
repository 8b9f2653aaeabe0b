//! What reaping costs the init: N orphans exit together in a pod, and we
//! measure the wall time until the init has reaped them all and the CPU
//! time the init spent doing it (from `/proc/PID/schedstat`, in
//! nanoseconds; `/proc/PID/stat` only counts 10 ms ticks).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::census::children;
use crate::pod::{InitKind, InitProgram, Pod};
use crate::{Error, Result};

/// A pause-like init to measure: a name for the table and a binary.
#[derive(Clone, Debug)]
pub struct Contender {
    pub name: String,
    pub path: PathBuf,
}

impl Contender {
    /// Parses `NAME=PATH`.
    pub fn parse(text: &str) -> Result<Contender> {
        let (name, path) = text.split_once('=').ok_or_else(|| {
            Error::new(format!(
                "{text:?} is not NAME=PATH (for example rust=target/release/pause)"
            ))
        })?;
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(Error::new(format!("{} does not exist", path.display())));
        }
        Ok(Contender {
            name: name.to_string(),
            path,
        })
    }
}

/// One measured run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Run {
    #[serde(rename = "wall_ms", serialize_with = "as_ms")]
    pub wall: Duration,
    /// Init CPU time (user + system) spent while reaping, in nanoseconds.
    pub cpu_ns: u64,
    /// The same in clock ticks, as a cross-check.
    pub cpu_ticks: u64,
    /// Times the init was woken up (context switches): roughly how many
    /// times its SIGCHLD handler ran.
    pub wakeups: u64,
}

/// The median of one contender's runs (`--json` prints a list of them).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Summary {
    pub name: String,
    pub orphans: usize,
    pub runs: Vec<Run>,
    pub median_wall_ms: f64,
    pub median_cpu_ns_per_zombie: f64,
    /// The least disturbed run: on a busy machine other work only ever adds
    /// to the init's CPU time, so the minimum is the steadiest figure.
    pub min_cpu_ns_per_zombie: f64,
}

/// Measures every contender `rounds` times, interleaved and in alternating
/// order (a b, b a, a b, ...) so that a slow moment of the machine, or
/// going first, favours none of them.
pub fn run(contenders: &[Contender], orphans: usize, rounds: usize) -> Result<Vec<Summary>> {
    // One unmeasured run each first: the first run pays for cold caches.
    for contender in contenders {
        measure(contender, orphans)?;
    }
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..contenders.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            runs[i].push(measure(&contenders[i], orphans)?);
        }
    }
    Ok(contenders
        .iter()
        .zip(runs)
        .map(|(c, runs)| {
            let mut walls: Vec<f64> = runs.iter().map(|r| r.wall.as_secs_f64() * 1e3).collect();
            let mut cpus: Vec<f64> = runs
                .iter()
                .map(|r| r.cpu_ns as f64 / orphans as f64)
                .collect();
            Summary {
                name: c.name.clone(),
                orphans,
                median_wall_ms: median(&mut walls),
                median_cpu_ns_per_zombie: median(&mut cpus),
                min_cpu_ns_per_zombie: cpus.iter().copied().fold(f64::INFINITY, f64::min),
                runs,
            }
        })
        .collect())
}

fn measure(contender: &Contender, orphans: usize) -> Result<Run> {
    let program = InitProgram {
        path: contender.path.clone(),
        args: Vec::new(),
    };
    let pod = Pod::start_program(InitKind::Pause, &program, &[])?;
    let pid = pod.pid();
    let (cpu_before, ticks_before, wakeups_before) =
        (schedstat_ns(pid)?, ticks(pid)?, switches(pid)?);
    let made = pod
        .command_inside(&["orphans", &orphans.to_string(), "--quiet"])?
        .status()
        .map_err(|e| Error::new(format!("could not run the orphan maker: {e}")))?;
    if !made.success() {
        return Err(Error::new(format!("the orphan maker failed ({made})")));
    }
    // The orphans were released when the maker closed the gate, just now.
    let start = Instant::now();
    let deadline = Duration::from_secs(60);
    while !children(pid)?.is_empty() {
        if start.elapsed() > deadline {
            return Err(Error::new(format!(
                "{} had not reaped {orphans} orphans after {deadline:?}",
                contender.name
            )));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let wall = start.elapsed();
    Ok(Run {
        wall,
        cpu_ns: schedstat_ns(pid)? - cpu_before,
        cpu_ticks: ticks(pid)? - ticks_before,
        wakeups: switches(pid)? - wakeups_before,
    })
}

/// Time spent on a CPU by process `pid` (its only thread), in nanoseconds:
/// the first field of `/proc/PID/schedstat`.
pub fn schedstat_ns(pid: i32) -> Result<u64> {
    let path = format!("/proc/{pid}/schedstat");
    std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| Error::new(format!("could not read {path} (needs CONFIG_SCHEDSTATS)")))
}

fn ticks(pid: i32) -> Result<u64> {
    nsproc::procfs::cpu_ticks(pid).map_err(|e| Error::new(e.to_string()))
}

fn switches(pid: i32) -> Result<u64> {
    let status = nsproc::procfs::status(pid).map_err(|e| Error::new(e.to_string()))?;
    Ok(status.voluntary_ctxt_switches + status.nonvoluntary_ctxt_switches)
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn as_ms<S: serde::Serializer>(
    wall: &Duration,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_f64(wall.as_secs_f64() * 1e3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn contenders_are_name_equals_path() {
        assert!(Contender::parse("no-equals-sign").is_err());
        assert!(Contender::parse("x=/no/such/file").is_err());
        let me = std::env::current_exe().unwrap();
        let c = Contender::parse(&format!("me={}", me.display())).unwrap();
        assert_eq!(c.name, "me");
    }
}
