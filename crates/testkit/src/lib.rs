//! What only the pause book's tests and tools need, in one place. The lab
//! binaries themselves link only `nsproc` (namespaces, spawn, enter, procfs,
//! wait); this crate is a dev-dependency of the labs, and a dependency of
//! the tools (xtask, footprint, the image builders).
//!
//! Each module holds one idea:
//! - [`error`]: the error enum, whose messages say what to do;
//! - [`prereq`]: whether a test may run here, or must skip or fail;
//! - [`run`]: finding programs on PATH, running them, cargo;
//! - [`bins`]: building the labs' binaries (debug, static, pause-tiny);
//! - [`c_pause`]: compiling the C pause like upstream;
//! - [`elf`]: static or not, PIE or not, the libraries `ldd` names;
//! - [`exec`]: putting an executable in place without ETXTBSY;
//! - [`docker`]: the `docker` command line;
//! - [`shared`]: copies another user may read (tests that drop root).

pub mod bins;
pub mod c_pause;
pub mod docker;
pub mod elf;
pub mod error;
pub mod exec;
pub mod prereq;
pub mod run;
pub mod shared;

pub use bins::{workspace_binary, workspace_root, workspace_static_binary};
pub use error::{Error, Result};
pub use prereq::{Isolation, STRICT_ENV, isolation, require, strict};
