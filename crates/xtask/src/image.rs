//! `cargo xtask image`: the `pause-rs:<version>` image, built offline.
//!
//! 1. check that Docker answers (before the slow part);
//! 2. build pause as a static release binary (glibc linked in, not
//!    position-independent: `nsproc::bins::STATIC_RUSTFLAGS`), in
//!    `target/static` so the flags do not invalidate the ordinary builds;
//! 3. ask the binary for its version (`pause.rs 0.1.0`), which names the tag;
//! 4. `docker build` labs/pause/Dockerfile (`FROM scratch`: nothing to pull)
//!    in a context directory holding only the Dockerfile and the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::serve::repo_root;

const USAGE: &str = "usage: cargo xtask image [--tag NAME:TAG]
Builds a static pause and the image pause-rs:<version> FROM scratch
(one file, /pause; ENTRYPOINT [\"/pause\"]; USER 65535:65535).
  --tag NAME:TAG   tag the image NAME:TAG instead";

pub fn run(args: &[String]) -> Result<(), String> {
    let tag = match args {
        [] => None,
        [flag, tag] if flag == "--tag" => Some(tag.clone()),
        [help] if help == "-h" || help == "--help" => {
            println!("{USAGE}");
            return Ok(());
        }
        other => return Err(format!("unexpected arguments {other:?}\n{USAGE}")),
    };
    let root = repo_root();

    step("checking that Docker answers");
    check_docker()?;

    step("building a static pause (release, +crt-static, not PIE)");
    let binary = build_static(&root)?;
    let bytes = std::fs::metadata(&binary).map_err(|e| e.to_string())?.len();
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
    let status = Command::new("docker")
        .args(["build", "--quiet", "--tag", &tag])
        .arg(&context.0)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run docker build: {e}"))?;
    if !status.success() {
        return Err(format!("docker build --tag {tag} failed ({status})"));
    }
    step(&format!("built {tag}; try: docker run --rm {tag} -v"));
    Ok(())
}

fn step(message: &str) {
    eprintln!("==> {message}");
}

/// Docker must be installed and its daemon running.
fn check_docker() -> Result<(), String> {
    let output = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
        .map_err(|e| {
            format!("cannot run docker ({e}): install it (Debian: apt-get install docker.io)")
        })?;
    if output.status.success() {
        return Ok(());
    }
    let why = String::from_utf8_lossy(&output.stderr);
    Err(format!(
        "the Docker daemon does not answer ({}): start it with `systemctl start docker`, \
         or `dockerd > /tmp/dockerd.log 2>&1 &` where there is no systemd",
        why.trim()
    ))
}

/// Builds the static release binary; returns its path.
fn build_static(root: &Path) -> Result<PathBuf, String> {
    let triple = nsproc::bins::host_triple().map_err(|e| e.to_string())?;
    let target_dir = root.join("target").join("static");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTFLAGS", nsproc::bins::STATIC_RUSTFLAGS)
        .args(["build", "--quiet", "--release", "--package", "pause"])
        .args(["--bin", "pause", "--target", &triple])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build of the static pause failed ({status})"));
    }
    let binary = target_dir.join(&triple).join("release").join("pause");
    if has_interpreter(&binary)? {
        return Err(format!(
            "{} is dynamically linked: an image FROM scratch has no loader for it",
            binary.display()
        ));
    }
    Ok(binary)
}

/// Whether the ELF file names a dynamic loader (a PT_INTERP program header).
fn has_interpreter(path: &Path) -> Result<bool, String> {
    let elf = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let field = |at: usize, len: usize| -> Option<u64> {
        let bytes = elf.get(at..at + len)?;
        Some(
            bytes
                .iter()
                .rev()
                .fold(0, |acc, &b| acc << 8 | u64::from(b)),
        )
    };
    // 64-bit little-endian ELF only: e_phoff at 0x20, e_phentsize at 0x36,
    // e_phnum at 0x38; each program header starts with its u32 p_type.
    if elf.get(..6) != Some(b"\x7fELF\x02\x01") {
        return Err(format!(
            "{} is not a 64-bit little-endian ELF",
            path.display()
        ));
    }
    let malformed = || format!("{} has malformed ELF headers", path.display());
    let phoff = field(0x20, 8).ok_or_else(malformed)? as usize;
    let entsize = field(0x36, 2).ok_or_else(malformed)? as usize;
    let count = field(0x38, 2).ok_or_else(malformed)? as usize;
    const PT_INTERP: u64 = 3;
    Ok((0..count).any(|i| field(phoff + i * entsize, 4) == Some(PT_INTERP)))
}

/// `pause -v` prints `pause.rs <version>`.
fn version_of(binary: &Path) -> Result<String, String> {
    let output = Command::new(binary)
        .arg("-v")
        .output()
        .map_err(|e| format!("cannot run {} -v: {e}", binary.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim()
        .strip_prefix("pause.rs ")
        .map(str::to_string)
        .ok_or_else(|| {
            format!(
                "{} -v printed {text:?}, not `pause.rs <version>`",
                binary.display()
            )
        })
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// The build context: a fresh, empty directory, removed when done.
struct ContextDir(PathBuf);

impl ContextDir {
    fn create(path: &Path) -> Result<ContextDir, String> {
        let _ = std::fs::remove_dir_all(path);
        std::fs::create_dir_all(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(ContextDir(path.to_path_buf()))
    }
}

impl Drop for ContextDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
