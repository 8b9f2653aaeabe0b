//! The pod's lifecycle: what dies with PID 1, and what a bind mount keeps.

mod common;

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::sys::signal::Signal;
use nsproc::{NsKind, ns_inode, procfs};
use zombie_reaping::pod::{InitKind, Pod};

use common::{inside, pod, pod_with, root};

#[test]
fn when_pid_1_exits_the_kernel_kills_the_rest_of_the_namespace() {
    let Some(pod) = pod(InitKind::Pause) else {
        return;
    };
    // The waiter outside the namespace returns when sleep ends, passing on
    // how it ended.
    let mut sleeper = inside(&pod, "sleep", &["1000"]).spawn().unwrap();
    let sleep_pid = nsproc::wait_until(Duration::from_secs(10), "sleep to start", || {
        procfs::pids_in_pid_namespace_of(pod.pid())
            .ok()?
            .into_iter()
            .find(|&p| procfs::cmdline(p).is_ok_and(|c| c == "sleep 1000"))
    })
    .unwrap();

    stop(pod);
    let status = sleeper.wait().unwrap();
    assert_eq!(status.code(), Some(128 + libc::SIGKILL), "{status:?}");
    assert!(
        procfs::status(sleep_pid).is_err(),
        "sleep {sleep_pid} survived"
    );
}

/// Unique names for veths and files, so tests may run in parallel.
fn unique(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}{}{n}", std::process::id() % 100_000)
}

/// A veth pair: one end on the host, the peer in the pod's network
/// namespace. The kernel deletes both when that namespace is destroyed.
struct Veth {
    host_end: String,
}

impl Veth {
    fn create(pod: &Pod) -> Veth {
        let host_end = unique("zrh");
        let peer = host_end.replacen("zrh", "zrp", 1);
        let status = Command::new("ip")
            .args([
                "link", "add", &host_end, "type", "veth", "peer", "name", &peer,
            ])
            .args(["netns", &pod.pid().to_string()])
            .status()
            .expect("run ip (iproute2)");
        assert!(status.success(), "ip link add failed");
        Veth { host_end }
    }

    fn exists(&self) -> bool {
        Path::new("/sys/class/net").join(&self.host_end).exists()
    }
}

impl Drop for Veth {
    fn drop(&mut self) {
        if self.exists() {
            let _ = Command::new("ip")
                .args(["link", "del", &self.host_end])
                .status();
        }
    }
}

/// `mount --bind /proc/PID/ns/net FILE`: what containerd (and `ip netns`)
/// do to keep a pod's network namespace. Unmounted and removed on drop.
struct NetnsPin {
    dir: PathBuf,
    file: PathBuf,
    mounted: bool,
}

impl NetnsPin {
    fn pin(pid: i32) -> NetnsPin {
        let dir = std::env::temp_dir().join(unique("zombie-reaping-netns-"));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("net");
        File::create(&file).unwrap();
        let mut pin = NetnsPin {
            dir,
            file,
            mounted: false,
        };
        let source = format!("/proc/{pid}/ns/net");
        mount(
            Some(source.as_str()),
            &pin.file,
            None::<&str>,
            MsFlags::MS_BIND,
            None::<&str>,
        )
        .expect("bind-mount the network namespace");
        pin.mounted = true;
        pin
    }

    fn unpin(&mut self) {
        if self.mounted {
            umount2(&self.file, MntFlags::MNT_DETACH).expect("unmount the pin");
            self.mounted = false;
        }
    }
}

impl Drop for NetnsPin {
    fn drop(&mut self) {
        if self.mounted {
            let _ = umount2(&self.file, MntFlags::MNT_DETACH);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stop(mut pod: Pod) {
    pod.init.signal(Signal::SIGTERM).unwrap();
    assert_eq!(
        pod.init
            .wait_timeout(Duration::from_secs(10))
            .unwrap()
            .code(),
        Some(0)
    );
}

/// The interface names a process sees after joining the namespace in `file`.
fn links_seen_through(file: &Path) -> String {
    let ns = File::open(file).unwrap();
    let fd = ns.as_raw_fd();
    let mut command = Command::new("ip");
    command.args(["-o", "link", "show"]);
    // SAFETY: setns is a raw system call on a descriptor we keep open.
    unsafe {
        command.pre_exec(move || {
            if libc::setns(fd, libc::CLONE_NEWNET) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_bind_mount_keeps_a_network_namespace_that_pause_alone_does_not() {
    if !root("root, to bind-mount a namespace and create veths") {
        return;
    }
    // Held by pause alone: when pause exits, the namespace and its
    // interfaces go (the kernel tears it down in the background).
    let Some(alone) = pod_with(InitKind::Pause, &[NsKind::Net]) else {
        return;
    };
    let veth = Veth::create(&alone);
    assert!(veth.exists());
    stop(alone);
    nsproc::wait_until(
        Duration::from_secs(20),
        "the veth to vanish with its namespace",
        || (!veth.exists()).then_some(()),
    )
    .unwrap();

    // Pinned by a bind mount: it outlives its last process.
    let Some(pinned) = pod_with(InitKind::Pause, &[NsKind::Net]) else {
        return;
    };
    let inode = ns_inode(pinned.pid(), NsKind::Net).unwrap();
    let veth = Veth::create(&pinned);
    let mut pin = NetnsPin::pin(pinned.pid());
    stop(pinned);
    assert_eq!(std::fs::metadata(&pin.file).unwrap().ino(), inode);
    let peer = veth.host_end.replacen("zrh", "zrp", 1);
    assert!(links_seen_through(&pin.file).contains(&peer));
    assert!(
        veth.exists(),
        "the host end went although the namespace is pinned"
    );
    // Only the mount held it: unmount, and it goes.
    pin.unpin();
    nsproc::wait_until(
        Duration::from_secs(20),
        "the veth to vanish once unpinned",
        || (!veth.exists()).then_some(()),
    )
    .unwrap();
}
