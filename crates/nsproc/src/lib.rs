//! Namespace and process helpers shared by the labs of the pause book: what
//! the lab binaries run. What only tests and tools need (building other
//! labs' binaries, the skip-or-fail policy) is in the `testkit` crate.
//!
//! Each module holds one idea:
//! - [`error`]: the error type, which always says what to do next;
//! - [`namespaces`]: namespace kinds and their identities (inodes);
//! - [`procfs`]: what `/proc` says about a process or a PID namespace;
//! - [`wait`]: waiting on readiness instead of sleeping;
//! - [`spawn`]: starting a program as PID 1 of fresh namespaces;
//! - [`child`]: the process it started, how it ended, killed on drop;
//! - [`enter`]: running a program inside the namespaces of another process.

pub mod child;
pub mod enter;
pub mod error;
pub mod namespaces;
pub mod procfs;
pub mod spawn;
pub mod wait;

pub use enter::{CommandInNamespaces, EnterOptions};
pub use error::{Error, Result};
pub use namespaces::{NsKind, ns_inode};
pub use spawn::{NsChild, NsCommand, Output, Stdio};
pub use wait::{wait_for_handlers, wait_until};
