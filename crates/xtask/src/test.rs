//! `cargo xtask test`: the one command that runs every test of the project
//! (what CI runs through .ci/run).
//!
//! 1. prerequisites: Debian packages (installed with apt-get as root), the
//!    pinned book tools, a running Docker engine (started if needed);
//! 2. steps, each timed: `cargo fmt --check`, `cargo clippy -D warnings`,
//!    `cargo test --workspace` with PAUSE_BOOK_STRICT=1 (a test whose
//!    prerequisite is missing fails instead of skipping);
//! 3. nothing left behind: no new pause process, network namespace or
//!    container compared with before the tests.

use crate::serve::repo_root;
use crate::tools;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Debian packages the tests need. Extend here.
pub const APT_PACKAGES: &[&str] = &[
    "docker.io",
    "chromium",
    "nginx-light",
    "tini",
    "catatonit",
    "dumb-init",
    "musl-tools",
    "qemu-user-static",
    "iproute2",
    "procps",
    "gcc",
    "libc6-dev",
    // The labs' shell steps: curl in the Docker chapter's commands, ipcmk/ipcs,
    // unshare and nsenter (util-linux) in the setns lab.
    "curl",
    "util-linux",
    // A CJK font, so Chinese pages render (and screenshot) as text, not boxes.
    "fonts-wqy-microhei",
];

const USAGE: &str = "usage: cargo xtask test
Runs every test of the project: installs what the tests need (as root, with
apt-get), checks formatting and lints, then `cargo test --workspace` in strict
mode (PAUSE_BOOK_STRICT=1).";

/// Set for the steps, inherited by what the tests start: tells this run's
/// processes from those other users start meanwhile on the same machine.
const RUN_MARKER: &str = "PAUSE_BOOK_TEST_RUN";

fn run_id() -> String {
    std::process::id().to_string()
}

/// How long processes killed at the end of the tests may take to go.
const LEFTOVER_GRACE: Duration = Duration::from_secs(5);

/// How long dockerd may take to answer `docker info` after it is started.
const DOCKER_READY_TIMEOUT: Duration = Duration::from_secs(90);

pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        None => {}
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return Ok(());
        }
        Some(other) => return Err(format!("unknown argument {other:?}\n{USAGE}")),
    }
    let started = Instant::now();
    let root = repo_root();

    announce("prerequisites");
    ensure_packages(APT_PACKAGES)?;
    tools::ensure_book_tools()?;
    offer_cross_target(CROSS_TARGET);
    ensure_docker(&root)?;
    let before = Leftovers::now()?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let steps: [(&str, Vec<&str>); 3] = [
        ("cargo fmt --all --check", vec!["fmt", "--all", "--check"]),
        (
            "cargo clippy --workspace --all-targets -- -D warnings",
            vec![
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        // --no-fail-fast: report every failing test binary, not the first.
        (
            "cargo test --workspace --no-fail-fast",
            vec!["test", "--workspace", "--no-fail-fast"],
        ),
    ];
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (name, args) in steps {
        announce(name);
        let step_started = Instant::now();
        let status = Command::new(&cargo)
            .args(&args)
            .current_dir(&root)
            .env("PAUSE_BOOK_STRICT", "1")
            .env(RUN_MARKER, run_id())
            .env("PATH", tools::path_with_cargo_bin())
            .status();
        let took = step_started.elapsed();
        let ok = matches!(&status, Ok(s) if s.success());
        let verdict = match &status {
            Ok(s) if s.success() => "ok".to_string(),
            Ok(s) => format!("FAILED ({s})"),
            Err(err) => format!("FAILED (cannot run cargo: {err})"),
        };
        eprintln!("xtask test: {name}: {verdict} in {}", seconds(took));
        report.push(format!(
            "{} {} {}",
            first_words(name),
            verdict,
            seconds(took)
        ));
        if !ok {
            failed.push(name.to_string());
        }
    }

    announce("nothing left behind");
    let leftovers = left_behind(&before)?;
    if leftovers.is_empty() {
        report.push("cleanup ok".into());
    } else {
        eprintln!(
            "xtask test: the tests left behind:\n{}",
            leftovers.describe()
        );
        failed.push("cleanup (see the list above)".into());
        report.push("cleanup FAILED".into());
    }

    let total = seconds(started.elapsed());
    if failed.is_empty() {
        println!(
            "xtask test: everything ok ({}), {total} in all",
            report.join(", ")
        );
        Ok(())
    } else {
        println!(
            "xtask test: FAILED: {} ({}), {total} in all",
            failed.join("; "),
            report.join(", ")
        );
        Err(format!("failed: {}", failed.join("; ")))
    }
}

/// The second architecture pause-tiny's multi-arch test builds for.
const CROSS_TARGET: &str = "aarch64-unknown-linux-gnu";

/// Adds the cross target with rustup when it can. Optional by design: where
/// it cannot be had, the multi-arch test says what it did not verify.
fn offer_cross_target(target: &str) {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .is_ok_and(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|l| l == target)
        });
    if installed {
        return;
    }
    println!("adding the Rust target {target} (for the multi-arch test; optional)");
    match Command::new("rustup")
        .args(["target", "add", target])
        .status()
    {
        Ok(status) if status.success() => {}
        _ => println!("could not add {target}: the multi-arch test will say what it skipped"),
    }
}

