//! Image sizes: each init alone in an image built FROM scratch (with the
//! shared libraries and loader it needs when it is dynamically linked), the
//! way upstream ships pause. Images are removed after measuring, except
//! pause-tiny's, which is this lab's product: `pause-rs:<version>-tiny`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::peers::Peer;

/// The tag of pause-tiny's image.
pub fn tiny_tag() -> String {
    format!("pause-rs:{}-tiny", env!("CARGO_PKG_VERSION"))
}

/// Whether a Docker engine answers.
pub fn docker_available() -> Result<(), String> {
    let out = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .map_err(|e| format!("docker is not installed ({e})"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err("the Docker engine does not answer (start dockerd)".into())
    }
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
    let out = Command::new("ldd")
        .arg(binary)
        .output()
        .map_err(|e| e.to_string())?;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let path = line
            .split_whitespace()
            .find(|word| word.starts_with('/'))
            .map(PathBuf::from);
        if let Some(path) = path {
            files.push(path);
        }
    }
    Ok(files)
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
}

fn docker(args: &[&str]) -> Result<String, String> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .map_err(|e| format!("run docker: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "docker {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
