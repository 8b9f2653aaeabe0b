//! `cargo xtask bench [--quick] [--install-peers]`: how light is pause,
//! measured against its peers. The measuring is the `footprint` crate's;
//! this task installs the peers when asked, then runs it in release mode
//! and keeps a copy of the results where the chapter includes them.

use std::process::Command;

const PEERS: [&str; 4] = ["tini", "catatonit", "dumb-init", "musl-tools"];
const CHAPTER_COPY: &str = "labs/pause-tiny/bench";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    let mut install = false;
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            "--install-peers" => install = true,
            other => {
                return Err(format!(
                    "unknown option {other:?} (usage: cargo xtask bench [--quick] [--install-peers])"
                ));
            }
        }
    }
    if install {
        install_peers()?;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .ok_or("crates/xtask has no workspace root")?
        .to_path_buf();
    let mut footprint = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    footprint
        .current_dir(&root)
        .args(["run", "--release", "--quiet", "-p", "footprint", "--"])
        .args(["--out", "target/bench", "--copy-to", CHAPTER_COPY]);
    if quick {
        footprint.arg("--quick");
    }
    let status = footprint
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("the benchmark failed ({status})"));
    }
    Ok(())
}

/// Debian's peers (and musl-gcc for the musl C pause), through apt-get.
fn install_peers() -> Result<(), String> {
    eprintln!("installing {} with apt-get", PEERS.join(", "));
    for args in [
        vec!["update", "-qq"],
        [&["install", "-y", "-qq"][..], &PEERS].concat(),
    ] {
        let status = Command::new("apt-get")
            .args(&args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|e| format!("cannot run apt-get ({e}): on a Debian-like system, as root"))?;
        if !status.success() {
            return Err(format!("apt-get {} failed ({status})", args.join(" ")));
        }
    }
    Ok(())
}