fn announce(what: &str) {
    eprintln!("\n==== xtask test: {what} ====");
}

fn first_words(name: &str) -> String {
    name.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        format!(
            "{}m{:02}s",
            duration.as_secs() / 60,
            duration.as_secs() % 60
        )
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn command_exists(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Packages of `wanted` that dpkg does not list as installed.
fn missing_packages(wanted: &[&str]) -> Result<Vec<String>, String> {
    if !command_exists("dpkg-query") {
        return Err(format!(
            "this is not a Debian-like system (no dpkg-query), so the tests' packages cannot be \
             checked or installed here; install the equivalents of: {}",
            wanted.join(" ")
        ));
    }
    let mut missing = Vec::new();
    for package in wanted {
        let output = Command::new("dpkg-query")
            .args(["-W", "-f=${Status}", package])
            .output()
            .map_err(|err| format!("cannot run dpkg-query: {err}"))?;
        if !String::from_utf8_lossy(&output.stdout).contains("install ok installed") {
            missing.push(package.to_string());
        }
    }
    Ok(missing)
}

fn ensure_packages(wanted: &[&str]) -> Result<(), String> {
    let missing = missing_packages(wanted)?;
    if missing.is_empty() {
        eprintln!("xtask test: Debian packages: all {} present", wanted.len());
        return Ok(());
    }
    let install = format!("apt-get install -y {}", missing.join(" "));
    if !is_root() {
        return Err(format!(
            "missing Debian packages: {}; only root can install them: run `sudo apt-get update && sudo {install}`, \
             or run `cargo xtask test` as root",
            missing.join(" ")
        ));
    }
    if !command_exists("apt-get") {
        return Err(format!(
            "missing Debian packages: {} and no apt-get to install them",
            missing.join(" ")
        ));
    }
    eprintln!("xtask test: installing {}", missing.join(" "));
    for args in [
        vec!["update"],
        [
            vec!["install", "-y"],
            missing.iter().map(String::as_str).collect(),
        ]
        .concat(),
    ] {
        let status = Command::new("apt-get")
            .args(&args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .status()
            .map_err(|err| format!("cannot run apt-get: {err}"))?;
        if !status.success() {
            return Err(format!(
                "`apt-get {}` failed ({status}); see apt's messages above",
                args.join(" ")
            ));
        }
    }
    let still = missing_packages(wanted)?;
    if still.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "still missing after apt-get install: {}",
            still.join(" ")
        ))
    }
}

fn docker_answers() -> bool {
    Command::new("docker")
        .arg("info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts dockerd in the background (log: target/dockerd.log) unless Docker
/// already answers, and waits until it does.
fn ensure_docker(root: &Path) -> Result<(), String> {
    if docker_answers() {
        eprintln!("xtask test: Docker engine: running");
        return Ok(());
    }
    if !is_root() {
        return Err(
            "Docker does not answer `docker info` for this user: start the engine \
             (`sudo systemctl start docker` or `sudo dockerd &`) and make sure this user may \
             use it (the `docker` group), or run `cargo xtask test` as root"
                .into(),
        );
    }
    if !command_exists("dockerd") {
        return Err("dockerd not found: install Debian's docker.io package".into());
    }
    let log_path = root.join("target").join("dockerd.log");
    std::fs::create_dir_all(root.join("target"))
        .map_err(|err| format!("cannot create target/: {err}"))?;
    let log = std::fs::File::create(&log_path)
        .map_err(|err| format!("cannot create {}: {err}", log_path.display()))?;
    let log_err = log.try_clone().map_err(|err| err.to_string())?;
    use std::os::unix::process::CommandExt;
    let mut child = Command::new("dockerd")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        // Its own process group: it outlives this command, as a service.
        .process_group(0)
        .spawn()
        .map_err(|err| format!("cannot start dockerd: {err}"))?;
    eprintln!(
        "xtask test: started dockerd (pid {}, log {}); waiting for it to answer",
        child.id(),
        log_path.display()
    );
    let deadline = Instant::now() + DOCKER_READY_TIMEOUT;
    loop {
        if docker_answers() {
            eprintln!("xtask test: Docker engine: ready");
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "dockerd exited ({status}) before it was ready; see {}",
                log_path.display()
            ));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "dockerd did not answer `docker info` within {} s; see {}",
                DOCKER_READY_TIMEOUT.as_secs(),
                log_path.display()
            ));
        }
        // Polling readiness: `docker info` is the readiness signal.
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// What tests may leave behind: pause processes, network namespaces, containers.
#[derive(Debug, Default, PartialEq, Eq)]
struct Leftovers {
    pause_processes: BTreeSet<String>,
    network_namespaces: BTreeSet<String>,
    containers: BTreeSet<String>,
}

