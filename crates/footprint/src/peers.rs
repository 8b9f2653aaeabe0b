//! The programs measured: our two Rust pauses, our C pause built two ways,
//! and Debian's tini, catatonit and dumb-init. A peer that cannot be had
//! here is kept as missing, with the reason, never dropped.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// One program, run the way it would run as a pod's or a container's init.
#[derive(Clone, Debug, Serialize)]
pub struct Peer {
    /// Short key: `c-glibc`, `pause-tiny`, `tini`...
    pub key: String,
    /// What it is, for the table.
    pub label: String,
    /// The command line, program first. Peers that need a program to run
    /// (tini, dumb-init) get pause-tiny, the cheapest child there is.
    pub argv: Vec<String>,
    /// Whether it runs a child (its readiness includes the child's).
    pub has_child: bool,
    /// The init's own binary, for its size and its image.
    pub binary: PathBuf,
}

/// A peer, or why it is missing.
pub type Found = Result<Peer, (String, String)>;

/// The baseline every ratio is taken against.
pub const BASELINE: &str = "c-glibc";

/// Builds or finds every peer; `work` is a scratch directory.
pub fn all(work: &Path) -> Vec<Found> {
    let tiny = build_tiny();
    let child = tiny.as_ref().ok().map(|p| p.display().to_string());
    let c_source = testkit::c_pause::source();
    let mut found = vec![
        compile_c(
            &c_source,
            "gcc",
            work,
            BASELINE,
            "C pause, gcc -Os -static (glibc)",
        ),
        compile_c(
            &c_source,
            "musl-gcc",
            work,
            "c-musl",
            "C pause, musl-gcc -Os -static",
        ),
        build_pause().map(|bin| simple("pause", "pause (Rust, std, static glibc)", bin)),
        tiny.clone()
            .map(|bin| simple("pause-tiny", "pause-tiny (Rust, no libc)", bin)),
    ];
    let tini = which("tini-static").or_else(|| which("tini"));
    found.push(match (tini, &child) {
        (Some(bin), Some(child)) => Ok(Peer {
            key: "tini".into(),
            label: format!("{} -- pause-tiny (Debian)", file_name(&bin)),
            argv: vec![bin.display().to_string(), "--".into(), child.clone()],
            has_child: true,
            binary: bin,
        }),
        (None, _) => Err(missing("tini", "not installed (Debian package tini)")),
        (_, None) => Err(missing("tini", "pause-tiny, its child here, did not build")),
    });
    found.push(match which("catatonit") {
        Some(bin) => Ok(Peer {
            key: "catatonit".into(),
            label: "catatonit -P (Debian)".into(),
            argv: vec![bin.display().to_string(), "-P".into()],
            has_child: false,
            binary: bin,
        }),
        None => Err(missing(
            "catatonit",
            "not installed (Debian package catatonit)",
        )),
    });
    found.push(match (which("dumb-init"), &child) {
        (Some(bin), Some(child)) => Ok(Peer {
            key: "dumb-init".into(),
            label: "dumb-init pause-tiny (Debian)".into(),
            argv: vec![bin.display().to_string(), child.clone()],
            has_child: true,
            binary: bin,
        }),
        (None, _) => Err(missing(
            "dumb-init",
            "not installed (Debian package dumb-init)",
        )),
        (_, None) => Err(missing(
            "dumb-init",
            "pause-tiny, its child here, did not build",
        )),
    });
    found
}

fn simple(key: &str, label: &str, binary: PathBuf) -> Peer {
    Peer {
        key: key.into(),
        label: label.into(),
        argv: vec![binary.display().to_string()],
        has_child: false,
        binary,
    }
}

fn missing(key: &str, why: &str) -> (String, String) {
    (key.to_string(), why.to_string())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// `program` in `$PATH`, if there.
pub fn which(program: &str) -> Option<PathBuf> {
    which::which(program).ok()
}

/// Our C pause, from the spec, built like upstream builds pause.c.
fn compile_c(source: &Path, cc: &str, work: &Path, key: &str, label: &str) -> Found {
    let output = work.join(format!("pause-{key}"));
    testkit::c_pause::compile(cc, source, &output)
        .map(|binary| simple(key, label, binary))
        .map_err(|e| missing(key, &e.to_string()))
}

/// The pause lab's binary, static (as in its FROM-scratch image).
fn build_pause() -> Result<PathBuf, (String, String)> {
    testkit::workspace_static_binary("pause", "pause").map_err(|e| missing("pause", &e.to_string()))
}

/// pause-tiny, release build (the only build that is the real program).
pub fn build_tiny() -> Result<PathBuf, (String, String)> {
    testkit::bins::tiny_binary(None).map_err(|e| missing("pause-tiny", &e.to_string()))
}
