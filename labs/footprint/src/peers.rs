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

/// A peer that cannot be had here: its key, and why (with what to do).
#[derive(Clone, Debug, PartialEq)]
pub struct Missing {
    pub key: String,
    pub why: String,
}

/// A peer, or why it is missing.
pub type Found = Result<Peer, Missing>;

/// What to add to a missing Debian peer's reason.
const INSTALL_PEERS: &str = "or let `cargo xtask bench --install-peers` install the peers";

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
        build_pause().map(|bin| peer("pause", "pause (Rust, std, static glibc)", bin, &[])),
        build_pause_musl()
            .map(|bin| peer("pause-musl", "pause (Rust, std, static musl)", bin, &[])),
        tiny.clone()
            .map(|bin| peer("pause-tiny", "pause-tiny (Rust, no libc)", bin, &[])),
    ];
    let tini = debian("tini", "tini-static").or_else(|_| debian("tini", "tini"));
    found.push(tini.and_then(|bin| {
        let label = format!("{} -- pause-tiny (Debian)", file_name(&bin));
        with_child("tini", &label, bin, &["--"], child.as_deref())
    }));
    found.push(
        debian("catatonit", "catatonit")
            .map(|bin| peer("catatonit", "catatonit -P (Debian)", bin, &["-P"])),
    );
    found.push(debian("dumb-init", "dumb-init").and_then(|bin| {
        let label = "dumb-init pause-tiny (Debian)";
        with_child("dumb-init", label, bin, &[], child.as_deref())
    }));
    found
}

/// `binary` run with `args`, alone.
fn peer(key: &str, label: &str, binary: PathBuf, args: &[&str]) -> Peer {
    let argv = std::iter::once(binary.display().to_string())
        .chain(args.iter().map(|arg| arg.to_string()))
        .collect();
    Peer {
        key: key.into(),
        label: label.into(),
        argv,
        has_child: false,
        binary,
    }
}

/// `binary` run with `args`, then `child` (pause-tiny) as the program it runs.
fn with_child(
    key: &str,
    label: &str,
    binary: PathBuf,
    args: &[&str],
    child: Option<&str>,
) -> Found {
    let child = child.ok_or_else(|| missing(key, NO_CHILD))?;
    let mut peer = peer(key, label, binary, args);
    peer.argv.push(child.to_string());
    peer.has_child = true;
    Ok(peer)
}

/// Why tini and dumb-init are missing when pause-tiny is.
const NO_CHILD: &str = "pause-tiny, its child here, did not build (see pause-tiny's line)";

fn missing(key: &str, why: &str) -> Missing {
    Missing {
        key: key.to_string(),
        why: why.to_string(),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// `program`, from the Debian package `key`, on PATH; else why it is
/// missing and what to install.
fn debian(key: &str, program: &str) -> Result<PathBuf, Missing> {
    testkit::run::on_path(program, key).map_err(|e| missing(key, &format!("{e}, {INSTALL_PEERS}")))
}

/// Our C pause, from the spec, built like upstream builds pause.c.
fn compile_c(source: &Path, cc: &str, work: &Path, key: &str, label: &str) -> Found {
    let output = work.join(format!("pause-{key}"));
    testkit::c_pause::compile(cc, source, &output)
        .map(|binary| peer(key, label, binary, &[]))
        .map_err(|e| missing(key, &e.to_string()))
}

/// The pause lab's binary, static (as in its FROM-scratch image).
fn build_pause() -> Result<PathBuf, Missing> {
    testkit::workspace_static_binary("pause", "pause").map_err(|e| missing("pause", &e.to_string()))
}

/// The same pause lab on musl instead of glibc, static and not a
/// static-pie (as the glibc build): what the libc costs. Needs the Rust
/// target (`rustup target add <arch>-unknown-linux-musl`); not the image's build.
fn build_pause_musl() -> Result<PathBuf, Missing> {
    let root = testkit::workspace_root();
    let target = format!("{}-unknown-linux-musl", std::env::consts::ARCH);
    let target_dir = root.join("target").join("static-musl");
    testkit::run::output_of(
        testkit::run::cargo()
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("RUSTFLAGS", "-C relocation-model=static")
            .args([
                "build",
                "--quiet",
                "--release",
                "-p",
                "pause",
                "--bin",
                "pause",
            ])
            .args(["--target", &target]),
    )
    .map_err(|e| {
        missing(
            "pause-musl",
            &format!("did not build ({e}); it needs `rustup target add {target}`"),
        )
    })?;
    Ok(target_dir.join(target).join("release").join("pause"))
}

/// pause-tiny, release build (the only build that is the real program).
pub fn build_tiny() -> Result<PathBuf, Missing> {
    testkit::bins::tiny_binary(None).map_err(|e| missing("pause-tiny", &e.to_string()))
}
