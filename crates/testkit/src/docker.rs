//! The `docker` command line, for tests and image builders.

use std::ffi::OsStr;
use std::process::Command;

use crate::error::{Error, Result};
use crate::run::{on_path, stdout_of};

/// Runs `docker <args>`; its stdout on success, else an error with its stderr.
pub fn docker<I, S>(args: I) -> Result<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let program = on_path("docker", "docker.io")?;
    stdout_of(Command::new(program).args(args))
}

/// The engine's version when a Docker engine answers, else why not.
pub fn engine() -> Result<String> {
    match docker(["info", "--format", "{{.ServerVersion}}"]) {
        Ok(version) => Ok(version.trim().to_string()),
        Err(Error::Failed {
            command,
            status,
            output,
        }) => Err(Error::Failed {
            command,
            status,
            output: format!("{output}; start dockerd (or run `cargo xtask test`, which does)"),
        }),
        Err(other) => Err(other),
    }
}

/// `docker inspect --format <template> <object>`, trimmed.
pub fn inspect(object: &str, template: &str) -> Result<String> {
    docker(["inspect", "--format", template, object]).map(|s| s.trim().to_string())
}

/// The host PID of a running container's first process (0 when stopped).
pub fn host_pid(container: &str) -> Result<u32> {
    let text = inspect(container, "{{.State.Pid}}")?;
    text.parse().map_err(|_| Error::File {
        path: container.into(),
        problem: format!("docker inspect gave PID {text:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_say_which_docker_command_failed() {
        if crate::require("Docker", engine().map_err(String::from)).is_none() {
            return;
        }
        let err = inspect("no-such-container-pause-book", "{{.Id}}").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("docker inspect") && text.contains("no-such-container-pause-book"),
            "{text}"
        );
    }
}
