//! A census of what tests may leave behind, taken before and after them:
//! processes (pause, container runtimes), network namespaces, network
//! interfaces, containers, the labs' state directories, cgroups and mounts.
//!
//! Each probe returns names; [`super::leftovers`] compares two censuses.

use anyhow::Context;
use nsproc::procfs;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One kind of thing a test may leave behind, with how to remove one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    PauseProcess,
    RuntimeProcess,
    NetworkNamespace,
    Interface,
    DockerContainer,
    DockerImage,
    PodmanContainer,
    StateDir,
    Cgroup,
    Mount,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::PauseProcess,
        Kind::RuntimeProcess,
        Kind::NetworkNamespace,
        Kind::Interface,
        Kind::DockerContainer,
        Kind::DockerImage,
        Kind::PodmanContainer,
        Kind::StateDir,
        Kind::Cgroup,
        Kind::Mount,
    ];

    /// What the names are, as the report shows them.
    pub fn label(self) -> &'static str {
        match self {
            Kind::PauseProcess => "pause processes (pid comm (cmdline))",
            Kind::RuntimeProcess => "containerd/shim/conmon/podman processes (pid comm (cmdline))",
            Kind::NetworkNamespace => "network namespaces (ip netns list)",
            Kind::Interface => "network interfaces (veth, bridges: /sys/class/net)",
            Kind::DockerContainer => "containers (docker ps -aq)",
            Kind::DockerImage => "images labelled org.pause-book.real-node (docker images)",
            Kind::PodmanContainer => "containers (podman ps -aq)",
            Kind::StateDir => {
                "state directories (/tmp/setns-demo-*, /run/setns-demo/*, /run/real-node-*)"
            }
            Kind::Cgroup => "cgroups (zombie-reaping-*, real-node-* under /sys/fs/cgroup)",
            Kind::Mount => "mounts (under target/, /run/netns or /run/real-node-*)",
        }
    }

    /// How to remove one, for the report.
    pub fn fix(self) -> &'static str {
        match self {
            Kind::PauseProcess | Kind::RuntimeProcess => "kill <pid>",
            Kind::NetworkNamespace => "ip netns delete <name>",
            Kind::Interface => "ip link delete <name>",
            Kind::DockerContainer => "docker rm -f <id>",
            Kind::DockerImage => "docker rmi -f <id>",
            Kind::PodmanContainer => "podman rm -f <id>",
            Kind::StateDir => "rm -r <dir>",
            Kind::Cgroup => "rmdir <dir>",
            Kind::Mount => "umount <path>",
        }
    }

    /// Whether the names are processes ("pid comm (cmdline)").
    pub fn is_process(self) -> bool {
        matches!(self, Kind::PauseProcess | Kind::RuntimeProcess)
    }
}

/// What was found of each kind.
pub type Census = BTreeMap<Kind, BTreeSet<String>>;

/// Takes the census of the whole machine; `root` is the repository's root
/// (mounts under its target/ count).
pub fn take(root: &Path) -> anyhow::Result<Census> {
    let mut census: Census = Kind::ALL.iter().map(|&k| (k, BTreeSet::new())).collect();
    for (kind, name) in processes() {
        census.entry(kind).or_default().insert(name);
    }
    census.insert(
        Kind::NetworkNamespace,
        first_words_of("ip", &["netns", "list"])?,
    );
    census.insert(Kind::Interface, names_in(Path::new("/sys/class/net")));
    census.insert(
        Kind::DockerContainer,
        first_words_of("docker", &["ps", "-aq"])?,
    );
    census.insert(
        Kind::DockerImage,
        first_words_of("docker", &["images", "-q", "--filter", REAL_NODE_LABEL])?,
    );
    if which::which("podman").is_ok() {
        census.insert(
            Kind::PodmanContainer,
            first_words_of("podman", &["ps", "-aq"])?,
        );
    }
    census.insert(Kind::StateDir, state_dirs());
    census.insert(
        Kind::Cgroup,
        dirs_named(Path::new("/sys/fs/cgroup"), &CGROUP_PREFIXES, 6),
    );
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo")
        .context("cannot read /proc/self/mountinfo")?;
    let watched = [root.join("target"), PathBuf::from("/run/netns")];
    census.insert(
        Kind::Mount,
        mounts_under(&mountinfo, &watched, &[REAL_NODE_RUN]),
    );
    Ok(census)
}

/// The real-node lab's state: /run/real-node-<pid> and /run/real-node-podman-<pid>.
const REAL_NODE_RUN: &str = "/run/real-node-";

