//! The machine a run ran on, in one line, and the date: timings depend on
//! both, so the results say them.

/// "x86_64, AMD EPYC, 2 CPUs, 23.5 GiB, Linux 6.1.0, load average 0.5 0.4 0.3 at the start".
pub fn describe() -> String {
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

/// The standard output of `program args`, trimmed; empty if it failed
/// (a figure's caption, not a figure).
pub fn command_line(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
