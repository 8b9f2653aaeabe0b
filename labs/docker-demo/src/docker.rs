//! Running the `docker` command line: `testkit::docker`, with this crate's
//! error type.

use std::ffi::OsStr;

use crate::error::Result;

/// Runs `docker <args>`; its stdout on success, else an error with its stderr.
pub fn docker<I, S>(args: I) -> Result<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    testkit::docker::docker(args).map_err(Into::into)
}

/// The engine's version when a Docker engine answers, else why not.
pub fn available() -> Result<String> {
    testkit::docker::engine().map_err(Into::into)
}

/// The host PID of a running container's first process (0 when stopped).
pub fn host_pid(container: &str) -> Result<u32> {
    testkit::docker::host_pid(container).map_err(Into::into)
}

/// `docker inspect --format <template> <container>`, trimmed.
pub fn inspect(container: &str, template: &str) -> Result<String> {
    testkit::docker::inspect(container, template).map_err(Into::into)
}
