//! What holds a pod's network namespace. In this lab, pause alone: when it
//! ends, the namespace goes and takes the pod's veth with it. Under
//! containerd, a bind mount under /var/run/netns also holds it (containerd
//! makes that mount before pause even starts), so the namespace outlives
//! pause. Both are shown here with the same pod.

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

/// `ip netns attach NAME PID`: a bind mount of the process's network
/// namespace on /run/netns/NAME, as containerd makes one per pod.
struct NetnsMount(String);

impl Drop for NetnsMount {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
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
    let status = Command::new("ip")
        .args(["netns", "attach", &name, &pause.to_string()])
        .status()
        .unwrap();
    let mount = NetnsMount(name.clone());
    assert!(status.success());
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(mounts.contains(&format!("/netns/{name}")), "no bind mount");

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

    // Removing the mount lets the kernel free it.
    drop(mount);
    let gone = nsproc::wait_until(Duration::from_secs(5), "the veth to go", || {
        (!interface_exists(&net.host_if)).then_some(())
    });
    assert!(gone.is_ok(), "{} outlived the bind mount", net.host_if);
}
