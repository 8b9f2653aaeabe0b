//! Putting an executable in place without ETXTBSY.
//!
//! A file this process has open for writing cannot be executed; and a test
//! that writes one while another test forks hands the write descriptor to
//! that child until it execs, so the exec fails with ETXTBSY ("text file
//! busy"), now and then. So the bytes are written by a child process (`cp`,
//! or `sh` for bytes we hold), and this process never holds the descriptor.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::run::output_of;

/// Copies the executable `from` to `to` (mode 755).
pub fn copy_executable(from: &Path, to: &Path) -> Result<()> {
    output_of(Command::new("cp").arg(from).arg(to))?;
    output_of(Command::new("chmod").arg("755").arg(to)).map(drop)
}

/// Writes `contents` to `path` as an executable (mode 755), e.g. a script.
pub fn write_executable(path: &Path, contents: &[u8]) -> Result<()> {
    let spawn_error = |source| Error::Spawn {
        command: format!("sh (writing {})", path.display()),
        source,
    };
    let mut child = Command::new("sh")
        .args(["-c", r#"cat > "$1" && chmod 755 "$1""#, "sh"])
        .arg(path)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    let written = child
        .stdin
        .take()
        .map(|mut stdin| stdin.write_all(contents));
    let output = child.wait_with_output().map_err(spawn_error)?;
    match written {
        Some(Ok(())) if output.status.success() => Ok(()),
        _ => Err(Error::file(
            path,
            format!(
                "cannot write it: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_scripts_and_copies_run_at_once() {
        let dir = std::env::temp_dir().join(format!("testkit-exec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        struct Remove<'a>(&'a Path);
        impl Drop for Remove<'_> {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(self.0);
            }
        }
        let _remove = Remove(&dir);
        let script = dir.join("hello");
        write_executable(&script, b"#!/bin/sh\necho hello \"$1\"\n").unwrap();
        let out = Command::new(&script).arg("you").output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hello you\n");
        let copy = dir.join("hello-copy");
        copy_executable(&script, &copy).unwrap();
        let out = Command::new(&copy).arg("again").output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hello again\n");
        assert!(write_executable(&dir.join("no/such/dir/x"), b"").is_err());
    }
}
