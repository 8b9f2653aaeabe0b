//! Finding the binaries of the workspace's labs from another crate's tests.
//!
//! A test of `setns-demo` needs the `pause` binary, but Cargo only hands a
//! test the binaries of its own package. So we build the one we need with a
//! nested `cargo build` (a no-op when it is fresh) into a target directory of
//! its own, which keeps it clear of the outer build's lock. An environment
//! variable named after the binary (`PAUSE_BIN` for `pause`) overrides it, so
//! a reader can put upstream's C pause, or their own, under the same tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// The root of the Cargo workspace (this crate lives in `crates/nsproc`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/nsproc has two ancestors")
        .to_path_buf()
}

/// The variable that overrides binary `bin`: `pause-tiny` -> `PAUSE_TINY_BIN`.
pub fn override_var(bin: &str) -> String {
    format!("{}_BIN", bin.to_uppercase().replace('-', "_"))
}

/// The path of binary `bin` of workspace package `package`: the override
/// variable's value if set (it must exist), else a fresh debug build.
pub fn workspace_binary(package: &str, bin: &str) -> Result<PathBuf> {
    let var = override_var(bin);
    if let Some(path) = std::env::var_os(&var) {
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(
                Error::new(format!("use {var}={}", path.display()), "no such file")
                    .hint("point it at an executable, or unset it to use the workspace's build"),
            );
        }
        return Ok(path);
    }
    let root = workspace_root();
    let target = root.join("target").join("lab-bins");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--quiet", "--package", package, "--bin", bin])
        .output()
        .map_err(|e| Error::new(format!("run cargo build -p {package}"), e))?;
    if !output.status.success() {
        return Err(Error::new(
            format!("build binary {bin} of package {package}"),
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    Ok(target.join("debug").join(bin))
}

/// The flags of a static build: glibc linked in (`+crt-static`), and a plain
/// static executable rather than Rust's default static-pie
/// (`relocation-model=static`). A static-pie relocates itself at start-up,
/// which turns every page holding a pointer into a private copy: measured
/// here, 68 kB of RssAnon instead of 52 kB for an idle pause.
pub const STATIC_RUSTFLAGS: &str = "-C target-feature=+crt-static -C relocation-model=static";

/// A static, release build of binary `bin` of workspace package `package`,
/// for images built `FROM scratch` (no libc in the image), built with
/// [`STATIC_RUSTFLAGS`] in a target directory of its own so the flags do not
/// invalidate the ordinary builds.
pub fn workspace_static_binary(package: &str, bin: &str) -> Result<PathBuf> {
    let root = workspace_root();
    let target_dir = root.join("target").join("static");
    let triple = host_triple()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env("RUSTFLAGS", STATIC_RUSTFLAGS)
        .args([
            "build",
            "--quiet",
            "--release",
            "--package",
            package,
            "--bin",
            bin,
        ])
        .args(["--target", &triple])
        .output()
        .map_err(|e| Error::new(format!("run cargo build -p {package}"), e))?;
    if !output.status.success() {
        return Err(Error::new(
            format!("build a static {bin} of package {package}"),
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    Ok(target_dir.join(triple).join("release").join(bin))
}

/// The target triple rustc builds for by default, e.g. `x86_64-unknown-linux-gnu`.
pub fn host_triple() -> Result<String> {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| Error::new("run rustc -vV", e).hint("install Rust with rustup"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| Error::new("read the host triple from rustc -vV", "no host: line"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_variable_names() {
        assert_eq!(override_var("pause"), "PAUSE_BIN");
        assert_eq!(override_var("pause-tiny"), "PAUSE_TINY_BIN");
    }

    #[test]
    fn workspace_root_holds_the_book() {
        assert!(workspace_root().join("book.toml").is_file());
    }

    #[test]
    fn static_pause_needs_no_dynamic_loader() {
        let path = workspace_static_binary("pause", "pause").unwrap();
        let bytes = std::fs::read(&path).unwrap();
        // A dynamically linked ELF names its loader in a PT_INTERP segment.
        let needle = b"/lib64/ld-linux";
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} is dynamically linked",
            path.display()
        );
        // e_type at offset 16: 2 = ET_EXEC (fixed addresses), 3 = ET_DYN (PIE).
        assert_eq!(bytes[16], 2, "{} is position-independent", path.display());
        let out = Command::new(&path).arg("-v").output().unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("pause.rs "));
    }
}
