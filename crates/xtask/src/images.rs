//! `cargo xtask images`: the Docker demo's three images, built offline.
//!
//! The work is done by the `demo-images` binary of `labs/docker-demo`
//! (std only, so this is quick to build; testcontainers is only a
//! dev-dependency of that crate): pause from our static Rust pause, Debian's
//! nginx with the seed's nginx.conf, and tiny-blog with the in-pod tools,
//! each `FROM scratch`, tagged `pause-book/{pause,nginx,tiny-blog}:demo`,
//! the names the chapter's commands (labs/docker-demo/commands/demo.sh) use.

use std::process::Command;

use crate::serve::repo_root;

const USAGE: &str = "usage: cargo xtask images [--tag TAG] [--remove]
Builds pause-book/pause, pause-book/nginx and pause-book/tiny-blog (tag: demo)
FROM scratch, with no registry; --remove deletes those tags again.";

pub fn run(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return Ok(());
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(repo_root())
        .args([
            "run",
            "--quiet",
            "--package",
            "docker-demo",
            "--bin",
            "demo-images",
            "--",
        ])
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("demo-images failed ({status})\n{USAGE}"))
    }
}
