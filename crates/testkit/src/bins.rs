//! Building the workspace's lab binaries for other crates' tests and tools.
//!
//! A test of `setns-demo` needs the `pause` binary, but Cargo only hands a
//! test the binaries of its own package. So we build the one we need with a
//! nested `cargo build` (a no-op when it is fresh) into a target directory of
//! its own, which keeps it clear of the outer build's lock. An environment
//! variable named after the binary (`PAUSE_BIN` for `pause`) overrides it, so
//! a reader can put upstream's C pause, or their own, under the same tests.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::run::{cargo, output_of, stdout_of};

/// The variable naming the project tree the tests run in. The course's
/// checker sets it: it runs a lab's tests in scratch copies of the project
/// that share one target dir, and cargo compiles this crate once for all of
/// them (a path package has the same fingerprint in every copy), so the
/// compile-time `CARGO_MANIFEST_DIR` names whichever copy came first.
pub const ROOT_VAR: &str = "PAUSE_BOOK_ROOT";

/// The root of the Cargo workspace the tests run in: [`ROOT_VAR`] when it
/// names a workspace, else the one this crate was compiled in (it lives in
/// `crates/testkit`).
pub fn workspace_root() -> PathBuf {
    checked_root().unwrap_or_else(|_| compiled_root())
}

fn compiled_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).unwrap_or(here).to_path_buf()
}

/// As [`workspace_root`], but a [`ROOT_VAR`] that names no workspace is an
/// error: the nested builds must not build another tree than the one asked for.
pub fn checked_root() -> Result<PathBuf> {
    root_from(std::env::var_os(ROOT_VAR))
}

fn root_from(var: Option<std::ffi::OsString>) -> Result<PathBuf> {
    match var.map(PathBuf::from) {
        None => Ok(compiled_root()),
        Some(dir) if dir.is_absolute() && dir.join("Cargo.toml").is_file() => Ok(dir),
        Some(dir) => Err(Error::BadRoot { var: ROOT_VAR, dir }),
    }
}

/// The variable that overrides binary `bin`: `pause-tiny` -> `PAUSE_TINY_BIN`.
pub fn override_var(bin: &str) -> String {
    format!("{}_BIN", bin.to_uppercase().replace('-', "_"))
}

/// The override variable's value for `bin`, if set; it must name a file.
pub fn overridden(bin: &str) -> Result<Option<PathBuf>> {
    let var = override_var(bin);
    match std::env::var_os(&var).map(PathBuf::from) {
        Some(path) if path.is_file() => Ok(Some(path)),
        Some(path) => Err(Error::BadOverride { var, path }),
        None => Ok(None),
    }
}

/// The path of binary `bin` of workspace package `package`: the override
/// variable's value if set (it must exist), else a fresh debug build.
pub fn workspace_binary(package: &str, bin: &str) -> Result<PathBuf> {
    if let Some(path) = overridden(bin)? {
        return Ok(path);
    }
    let root = checked_root()?;
    let target = root.join("target").join("lab-bins");
    output_of(
        cargo()
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target)
            .args(["build", "--quiet", "--package", package, "--bin", bin]),
    )?;
    Ok(target.join("debug").join(bin))
}

/// The flags of a static build: glibc linked in (`+crt-static`), and a plain
/// static executable rather than Rust's default static-pie
/// (`relocation-model=static`). A static-pie relocates itself at start-up,
/// which turns every page holding a pointer into a private copy: measured
/// here, 68 kB of RssAnon instead of 52 kB for an idle pause. And GNU ld
/// rather than rustc's default rust-lld (`linker-features=-lld`), as for the
/// C pause: lld gives RELRO a segment of its own, padded to a page, and an
/// idle pause then writes one more page of it (56 kB instead of 48-52).
pub const STATIC_RUSTFLAGS: &str =
    "-C target-feature=+crt-static -C relocation-model=static -C linker-features=-lld";

