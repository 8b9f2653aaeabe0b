//! A tiny blog server and two in-pod tools, all small enough to run as
//! static binaries in images built `FROM scratch`.
//!
//! - [`options`]: the server's command line (`--port`, `--bind`);
//! - [`site`]: the posts and the HTML page;
//! - [`http`]: just enough HTTP/1.x to answer nginx and curl;
//! - [`processes`]: a `ps aux`-like list read from `/proc` (`pod-ps`);
//! - [`namespaces`]: the namespace identities of a process (`pod-ns`);
//! - [`ipc`]: SysV shared memory, made and listed (`pod-ipc`);
//! - [`error`]: the error every module returns.

pub mod error;
pub mod http;
pub mod ipc;
pub mod namespaces;
pub mod options;
pub mod processes;
pub mod site;

pub use error::{Error, Result};
