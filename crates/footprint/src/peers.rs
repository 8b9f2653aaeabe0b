//! The programs measured: our two Rust pauses, our C pause built two ways,
//! and Debian's tini, catatonit and dumb-init. A peer that cannot be had
//! here is kept as missing, with the reason, never dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

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
pub fn all(root: &Path, work: &Path) -> Vec<Found> {
    let tiny = build_tiny(root);
    let child = tiny.as_ref().ok().map(|p| p.display().to_string());
    let c_source = root.join("labs/pause/c/pause.c");
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
        build_pause(root).map(|bin| simple("pause", "pause (Rust, std, static glibc)", bin)),
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
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|path| path.is_file())
}

/// Our C pause, from the spec, built like upstream builds pause.c.
fn compile_c(source: &Path, cc: &str, work: &Path, key: &str, label: &str) -> Found {
    if which(cc).is_none() {
        let package = if cc == "musl-gcc" {
            "musl-tools"
        } else {
            "gcc"
        };
        return Err(missing(
            key,
            &format!("{cc} is not installed (Debian package {package})"),
        ));
    }
    let output = work.join(format!("pause-{key}"));
    let result = Command::new(cc)
        .args(["-Os", "-Wall", "-Werror", "-static", "-s", "-o"])
        .arg(&output)
        .arg(source)
        .output()
        .map_err(|e| missing(key, &format!("cannot run {cc}: {e}")))?;
    if !result.status.success() {
        let why = String::from_utf8_lossy(&result.stderr).trim().to_string();
        return Err(missing(key, &format!("{cc} failed: {why}")));
    }
    Ok(simple(key, label, output))
}

/// The pause lab's binary, static (as in its FROM-scratch image).
fn build_pause(root: &Path) -> Result<PathBuf, (String, String)> {
    let _ = root;
    nsproc::workspace_static_binary("pause", "pause").map_err(|e| missing("pause", &e.to_string()))
}

/// pause-tiny, release build (the only build that is the real program).
pub fn build_tiny(root: &Path) -> Result<PathBuf, (String, String)> {
    let target_dir = root.join("target").join("tiny");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env_remove("RUSTFLAGS")
        .args(["build", "--quiet", "--release", "-p", "pause-tiny"])
        .output()
        .map_err(|e| missing("pause-tiny", &format!("cannot run cargo: {e}")))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(missing("pause-tiny", &format!("cargo build failed: {why}")));
    }
    Ok(target_dir.join("release").join("pause-tiny"))
}