impl Leftovers {
    fn now() -> Result<Leftovers, String> {
        Ok(Leftovers {
            pause_processes: pause_processes(),
            network_namespaces: lines_of("ip", &["netns", "list"])?,
            containers: lines_of("docker", &["ps", "-aq"])?,
        })
    }

    fn minus(self, before: &Leftovers) -> Leftovers {
        let new =
            |now: BTreeSet<String>, old: &BTreeSet<String>| now.difference(old).cloned().collect();
        Leftovers {
            pause_processes: new(self.pause_processes, &before.pause_processes),
            network_namespaces: new(self.network_namespaces, &before.network_namespaces),
            containers: new(self.containers, &before.containers),
        }
    }

    fn is_empty(&self) -> bool {
        self.pause_processes.is_empty()
            && self.network_namespaces.is_empty()
            && self.containers.is_empty()
    }

    fn describe(&self) -> String {
        let mut out = String::new();
        for (what, items, fix) in [
            (
                "pause processes (pid comm)",
                &self.pause_processes,
                "kill <pid>",
            ),
            (
                "network namespaces (ip netns list)",
                &self.network_namespaces,
                "ip netns delete <name>",
            ),
            (
                "containers (docker ps -aq)",
                &self.containers,
                "docker rm -f <id>",
            ),
        ] {
            if !items.is_empty() {
                let list: Vec<&str> = items.iter().map(String::as_str).collect();
                out.push_str(&format!("  {what}: {} (remove: {fix})\n", list.join(", ")));
            }
        }
        out
    }
}

/// What appeared since `before` and is still there. Processes killed at the
/// end of a test may take a moment to go (a PID namespace being torn down),
/// so this waits up to LEFTOVER_GRACE for them to disappear.
fn left_behind(before: &Leftovers) -> Result<Leftovers, String> {
    let deadline = Instant::now() + LEFTOVER_GRACE;
    loop {
        let mut leftovers = Leftovers::now()?.minus(before);
        // Outside CI other people's pause processes may come and go
        // meanwhile: count only those that carry this run's marker. In CI
        // this run is alone, so every new one counts (even if a test cleared
        // its environment).
        if std::env::var_os("CI").is_none() {
            let (ours, others): (BTreeSet<String>, BTreeSet<String>) =
                std::mem::take(&mut leftovers.pause_processes)
                    .into_iter()
                    .partition(|process| carries_marker(process));
            if !others.is_empty() && Instant::now() > deadline {
                let list: Vec<&str> = others.iter().map(String::as_str).collect();
                eprintln!(
                    "xtask test: note: pause processes started meanwhile, not by this run: {}",
                    list.join(", ")
                );
            }
            leftovers.pause_processes = ours;
        }
        if leftovers.is_empty() || Instant::now() > deadline {
            return Ok(leftovers);
        }
        // Polling: the processes' disappearance is what we wait for.
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// "pid comm (cmdline)" of live (not zombie) processes named "pause...".
fn pause_processes() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let field = |key: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(key))
                .map(|value| value.trim().to_string())
                .unwrap_or_default()
        };
        let (comm, state) = (field("Name:"), field("State:"));
        if comm.starts_with("pause") && !state.starts_with('Z') {
            let cmdline = std::fs::read(entry.path().join("cmdline"))
                .map(|raw| {
                    String::from_utf8_lossy(&raw)
                        .replace('\0', " ")
                        .trim()
                        .to_string()
                })
                .unwrap_or_default();
            found.insert(format!("{name} {comm} ({cmdline})"));
        }
    }
    found
}

/// Whether the process ("pid comm") has this run's marker in its environment.
fn carries_marker(process: &str) -> bool {
    let pid = process.split_whitespace().next().unwrap_or_default();
    let marker = format!("{RUN_MARKER}={}", run_id());
    std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|environ| {
        environ
            .split(|&b| b == 0)
            .any(|entry| entry == marker.as_bytes())
    })
}

