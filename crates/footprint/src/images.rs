//! Image sizes: each init alone in an image built FROM scratch (with the
//! shared libraries and loader it needs when it is dynamically linked), the
//! way upstream ships pause. Images are removed after measuring, except
//! pause-tiny's, which is this lab's product: `pause-rs:<version>-tiny`.

use std::path::{Path, PathBuf};

use crate::peers::Peer;

/// The tag of pause-tiny's image.
pub fn tiny_tag() -> String {
    format!("pause-rs:{}-tiny", env!("CARGO_PKG_VERSION"))
}

/// Whether a Docker engine answers.
pub fn docker_available() -> Result<(), String> {
    testkit::docker::engine().map(drop).map_err(String::from)
}

/// Builds `peer`'s image in `work` and returns its size in bytes. The
/// Dockerfile for pause-tiny is the lab's own (labs/pause-tiny/Dockerfile).
pub fn image_size(root: &Path, peer: &Peer, work: &Path) -> Result<u64, String> {
    let context = work.join(format!("image-{}", peer.key));
    let _ = std::fs::remove_dir_all(&context);
    std::fs::create_dir_all(&context).map_err(|e| e.to_string())?;
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
        std::fs::write(context.join("Dockerfile"), lines.join("\n") + "\n")
            .map_err(|e| e.to_string())?;
    }
    docker(&[
        "build",
        "--quiet",
        "-t",
        &tag,
        &context.display().to_string(),
    ])?;
    let size = docker(&["image", "inspect", "--format", "{{.Size}}", &tag]);
    if !keep {
        let _ = docker(&["rmi", "--force", &tag]);
    }
    let _ = std::fs::remove_dir_all(&context);
    size?
        .trim()
        .parse()
        .map_err(|e| format!("docker image size: {e}"))
}

/// The binary itself, and for a dynamic one the libraries and loader `ldd`
/// names (resolved through symbolic links).
fn files_needed(binary: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = vec![binary.to_path_buf()];
    files.extend(testkit::elf::shared_libraries(binary).map_err(String::from)?);
    Ok(files)
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
}

fn docker(args: &[&str]) -> Result<String, String> {
    testkit::docker::docker(args).map_err(String::from)
}
