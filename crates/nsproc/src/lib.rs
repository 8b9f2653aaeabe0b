//! Namespace and process helpers shared by the labs of the pause book.
//!
//! Each module holds one idea:
//! - [`error`]: the error type, which always says what to do next;
//! - [`namespaces`]: namespace kinds and their identities (inodes);
//! - [`procfs`]: what `/proc` says about a process or a PID namespace;
//! - [`wait`]: waiting on readiness instead of sleeping;
//! - [`spawn`]: starting a program as PID 1 of fresh namespaces;
//! - [`bins`]: finding (building) the binaries of other labs;
//! - [`enter`]: running a program inside the namespaces of another process;
//! - [`prereq`]: deciding whether a test may run here, or must skip or fail.

pub mod bins;
pub mod enter;
pub mod error;
pub mod namespaces;
pub mod prereq;
pub mod procfs;
pub mod spawn;
pub mod wait;

pub use bins::{workspace_binary, workspace_static_binary};
pub use enter::{CommandInNamespaces, EnterOptions};
pub use error::{Error, Result};
pub use namespaces::{NsKind, ns_inode};
pub use prereq::{Isolation, isolation, require, strict};
pub use spawn::{NsChild, NsCommand, Output, Stdio};
pub use wait::{wait_for_handlers, wait_until};
