//! One format and one harness for the labs' console transcripts.
//!
//! A transcript is `labs/<lab>/transcripts/<id>.txt`: `$ <command>` lines,
//! each followed by what the command prints (stdout and stderr merged). The
//! lab lists its transcripts in `labs/<lab>/transcripts/transcripts.toml`
//! ([`Entry`]): the claims each one is evidence for, what it needs (root,
//! Docker, ...), whether the in-page runner may run it, and its redactions
//! ([`Redaction`] names, then lab-specific regex replacements).
//!
//! A lab's test opens the lab and replays a transcript with a closure that
//! runs one command its own way (bash, a script part, the lab's binary):
//!
//! ```no_run
//! let outputs = transcripts::assert_replay(env!("CARGO_MANIFEST_DIR"), "signals", |command| {
//!     std::process::Command::new("bash")
//!         .args(["-c", &format!("exec 2>&1; {command}")])
//!         .output()
//!         .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
//! });
//! ```
//!
//! The comparison is exact after redaction; redactions name values instead
//! of blanking them, so equal inodes stay equal and different ones differ.
//! `PAUSE_BOOK_BLESS=1` rewrites the files from the run instead (with
//! checkout paths redacted). [`catalog`] lists every lab's transcripts.

mod catalog;
mod error;
mod manifest;
mod redact;
mod replay;
mod shell;
mod transcript;

pub use catalog::{CatalogEntry, CatalogStep, catalog, catalog_of};
pub use error::Error;
pub use manifest::{Entry, MANIFEST, Manifest, Need, Replace, settle_after};
pub use redact::{Context, Redaction, Redactor};
pub use replay::{BLESS_VAR, Lab, Transcript, assert_replay, blessing, workspace_root};
pub use shell::Shell;
pub use transcript::{Step, format, parse};
