//! Running the `docker` command line: `testkit::docker`, with its errors as
//! the text this crate's callers print.

use std::ffi::OsStr;

/// Runs `docker <args>`; its stdout on success, else an error with its stderr.
pub fn docker<I, S>(args: I) -> Result<String, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    testkit::docker::docker(args).map_err(String::from)
}

/// The engine's version when a Docker engine answers, else why not.
pub fn available() -> Result<String, String> {
    testkit::docker::engine().map_err(String::from)
}

/// The host PID of a running container's first process (0 when stopped).
pub fn host_pid(container: &str) -> Result<u32, String> {
    testkit::docker::host_pid(container).map_err(String::from)
}

/// `docker inspect --format <template> <container>`, trimmed.
pub fn inspect(container: &str, template: &str) -> Result<String, String> {
    testkit::docker::inspect(container, template).map_err(String::from)
}