/// A static, release build of binary `bin` of workspace package `package`,
/// for images built `FROM scratch` (no libc in the image), built with
/// [`STATIC_RUSTFLAGS`] in a target directory of its own so the flags do not
/// invalidate the ordinary builds. Checked to need no dynamic loader.
pub fn workspace_static_binary(package: &str, bin: &str) -> Result<PathBuf> {
    let root = checked_root()?;
    let target_dir = root.join("target").join("static");
    let triple = host_triple()?;
    output_of(
        cargo()
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("RUSTFLAGS", STATIC_RUSTFLAGS)
            .args(["build", "--quiet", "--release", "--package", package])
            .args(["--bin", bin, "--target", &triple]),
    )?;
    let binary = target_dir.join(triple).join("release").join(bin);
    if crate::elf::needs_loader(&binary)? {
        return Err(Error::file(
            binary,
            "is dynamically linked although built static: an image FROM scratch has no loader for it",
        ));
    }
    Ok(binary)
}

/// A release build of pause-tiny for `target` (None: the host), made by a
/// nested cargo in a target directory of its own (the real program exists
/// only with `panic = "abort"`, i.e. in release builds). For the host,
/// `PAUSE_TINY_BIN` overrides it. Cross builds link with the toolchain's
/// own `rust-lld`, so no cross C compiler is needed.
pub fn tiny_binary(target: Option<&str>) -> Result<PathBuf> {
    if target.is_none()
        && let Some(path) = overridden("pause-tiny")?
    {
        return Ok(path);
    }
    let root = checked_root()?;
    let target_dir = root.join("target").join("tiny");
    let mut build = cargo();
    build
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", &target_dir)
        .env_remove("RUSTFLAGS")
        .args(["build", "--quiet", "--release", "-p", "pause-tiny"]);
    if let Some(triple) = target {
        let var = format!(
            "CARGO_TARGET_{}_LINKER",
            triple.to_uppercase().replace('-', "_")
        );
        build.env(var, "rust-lld").args(["--target", triple]);
    }
    output_of(&mut build)?;
    let dir = match target {
        Some(triple) => target_dir.join(triple),
        None => target_dir,
    };
    Ok(dir.join("release").join("pause-tiny"))
}

/// The target triple rustc builds for by default, e.g. `x86_64-unknown-linux-gnu`.
pub fn host_triple() -> Result<String> {
    let text = stdout_of(std::process::Command::new("rustc").arg("-vV"))?;
    text.lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_string)
        .ok_or_else(|| {
            Error::file(
                "rustc -vV",
                "prints no `host:` line: install Rust with rustup",
            )
        })
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
    fn the_root_variable_names_the_tree_or_is_refused() {
        let copy = std::env::temp_dir().join(format!("testkit-root-{}", std::process::id()));
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::write(copy.join("Cargo.toml"), "[workspace]\n").unwrap();
        let found = root_from(Some(copy.clone().into_os_string()));
        let empty = copy.join("crates");
        let refused = root_from(Some(empty.clone().into_os_string()));
        let relative = root_from(Some("labs".into()));
        std::fs::remove_dir_all(&copy).unwrap();
        assert_eq!(found.unwrap(), copy);
        let message = refused.unwrap_err().to_string();
        assert!(
            message.starts_with(&format!("{ROOT_VAR}={}", empty.display())),
            "{message}"
        );
        assert!(relative.is_err());
        assert_eq!(root_from(None).unwrap(), compiled_root());
    }

    #[test]
    fn host_triple_names_this_machine() {
        let triple = host_triple().unwrap();
        assert!(triple.starts_with(std::env::consts::ARCH), "{triple}");
        assert!(triple.contains("linux"), "{triple}");
    }

    #[test]
    fn static_pause_needs_no_dynamic_loader() {
        let path = workspace_static_binary("pause", "pause").unwrap();
        assert!(
            !crate::elf::needs_loader(&path).unwrap(),
            "{} is dynamically linked",
            path.display()
        );
        let bytes = std::fs::read(&path).unwrap();
        // A dynamically linked ELF names its loader in a PT_INTERP segment.
        let needle = b"/lib64/ld-linux";
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} names a loader",
            path.display()
        );
        assert!(
            !crate::elf::is_position_independent(&path).unwrap(),
            "{} is position-independent",
            path.display()
        );
        let out = std::process::Command::new(&path)
            .arg("-v")
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("pause.rs "));
    }
}
