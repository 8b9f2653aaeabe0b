//! Image sizes: each init alone in an image built FROM scratch (with the
//! shared libraries and loader it needs when it is dynamically linked), the
//! way upstream ships pause. Images are removed after measuring, except
//! pause-tiny's, which is this lab's product: `pause-rs:<version>-tiny`.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::peers::Peer;

/// The tag of pause-tiny's image.
pub fn tiny_tag() -> String {
    format!("pause-rs:{}-tiny", env!("CARGO_PKG_VERSION"))
}

/// Whether a Docker engine answers.
pub fn docker_available() -> anyhow::Result<()> {
    testkit::docker::engine()
        .map(drop)
        .context("no Docker engine answers")
}

/// Builds `peer`'s image in `work` and returns its size in bytes. The
/// Dockerfile for pause-tiny is the lab's own (labs/pause-tiny/Dockerfile).
pub fn image_size(root: &Path, peer: &Peer, work: &Path) -> anyhow::Result<u64> {
    let context = work.join(format!("image-{}", peer.key));
    let _ = std::fs::remove_dir_all(&context);
    std::fs::create_dir_all(&context)
        .with_context(|| format!("cannot create the build context {}", context.display()))?;
    let keep = peer.key == "pause-tiny";
    let tag = if keep {
        tiny_tag()
    } else {
        format!("footprint-bench/{}:latest", peer.key)
    };
    if keep {
        copy(&peer.binary, &context.join("pause-tiny"))?;
        copy(
            &root.join("labs/pause-tiny/Dockerfile"),
            &context.join("Dockerfile"),
        )?;
    } else {
        let mut lines = vec!["FROM scratch".to_string()];
        for (index, file) in files_needed(&peer.binary)?.iter().enumerate() {
            let name = format!("file{index}");
            copy(file, &context.join(&name))?;
            lines.push(format!("COPY {name} {}", file.display()));
        }
        lines.push(format!("ENTRYPOINT [\"{}\"]", peer.binary.display()));
        let dockerfile = context.join("Dockerfile");
        std::fs::write(&dockerfile, lines.join("\n") + "\n")
            .with_context(|| format!("cannot write {}", dockerfile.display()))?;
    }
    docker(&[
        "build",
        "--quiet",
        "-t",
        &tag,
        &context.display().to_string(),
    ])
    .with_context(|| format!("cannot build the image {tag}"))?;
    let size = docker(&["image", "inspect", "--format", "{{.Size}}", &tag])
        .with_context(|| format!("cannot inspect the image {tag}"));
    if !keep {
        let _ = docker(&["rmi", "--force", &tag]);
    }
    let _ = std::fs::remove_dir_all(&context);
    let size = size?;
    size.trim()
        .parse()
        .with_context(|| format!("docker gave {tag}'s size as {size:?}, not a number of bytes"))
}

/// The binary itself, and for a dynamic one the libraries and loader `ldd`
/// names (resolved through symbolic links).
fn files_needed(binary: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = vec![binary.to_path_buf()];
    files.extend(
        testkit::elf::shared_libraries(binary)
            .with_context(|| format!("cannot list the libraries {} needs", binary.display()))?,
    );
    Ok(files)
}

fn copy(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::copy(from, to)
        .map(|_| ())
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))
}

fn docker(args: &[&str]) -> testkit::Result<String> {
    testkit::docker::docker(args)
}