fn lines_of(program: &str, args: &[&str]) -> Result<BTreeSet<String>, String> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run `{program} {}`: {err}", args.join(" ")))?;
    if !output.status.success() {
        return Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            line.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .filter(|line| !line.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn leftovers_are_what_appeared_during_the_run() {
        let before = Leftovers {
            pause_processes: set(&["10 pause"]),
            network_namespaces: set(&[]),
            containers: set(&["abc"]),
        };
        let after = Leftovers {
            pause_processes: set(&["10 pause", "42 pause"]),
            network_namespaces: set(&["pod1"]),
            containers: set(&["abc"]),
        };
        let new = after.minus(&before);
        assert!(!new.is_empty());
        assert_eq!(new.pause_processes, set(&["42 pause"]));
        let text = new.describe();
        assert!(
            text.contains("42 pause") && text.contains("pod1") && text.contains("ip netns delete")
        );
        assert!(!text.contains("abc"));
        assert!(Leftovers::default().minus(&Leftovers::default()).is_empty());
    }

    #[test]
    fn package_list_is_unique_and_names_the_essentials() {
        let unique: BTreeSet<_> = APT_PACKAGES.iter().collect();
        assert_eq!(
            unique.len(),
            APT_PACKAGES.len(),
            "a package is listed twice"
        );
        for essential in ["docker.io", "chromium", "iproute2"] {
            assert!(APT_PACKAGES.contains(&essential));
        }
    }

    #[test]
    fn unknown_arguments_are_refused() {
        assert!(
            run(&["--fast".to_string()])
                .unwrap_err()
                .contains("unknown argument")
        );
    }

    /// Kills and reaps the child on drop, also when an assertion fails.
    struct Reaped(std::process::Child);

    impl Drop for Reaped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    #[test]
    fn processes_of_this_run_carry_its_marker() {
        let spawn = |marked: bool| {
            let mut command = Command::new("sleep");
            command.arg("30");
            if marked {
                command.env(RUN_MARKER, run_id());
            } else {
                command.env_remove(RUN_MARKER);
            }
            Reaped(command.spawn().expect("spawn sleep"))
        };
        let (ours, theirs) = (spawn(true), spawn(false));
        // /proc/<pid>/environ is readable once exec has set up the new
        // stack, a moment after spawn returns: poll for the marked one.
        let deadline = Instant::now() + Duration::from_secs(5);
        while !carries_marker(&format!("{} sleep", ours.0.id())) {
            assert!(
                Instant::now() < deadline,
                "the marked process never showed its marker"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let theirs_ready = || {
            std::fs::read(format!("/proc/{}/environ", theirs.0.id()))
                .is_ok_and(|env| !env.is_empty())
        };
        while !theirs_ready() {
            assert!(
                Instant::now() < deadline,
                "the unmarked process has no environment"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!carries_marker(&format!("{} sleep", theirs.0.id())));
    }

    #[test]
    fn dpkg_tells_installed_from_missing_packages() {
        if !command_exists("dpkg-query") {
            eprintln!("SKIPPED: not a Debian-like system");
            return;
        }
        let missing = missing_packages(&["procps", "no-such-package-pause-book"]).unwrap();
        assert_eq!(missing, ["no-such-package-pause-book"]);
    }

    #[test]
    fn finds_live_pause_processes_but_not_zombies() {
        let dir = std::env::temp_dir().join(format!("pause-book-probe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        struct Cleanup(std::path::PathBuf);
        impl Drop for Cleanup {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
        let _cleanup = Cleanup(dir.clone());
        // Copied by cp, not written here: see tools.rs on ETXTBSY.
        let probe = dir.join("pause-probe");
        let copied = Command::new("cp")
            .arg("/bin/sleep")
            .arg(&probe)
            .status()
            .unwrap();
        assert!(copied.success());

        let live = Reaped(Command::new(&probe).arg("30").spawn().unwrap());
        let listed = |pid: u32| {
            pause_processes()
                .iter()
                .any(|p| p.starts_with(&format!("{pid} pause-probe (")))
        };
        // The kernel names the process a moment after spawn returns (the
        // parent resumes during exec, before the new comm is set): poll.
        let deadline = Instant::now() + Duration::from_secs(5);
        while !listed(live.0.id()) {
            assert!(
                Instant::now() < deadline,
                "{} not in {:?}",
                live.0.id(),
                pause_processes()
            );
            std::thread::sleep(Duration::from_millis(20));
        }

        let mut zombie = Command::new(&probe).arg("30").spawn().unwrap();
        let pid = zombie.id();
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        // Wait (by polling /proc) until it is a zombie, then it must not be listed.
        let deadline = Instant::now() + Duration::from_secs(5);
        while !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| stat.contains(") Z "))
        {
            assert!(
                Instant::now() < deadline,
                "the probe did not become a zombie"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!listed(pid));
        let _ = zombie.wait();
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_secs(125)), "2m05s");
    }
}
