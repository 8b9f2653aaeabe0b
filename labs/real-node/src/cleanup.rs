//! Leaving nothing behind: the pieces of a private runtime that outlive it
//! if it dies untidily. Each step works from what the kernel shows (mount
//! table, /proc, cgroupfs, /sys/class/net), so it also cleans up after a
//! test run that was killed.

use std::fs;
use std::path::{Path, PathBuf};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::error::{Error, Result};

/// Mount points under `dir`, deepest (latest mounted) first.
pub fn mounts_under(dir: &Path) -> Vec<PathBuf> {
    let table = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut mounts: Vec<PathBuf> = table
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|point| PathBuf::from(point.replace("\\040", " ")))
        .filter(|point| point.starts_with(dir))
        .collect();
    mounts.reverse();
    mounts
}

/// Detaches every mount under `dir` (overlay rootfs, shm, netns binds).
pub fn unmount_all_under(dir: &Path) {
    for point in mounts_under(dir) {
        let _ = nix::mount::umount2(&point, nix::mount::MntFlags::MNT_DETACH);
    }
}

/// PIDs whose command line contains `needle` (not this process).
pub fn pids_mentioning(needle: &str) -> Vec<i32> {
    let me = std::process::id() as i32;
    nsproc::procfs::all_pids()
        .unwrap_or_default()
        .into_iter()
        .filter(|&pid| pid != me)
        .filter(|&pid| nsproc::procfs::cmdline(pid).is_ok_and(|cmd| cmd.contains(needle)))
        .collect()
}

pub fn kill_all(pids: &[i32]) {
    for &pid in pids {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

/// The cgroup directories named `name` at the top of each hierarchy
/// (cgroup v1: one per controller; v2: one).
pub fn cgroup_dirs(name: &str) -> Vec<PathBuf> {
    // An empty or nested name would reach the roots: never.
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Vec::new();
    }
    let base = Path::new("/sys/fs/cgroup");
    let mut dirs = vec![base.join(name)];
    if let Ok(entries) = fs::read_dir(base) {
        dirs.extend(entries.flatten().map(|e| e.path().join(name)));
    }
    dirs.into_iter().filter(|d| d.is_dir()).collect()
}

/// Every cgroup below `dir` (itself included), deepest first.
fn cgroup_tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(cgroup_tree(&entry.path()));
            }
        }
    }
    out.push(dir.to_path_buf());
    out
}

/// The processes in a cgroup tree.
pub fn pids_in_cgroup(dir: &Path) -> Vec<i32> {
    cgroup_tree(dir)
        .iter()
        .flat_map(|cg| {
            fs::read_to_string(cg.join("cgroup.procs"))
                .unwrap_or_default()
                .lines()
                .filter_map(|l| l.trim().parse().ok())
                .collect::<Vec<i32>>()
        })
        .collect()
}

/// Kills what is left in the cgroups named `name`, then removes them.
pub fn remove_cgroups(name: &str) {
    for top in cgroup_dirs(name) {
        kill_all(&pids_in_cgroup(&top));
        for cg in cgroup_tree(&top) {
            // A cgroup can be removed once its last process is gone.
            let _ = nsproc::wait_until(
                std::time::Duration::from_secs(5),
                "a killed cgroup to empty",
                || (fs::remove_dir(&cg).is_ok() || !cg.exists()).then_some(()),
            );
        }
    }
}

/// Whether network interface `name` exists.
pub fn link_exists(name: &str) -> bool {
    Path::new("/sys/class/net").join(name).exists()
}

/// Deletes network interface `name` (the pods' bridge) if it is there.
pub fn delete_link(name: &str) -> Result<()> {
    if !link_exists(name) {
        return Ok(());
    }
    let out = std::process::Command::new("ip")
        .args(["link", "del", name])
        .output()
        .map_err(Error::spawn("ip", "apt-get install -y iproute2"))?;
    if out.status.success() || !link_exists(name) {
        Ok(())
    } else {
        Err(Error::failed("ip", &["link", "del", name], &out.stderr))
    }
}

/// Removes what a private runtime at `dir` may have left: processes naming
/// the directory (shims, containerd, conmon), processes in its cgroups (when
/// it has a cgroup of its own), mounts under it, then the directory itself.
pub fn sweep(dir: &Path, cgroup_name: Option<&str>) {
    // With the slash, /run/x-1 does not match /run/x-12.
    let needle = format!("{}/", dir.display());
    kill_all(&pids_mentioning(&needle));
    if let Some(name) = cgroup_name {
        remove_cgroups(name);
    }
    unmount_all_under(dir);
    let _ = fs::remove_dir_all(dir);
}

/// Whether process `pid` is alive (zombies count as gone).
pub fn alive(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

/// Directories `<parent>/<prefix><pid>` whose owning test process is gone.
pub fn stale_dirs(parent: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let pid: i32 = name.strip_prefix(prefix)?.parse().ok()?;
            (!alive(pid)).then(|| entry.path())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_cgroup_name_reaches_the_roots() {
        for name in ["", ".", "..", "a/b"] {
            assert!(cgroup_dirs(name).is_empty(), "{name:?}");
        }
    }

    #[test]
    fn this_process_is_alive_and_a_made_up_one_is_not() {
        assert!(alive(std::process::id() as i32));
        assert!(!alive(i32::MAX));
    }

    #[test]
    fn proc_is_a_mount_and_nothing_is_mounted_under_a_fresh_dir() {
        assert!(mounts_under(Path::new("/proc")).contains(&PathBuf::from("/proc")));
        assert!(mounts_under(Path::new("/nonexistent-real-node")).is_empty());
    }
}
