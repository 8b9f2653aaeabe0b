//! The zombie-reaping lab: what the kernel asks of PID 1 and what pause does
//! about it. One idea per module:
//! - [`orphans`]: the orphan maker (the part an exercise replaces);
//! - [`inits`]: two inits that get the job wrong, `none` and `once`;
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
pub mod subreaper;

/// An error for the user: one line that says what went wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
