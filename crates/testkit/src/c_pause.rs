//! Compiling the C pause (labs/pause/c/pause.c) the way upstream builds
//! pause.c: `-Os -Wall -Werror -static`, stripped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::bins::workspace_root;
use crate::error::{Error, Result};
use crate::run::{on_path, output_of};

/// Upstream's flags (build/pause/Makefile), and `-s` for its strip step.
pub const CFLAGS: [&str; 5] = ["-Os", "-Wall", "-Werror", "-static", "-s"];

/// The C pause's source in the pause lab.
pub fn source() -> PathBuf {
    workspace_root().join("labs/pause/c/pause.c")
}

/// Compiles `source` with `cc` (`gcc` or `musl-gcc`) and [`CFLAGS`] into
/// `output`. The file is written by the linker, not by this process, so
/// running it at once cannot fail with ETXTBSY; give parallel tests each an
/// output of their own.
pub fn compile(cc: &str, source: &Path, output: &Path) -> Result<PathBuf> {
    let package = if cc == "musl-gcc" {
        "musl-tools"
    } else {
        "gcc libc6-dev"
    };
    let compiler = on_path(cc, package)?;
    output_of(
        Command::new(compiler)
            .args(CFLAGS)
            .arg("-o")
            .arg(output)
            .arg(source),
    )
    .map_err(|err| match err {
        Error::Failed {
            command,
            status,
            output,
        } => Error::Failed {
            command,
            status,
            output: format!(
                "{output} (for -static, the static C library: apt-get install {package})"
            ),
        },
        other => other,
    })?;
    Ok(output.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_c_pause_builds_static_and_prints_its_version() {
        let out = std::env::temp_dir().join(format!("testkit-pause-c-{}", std::process::id()));
        let built = compile("gcc", &source(), &out).map_err(String::from);
        let Some(binary) = crate::require("gcc with static glibc (libc6-dev)", built) else {
            return;
        };
        assert!(!crate::elf::needs_loader(&binary).unwrap());
        let version = Command::new(&binary).arg("-v").output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&version.stdout),
            "pause.c HEAD\n",
            "{version:?}"
        );
        let _ = std::fs::remove_file(&binary);
    }

    #[test]
    fn a_missing_compiler_names_its_package() {
        let err = compile("no-such-cc", &source(), Path::new("/nonexistent")).unwrap_err();
        assert!(
            err.to_string().contains("no-such-cc is not installed"),
            "{err}"
        );
    }
}
