//! Files a program run as another user must read. A test that starts a
//! program as `nobody` (the in-page runner without root) cannot hand it the
//! checkout itself: a clone inside a folder only its owner may enter (as
//! `mktemp -d` makes them) is closed to other users. So the test copies what
//! the program needs into a fresh folder under the temp dir that every user
//! may read, removed when dropped.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// A folder every user may read and enter; removed, with what is in it,
/// when dropped (also when the test fails).
#[derive(Debug)]
pub struct SharedTree {
    dir: PathBuf,
}

impl SharedTree {
    /// A new, empty folder `pause-book-shared-<what>-<pid>-<n>`.
    pub fn new(what: &str) -> Result<SharedTree> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "pause-book-shared-{what}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        make_dir(&dir)?;
        Ok(SharedTree { dir })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Copies the file or folder `from` (recursively, following symbolic
    /// links) to `to` inside the tree, readable by all; a file that its
    /// owner may run stays executable. Returns where it now is.
    pub fn copy(&self, from: &Path, to: &str) -> Result<PathBuf> {
        let dest = self.dir.join(to.trim_start_matches('/'));
        let mut parent = dest.parent();
        // The folders in between, readable by all as well.
        let mut missing = Vec::new();
        while let Some(dir) = parent.filter(|d| !d.exists()) {
            missing.push(dir.to_path_buf());
            parent = dir.parent();
        }
        for dir in missing.iter().rev() {
            make_dir(dir)?;
        }
        copy_tree(from, &dest)?;
        Ok(dest)
    }

    /// A workspace at `<tree>/workspace` holding what reading the labs'
    /// transcripts needs (the catalog, a runner): the workspace's
    /// Cargo.toml and every `labs/<lab>/transcripts` of `root`. Returns
    /// that workspace's root.
    pub fn workspace_transcripts(&self, root: &Path) -> Result<PathBuf> {
        let at = self.copy(&root.join("Cargo.toml"), "workspace/Cargo.toml")?;
        let labs = root.join("labs");
        let entries = std::fs::read_dir(&labs).map_err(|e| Error::file(&labs, e))?;
        for entry in entries.flatten() {
            let transcripts = entry.path().join("transcripts");
            if transcripts.is_dir() {
                let lab = entry.file_name().to_string_lossy().into_owned();
                self.copy(&transcripts, &format!("workspace/labs/{lab}/transcripts"))?;
            }
        }
        Ok(at.parent().map(Path::to_path_buf).unwrap_or_default())
    }
}

impl Drop for SharedTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn make_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir(dir).map_err(|e| Error::file(dir, format!("cannot create: {e}")))?;
    set_mode(dir, 0o755)
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::file(path, format!("cannot set its mode to {mode:o}: {e}")))
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let meta = std::fs::metadata(from).map_err(|e| Error::file(from, e))?;
    if meta.is_dir() {
        make_dir(to)?;
        let entries = std::fs::read_dir(from).map_err(|e| Error::file(from, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::file(from, e))?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        return Ok(());
    }
    std::fs::copy(from, to).map_err(|e| Error::file(from, format!("cannot copy it: {e}")))?;
    let runnable = meta.permissions().mode() & 0o100 != 0;
    set_mode(to, if runnable { 0o755 } else { 0o644 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_readable_by_all_and_removed_on_drop() {
        let source = SharedTree::new("source").unwrap();
        let script = source.path().join("run.sh");
        std::fs::write(&script, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::write(source.path().join("notes.txt"), "x").unwrap();
        std::fs::set_permissions(
            source.path().join("notes.txt"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();

        let tree = SharedTree::new("copy").unwrap();
        let copied = tree.copy(source.path(), "deep/er/src").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&tree.path().join("deep")), 0o755);
        assert_eq!(mode(&copied), 0o755);
        assert_eq!(mode(&copied.join("run.sh")), 0o755);
        assert_eq!(mode(&copied.join("notes.txt")), 0o644);
        let dir = tree.path().to_path_buf();
        drop(tree);
        assert!(!dir.exists(), "{} survived", dir.display());
    }
}
