//! What can go wrong on the lab's node, each message saying what to do next.

use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the private runtime needs is not there (root, a program, a
    /// CNI plugin, a file); `fix` says how to get it.
    #[error("{what}: {fix}")]
    Missing { what: String, fix: String },
    /// A program could not be started at all.
    #[error("cannot run {program}: {source} ({fix})")]
    Spawn {
        program: String,
        fix: String,
        #[source]
        source: std::io::Error,
    },
    /// A program ran and failed; `output` is what it said.
    #[error("`{command}` failed: {output}")]
    Failed { command: String, output: String },
    /// A file or directory of the private runtime could not be made or read.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A CRI call (gRPC over the runtime's socket) failed, or the socket
    /// could not be reached (`call` is then "connect").
    #[error("CRI {call} failed: {message}")]
    Cri { call: &'static str, message: String },
    /// containerd exited while we waited for its socket to answer.
    #[error(
        "containerd exited ({status}): see why in its log, fix that and run again; log:\n{log}"
    )]
    Exited { status: ExitStatus, log: String },
    /// containerd did not answer in time; `log` is the end of its log.
    #[error(
        "containerd did not answer on its socket within {waited:?}: see why in its log, fix that and run again; log:\n{log}"
    )]
    NotReady { waited: Duration, log: String },
    /// Building the images (the Docker demo's contexts) failed; its error
    /// already says what to do.
    #[error(transparent)]
    Demo(#[from] docker_demo::error::Error),
    /// The test kit (a static build of the pause lab) failed; its error
    /// already says what to do.
    #[error(transparent)]
    Kit(#[from] testkit::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A missing prerequisite and how to get it.
    pub(crate) fn missing(what: impl Into<String>, fix: impl Into<String>) -> Error {
        Error::Missing {
            what: what.into(),
            fix: fix.into(),
        }
    }

    /// `program` could not be started; `fix` says how to install it.
    pub(crate) fn spawn(
        program: impl Into<String>,
        fix: impl Into<String>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        move |source| Error::Spawn {
            program: program.into(),
            fix: fix.into(),
            source,
        }
    }

    /// `action` on `path` failed.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }

    /// `program args` exited unsuccessfully, saying `output`.
    pub(crate) fn failed(program: &str, args: &[&str], output: &[u8]) -> Error {
        let mut command = program.to_string();
        for arg in args {
            command.push(' ');
            command.push_str(arg);
        }
        Error::Failed {
            command,
            output: String::from_utf8_lossy(output).trim().to_string(),
        }
    }
}

impl From<Error> for String {
    /// For `testkit::require` and the tests' setup, which take reasons as text.
    fn from(error: Error) -> String {
        error.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_failed_and_what_to_do() {
        let missing = Error::missing("runc is missing", "apt-get install -y runc");
        assert_eq!(
            missing.to_string(),
            "runc is missing: apt-get install -y runc"
        );
        let failed = Error::failed("ctr", &["images", "rm", "x"], b"not found\n");
        assert_eq!(failed.to_string(), "`ctr images rm x` failed: not found");
        let spawn = Error::spawn("ip", "apt-get install -y iproute2")(std::io::Error::from(
            std::io::ErrorKind::NotFound,
        ));
        assert!(spawn.to_string().starts_with("cannot run ip: "), "{spawn}");
        assert!(
            spawn.to_string().ends_with("(apt-get install -y iproute2)"),
            "{spawn}"
        );
        let io = Error::io("write", "/run/x/config.toml")(std::io::Error::from(
            std::io::ErrorKind::PermissionDenied,
        ));
        assert!(
            io.to_string()
                .starts_with("cannot write /run/x/config.toml: "),
            "{io}"
        );
    }
}
