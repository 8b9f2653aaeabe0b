//! `cargo xtask pause-image` (formerly `image`): the `pause-rs:<version>`
//! image, built offline.
//!
//! 1. check that Docker answers (before the slow part);
//! 2. build pause as a static release binary (`testkit::workspace_static_binary`:
//!    glibc linked in, not position-independent, in `target/static` so the
//!    flags do not invalidate the ordinary builds; checked to need no loader);
//! 3. ask the binary for its version (`pause.rs 0.1.0`), which names the tag;
//! 4. `docker build` labs/pause/Dockerfile (`FROM scratch`: nothing to pull)
//!    in a context directory holding only the Dockerfile and the binary.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::serve::repo_root;

/// `cargo xtask pause-image`'s flags.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Builds a static pause and the image pause-rs:<version> FROM scratch \
(one file, /pause; ENTRYPOINT [\"/pause\"]; USER 65535:65535)."
)]
pub struct Args {
    /// Tag the image NAME:TAG instead of pause-rs:<version>
    #[arg(long, value_name = "NAME:TAG")]
    tag: Option<String>,
}

pub fn run(Args { tag }: Args) -> anyhow::Result<()> {
    let root = repo_root();

    step("checking that Docker answers");
    testkit::docker::engine().context("the Docker engine must answer to build the image")?;

    step("building a static pause (release, +crt-static, not PIE)");
    let binary = testkit::workspace_static_binary("pause", "pause")?;
    let bytes = std::fs::metadata(&binary)
        .with_context(|| format!("cannot read {}", binary.display()))?
        .len();
    let version = version_of(&binary)?;
    step(&format!(
        "{} is pause.rs {version}, {bytes} bytes, static",
        binary.display()
    ));

    let tag = tag.unwrap_or_else(|| format!("pause-rs:{version}"));
    step(&format!("docker build --tag {tag} (FROM scratch)"));
    let context = ContextDir::create(
        &root
            .join("target")
            .join(format!("pause-image-context-{}", std::process::id())),
    )?;
    copy(
        &root.join("labs/pause/Dockerfile"),
        &context.0.join("Dockerfile"),
    )?;
    copy(&binary, &context.0.join("pause"))?;
    testkit::docker::docker([
        "build".as_ref(),
        "--quiet".as_ref(),
        "--tag".as_ref(),
        tag.as_ref(),
        context.0.as_os_str(),
    ])
    .with_context(|| format!("docker build --tag {tag} failed"))?;
    step(&format!("built {tag}; try: docker run --rm {tag} -v"));
    Ok(())
}

fn step(message: &str) {
    eprintln!("==> {message}");
}

/// `pause -v` prints `pause.rs <version>`.
fn version_of(binary: &Path) -> anyhow::Result<String> {
    let output = Command::new(binary)
        .arg("-v")
        .output()
        .with_context(|| format!("cannot run {} -v", binary.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim()
        .strip_prefix("pause.rs ")
        .map(str::to_string)
        .with_context(|| {
            format!(
                "{} -v printed {text:?}, not `pause.rs <version>`",
                binary.display()
            )
        })
}

fn copy(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::copy(from, to)
        .map(drop)
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))
}

/// The build context: a fresh, empty directory, removed when done.
struct ContextDir(PathBuf);

impl ContextDir {
    fn create(path: &Path) -> anyhow::Result<ContextDir> {
        let _ = std::fs::remove_dir_all(path);
        std::fs::create_dir_all(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(ContextDir(path.to_path_buf()))
    }
}

impl Drop for ContextDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
