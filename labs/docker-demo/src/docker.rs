//! Running the `docker` command line.

use std::ffi::OsStr;
use std::process::Command;

/// Runs `docker <args>`; its stdout on success, else an error with its stderr.
pub fn docker<I, S>(args: I) -> Result<String, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let shown = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let output = Command::new("docker").args(&args).output().map_err(|e| {
        format!(
            "cannot run `docker {shown}`: {e}; install Docker (Debian: apt-get install docker.io)"
        )
    })?;
    if !output.status.success() {
        return Err(format!(
            "`docker {shown}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The engine's version when a Docker engine answers, else why not.
pub fn available() -> Result<String, String> {
    docker(["info", "--format", "{{.ServerVersion}}"])
        .map(|version| version.trim().to_string())
        .map_err(|e| format!("{e}; start dockerd (or run `cargo xtask test`, which does)"))
}

/// The host PID of a running container's first process (0 when stopped).
pub fn host_pid(container: &str) -> Result<u32, String> {
    let text = docker(["inspect", "--format", "{{.State.Pid}}", container])?;
    text.trim()
        .parse()
        .map_err(|_| format!("docker inspect gave PID {text:?} for {container}"))
}

/// `docker inspect --format <template> <container>`, trimmed.
pub fn inspect(container: &str, template: &str) -> Result<String, String> {
    docker(["inspect", "--format", template, container]).map(|s| s.trim().to_string())
}
