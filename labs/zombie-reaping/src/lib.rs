//! The zombie-reaping lab: what the kernel asks of PID 1 and what pause does
//! about it. One idea per module:
//! - [`orphans`]: the orphan maker (the part an exercise replaces);
//! - [`inits`]: two inits that get the job wrong, `none` and `once`;
//! - [`reaping_init`]: one that gets it right, `loop` (an exercise);
//! - [`pod`]: an init as PID 1 of a new PID namespace, and entering it;
//! - [`census`]: counting zombies and live processes from `/proc`;
//! - [`demo`]: orphans in a pod, zombies over time;
//! - [`pids_cgroup`]: a `pids` cgroup (v1 or v2) and what zombies do to it;
//! - [`subreaper`]: collecting orphans without being PID 1;
//! - [`bench`]: what reaping costs the init;
//! - [`input`]: checking the numbers a user gives.

pub mod bench;
pub mod census;
pub mod demo;
pub mod inits;
pub mod input;
pub mod orphans;
pub mod pids_cgroup;
pub mod pod;
pub mod reaping_init;
pub mod subreaper;

/// An error for the user: one line that says what went wrong and what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value given on the command line is wrong; says what to give.
    #[error("{0}")]
    Input(String),
    /// A file of `/proc` or `/sys` could not be read.
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// Anything else the lab could not do; says what and, where it can, why.
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// A failure described in one line.
    pub fn new(message: impl Into<String>) -> Self {
        Error::Failed(message.into())
    }

    /// A bad value given by the user.
    pub fn input(message: impl Into<String>) -> Self {
        Error::Input(message.into())
    }
}

pub type Result<T> = std::result::Result<T, Error>;