/// The label of the images the real-node lab builds.
const REAL_NODE_LABEL: &str = "label=org.pause-book.real-node";

/// The cgroups the zombies lab (pids limit) and the real-node lab make.
const CGROUP_PREFIXES: [&str; 2] = ["zombie-reaping-", "real-node-"];

/// Which kind of leftover a live process named `comm` would be, if any.
/// (comm is cut at 15 bytes: `containerd-shim-runc-v2` shows as `containerd-shim`.)
pub fn process_kind(comm: &str) -> Option<Kind> {
    if comm.starts_with("pause") {
        Some(Kind::PauseProcess)
    } else if comm.starts_with("containerd") || comm == "conmon" || comm.starts_with("podman") {
        Some(Kind::RuntimeProcess)
    } else {
        None
    }
}

/// "pid comm (cmdline)" of the live (not zombie) processes that have a kind.
pub fn processes() -> Vec<(Kind, String)> {
    let mut found = Vec::new();
    for pid in procfs::all_pids().unwrap_or_default() {
        // A process may end between the listing and the read: skip it.
        let Ok(status) = procfs::status(pid) else {
            continue;
        };
        let Some(kind) = process_kind(&status.name) else {
            continue;
        };
        if status.state != 'Z' {
            let cmdline = procfs::cmdline(pid).unwrap_or_default();
            found.push((kind, format!("{pid} {} ({cmdline})", status.name)));
        }
    }
    found
}

/// The labs' state directories: setns-demo's under /tmp and /run, the
/// in-page runner's runs and its tests' folders under /tmp, and real-node's
/// under /run.
fn state_dirs() -> BTreeSet<String> {
    let prefixed = |dir: &str, prefix: &str| -> Vec<String> {
        names_in(Path::new(dir))
            .into_iter()
            .filter(|name| name.starts_with(prefix))
            .map(|name| format!("{dir}/{name}"))
            .collect()
    };
    let mut found = BTreeSet::new();
    found.extend(prefixed("/tmp", "setns-demo-"));
    found.extend(prefixed("/tmp", "lab-runner-"));
    // setns-demo's lock file stays once made, by design: unlinking a lock
    // file that another command may be waiting on would let two hold it.
    found.extend(
        prefixed("/run/setns-demo", "")
            .into_iter()
            .filter(|path| path != "/run/setns-demo/.lock"),
    );
    found.extend(prefixed("/run", "real-node-"));
    found
}

/// The entries of `dir` (none if it cannot be read).
fn names_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Directories under `top` (at most `depth` levels down, symlinks not
/// followed) whose names start with one of `prefixes`: cgroup v1
/// hierarchies (pids/...) and the v2 tree alike.
pub fn dirs_named(top: &Path, prefixes: &[&str], depth: usize) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let Ok(entries) = std::fs::read_dir(top) else {
        return found;
    };
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|prefix| name.starts_with(prefix)) {
            found.insert(path.display().to_string());
        }
        if depth > 1 {
            found.extend(dirs_named(&path, prefixes, depth - 1));
        }
    }
    found
}

/// The mount points in `mountinfo` (proc(5)'s format) at or under one of
/// the directories `watched`, or whose path starts with one of `prefixes`.
pub fn mounts_under(mountinfo: &str, watched: &[PathBuf], prefixes: &[&str]) -> BTreeSet<String> {
    mountinfo
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(unescape_octal)
        .filter(|point| {
            watched.iter().any(|dir| Path::new(point).starts_with(dir))
                || prefixes.iter().any(|prefix| point.starts_with(prefix))
        })
        .collect()
}

/// mountinfo writes space, tab, newline and backslash as `\040` and the like.
fn unescape_octal(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let code = bytes
            .get(i + 1..i + 4)
            .and_then(|digits| u8::from_str_radix(std::str::from_utf8(digits).ok()?, 8).ok());
        match (bytes[i], code) {
            (b'\\', Some(byte)) => {
                out.push(byte);
                i += 4;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first word of each line `program args` prints.
fn first_words_of(program: &str, args: &[&str]) -> anyhow::Result<BTreeSet<String>> {
    let shown = format!("{program} {}", args.join(" "));
    let output = Command::new(program)
        .args(args)
        .output()
        .with_context(|| format!("cannot run `{shown}`: is {program} installed?"))?;
    anyhow::ensure!(
        output.status.success(),
        "`{shown}` failed: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect())
}
