//! What holds a pod's network namespace. In this lab, pause alone: when it
//! ends, the namespace goes and takes the pod's veth with it. Under
//! containerd, a bind mount under /var/run/netns also holds it (containerd
//! makes that mount before pause even starts), so the namespace outlives
//! pause. Both are shown here with the same pod; the mount is the lab's own
//! (`netns_mount`), and `ip netns exec` looks inside independently.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

fn kill_pause(pod: &Pod) {
    let pause = pod.pause();
    kill(Pid::from_raw(pause.pid), Signal::SIGKILL).unwrap();
    assert!(pause.wait_dead(Duration::from_secs(5)), "pause did not die");
}

fn interface_exists(name: &str) -> bool {
    Path::new("/sys/class/net").join(name).exists()
}

#[test]
fn when_pause_alone_holds_the_network_namespace_its_end_removes_it() {
    if !can_make_pods() || !is_root() {
        return;
    }
    let pod = Pod::run("held-by-pause", &[]);
    let host_if = pod.state().network.unwrap().host_if;
    assert!(interface_exists(&host_if));
    kill_pause(&pod);
    // No process is left in the namespace: the kernel frees it, and the
    // veth pair with it.
    let gone = nsproc::wait_until(Duration::from_secs(5), "the veth to go", || {
        (!interface_exists(&host_if)).then_some(())
    });
    assert!(
        gone.is_ok(),
        "{host_if} outlived the pod's network namespace"
    );
}

/// A network namespace held under /run/netns/NAME by the lab's
/// `netns_mount::attach`, as containerd holds one per pod. Dropping it lets
/// the namespace go without the code under test, whatever state a broken
/// `attach` or `detach` left behind.
struct NetnsMount(String);

impl Drop for NetnsMount {
    fn drop(&mut self) {
        let path = setns_demo::netns_mount::path_of(&self.0);
        let _ = nix::mount::umount2(&path, nix::mount::MntFlags::MNT_DETACH);
        let _ = std::fs::remove_file(&path);
    }
}

/// Whether `path` is a mount point (a line of our mountinfo names it).
fn is_mount_point(path: &Path) -> bool {
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let wanted = path.to_str().unwrap();
    mounts
        .lines()
        .any(|line| line.split_whitespace().nth(4) == Some(wanted))
}

#[test]
fn a_bind_mount_keeps_the_network_namespace_after_pause_dies() {
    if !can_make_pods() || !is_root() {
        return;
    }
    let pod = Pod::run("held-by-mount", &[]);
    let net = pod.state().network.unwrap();
    let pause = pod.pause().pid;
    let name = unique_name("setns-demo-held");
    let mount = NetnsMount(name.clone());
    let held = setns_demo::netns_mount::attach(pause, &name)
        .unwrap_or_else(|e| panic!("attach failed: {e}"));
    assert_eq!(held, Path::new("/run/netns").join(&name));
    assert!(
        is_mount_point(&held),
        "{} is not a mount point",
        held.display()
    );
    let inode =
        |path: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap());
    assert_eq!(
        inode(&held),
        nsproc::ns_inode(pause, nsproc::NsKind::Net).unwrap(),
        "{} does not hold pause's network namespace",
        held.display()
    );

    kill_pause(&pod);
    // No process is in the namespace, yet it lives on, with its eth0.
    let inside = Command::new("ip")
        .args([
            "netns", "exec", &name, "ip", "-br", "-4", "addr", "show", "eth0",
        ])
        .output()
        .unwrap();
    assert!(inside.status.success(), "{inside:?}");
    assert!(
        stdout(&inside).contains(&net.pod_ip.to_string()),
        "{}",
        stdout(&inside)
    );
    assert!(interface_exists(&net.host_if));

    // Detaching (unmount, remove the file) lets the kernel free it.
    setns_demo::netns_mount::detach(&name).unwrap_or_else(|e| panic!("detach failed: {e}"));
    assert!(
        !held.exists(),
        "{} is still there after detach",
        held.display()
    );
    drop(mount);
    let gone = nsproc::wait_until(Duration::from_secs(5), "the veth to go", || {
        (!interface_exists(&net.host_if)).then_some(())
    });
    assert!(gone.is_ok(), "{} outlived the bind mount", net.host_if);
}
