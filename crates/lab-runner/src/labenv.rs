//! The environment a lab's commands run in, the same the lab's own replay
//! tests give them (labs/*/tests/transcripts.rs): the lab binaries first in
//! `PATH`, the lab folder as the current one, the pause binary named for
//! the labs that start it, and a private state directory and subnet for
//! setns-demo. Also what a transcript needs that this machine may lack.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use tokio::process::Command;
use transcripts::Need;

/// The lab binaries a lab's commands call: (package, binary).
pub fn lab_binaries(lab: &str) -> &'static [(&'static str, &'static str)] {
    match lab {
        "pause" => &[("pause", "pause")],
        "setns-demo" => &[("setns-demo", "setns-demo"), ("pause", "pause")],
        "zombie-reaping" => &[("zombie-reaping", "zombie-reaping"), ("pause", "pause")],
        _ => &[],
    }
}

/// What a run of `lab` needs to know about its place on the machine.
#[derive(Debug, Clone)]
pub struct RunPlace {
    pub lab_dir: PathBuf,
    pub bin_dir: PathBuf,
    /// The run's own `SETNS_DEMO_STATE_DIR`.
    pub state_dir: PathBuf,
    /// The run's own `SETNS_DEMO_SUBNET`.
    pub subnet: String,
}

/// The subnet of run slot `slot`: 10.217.<slot>.0/24, a range no test of
/// the workspace uses (they use 10.213-10.216).
pub fn subnet(slot: usize) -> String {
    format!("10.217.{slot}.0/24")
}

/// `PATH` for a run: the lab binaries, the system's sbin (ip, nginx), then
/// the runner's own `PATH`.
fn path(bin_dir: &Path) -> OsString {
    let mut dirs = vec![bin_dir.to_path_buf(), PathBuf::from("/usr/sbin")];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
    ));
    std::env::join_paths(dirs).unwrap_or_default()
}

/// The variables a run gets; nothing else of the runner's environment.
pub fn environment(place: &RunPlace) -> Vec<(&'static str, OsString)> {
    let pause = place.bin_dir.join("pause").into_os_string();
    let mut vars = vec![
        ("PATH", path(&place.bin_dir)),
        (
            "HOME",
            std::env::var_os("HOME").unwrap_or_else(|| "/".into()),
        ),
        ("LANG", "C.UTF-8".into()),
        ("TERM", "dumb".into()),
        (
            "SETNS_DEMO_STATE_DIR",
            place.state_dir.clone().into_os_string(),
        ),
        ("SETNS_DEMO_SUBNET", place.subnet.clone().into()),
        ("SETNS_DEMO_PAUSE", pause.clone()),
        ("PAUSE_BIN", pause),
    ];
    if let Some(user) = std::env::var_os("USER") {
        vars.push(("USER", user));
    }
    vars
}

/// A `bash` for one run, set up like the replay tests.
pub fn bash(place: &RunPlace) -> Command {
    let mut command = Command::new("bash");
    command.env_clear().current_dir(&place.lab_dir);
    for (name, value) in environment(place) {
        command.env(name, value);
    }
    command
}

/// `setns-demo rm NAME` as a run's cleanup needs it.
pub fn setns_demo(place: &RunPlace) -> Command {
    let mut command = Command::new(place.bin_dir.join("setns-demo"));
    command.env_clear().current_dir(&place.lab_dir);
    for (name, value) in environment(place) {
        command.env(name, value);
    }
    command
}

/// Why a transcript of `lab` with `needs` cannot run here, if it cannot.
pub fn why_not(lab: &str, needs: &[Need], bin_dir: &Path, is_root: bool) -> Option<String> {
    let missing: Vec<&(&str, &str)> = lab_binaries(lab)
        .iter()
        .filter(|(_, bin)| !bin_dir.join(bin).is_file())
        .collect();
    if !missing.is_empty() {
        let bins: Vec<&str> = missing.iter().map(|(_, b)| *b).collect();
        let packages: Vec<String> = missing.iter().map(|(p, _)| format!("-p {p}")).collect();
        return Some(format!(
            "the lab binaries {} are not in {}: build them with `cargo build {}` (in the profile \
             the runner was built in), or pass --bin-dir",
            bins.join(", "),
            bin_dir.display(),
            packages.join(" ")
        ));
    }
    for need in needs {
        let problem = match need {
            Need::Root if !is_root => Some(needs_root_message().to_string()),
            Need::Userns if !is_root && !userns_works() => Some(
                "this command needs user namespaces, which this machine refuses: start the \
                 runner with sudo -E cargo xtask serve --labs"
                    .to_string(),
            ),
            Need::Docker => missing_program("docker"),
            Need::Containerd => missing_program("containerd"),
            Need::Podman => missing_program("podman"),
            _ => None,
        };
        if problem.is_some() {
            return problem;
        }
    }
    None
}

pub fn needs_root_message() -> &'static str {
    "this command needs root: start the runner with sudo -E cargo xtask serve --labs"
}

fn missing_program(name: &str) -> Option<String> {
    let found =
        std::env::split_paths(&path(Path::new("/usr/sbin"))).any(|dir| dir.join(name).is_file());
    (!found).then(|| format!("this command needs {name}, which is not installed here"))
}

/// Whether an unprivileged user namespace (with PID and net) can be made.
fn userns_works() -> bool {
    StdCommand::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--pid",
            "--net",
            "--fork",
            "true",
        ])
        .output()
        .is_ok_and(|out| out.status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binaries_name_the_build_command() {
        let dir = Path::new("/nonexistent-bin-dir");
        let why = why_not("setns-demo", &[], dir, true).unwrap();
        assert!(why.contains("cargo build -p setns-demo -p pause"), "{why}");
        assert_eq!(why_not("other-lab", &[], dir, false), None);
        let why = why_not("other-lab", &[Need::Root], dir, false).unwrap();
        assert!(why.contains("needs root"), "{why}");
        assert_eq!(why_not("other-lab", &[Need::Root], dir, true), None);
    }
}
