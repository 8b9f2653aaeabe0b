//! One lock for the whole state directory, held while pods are made or
//! unmade so that two `run`s never pick the same address. The lock file is
//! 0600 in a 0700 directory, so no other user can hold it against us; and
//! waiting for it is bounded, ending with an error that names the holder.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

use crate::error::{Error, Result};
use crate::files;

/// How long `run` and `rm` wait for the lock, unless
/// `$SETNS_DEMO_LOCK_TIMEOUT` (seconds) says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
pub const TIMEOUT_ENV: &str = "SETNS_DEMO_LOCK_TIMEOUT";

/// The held lock; released when dropped.
pub struct Lock(#[allow(dead_code)] Flock<File>);

fn timeout() -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs_f64)
}

/// Takes the lock `path` (in a directory already checked to be ours).
pub fn acquire(path: &Path) -> Result<Lock> {
    let deadline = Instant::now() + timeout();
    let mut file = files::open_lock(path)?;
    loop {
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => return Ok(Lock(lock)),
            Err((back, Errno::EWOULDBLOCK)) if Instant::now() < deadline => {
                file = back;
                // A lock has no readiness to wait on: poll it, briefly.
                std::thread::sleep(Duration::from_millis(10));
            }
            Err((back, Errno::EWOULDBLOCK)) => {
                return Err(Error::new(format!(
                    "{} is held by {} and was not released within {:?}: wait for that \
                     command to finish, or end it",
                    path.display(),
                    holder(&back),
                    timeout()
                )));
            }
            Err((_, errno)) => {
                return Err(Error::new(format!(
                    "could not lock {}: {errno}",
                    path.display()
                )));
            }
        }
    }
}

/// Who holds a lock on `file`, from /proc/locks (`... FLOCK ADVISORY WRITE
/// PID MAJ:MIN:INODE ...`).
fn holder(file: &File) -> String {
    let Ok(meta) = file.metadata() else {
        return "another process".into();
    };
    let inode = format!(":{}", meta.ino());
    let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
    let pid = locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let at = fields.iter().position(|f| f.ends_with(&inode))?;
        fields.get(at.checked_sub(1)?)?.parse::<i32>().ok()
    });
    match pid {
        Some(pid) => {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            format!("PID {pid} ({})", comm.trim())
        }
        None => "another process".into(),
    }
}
