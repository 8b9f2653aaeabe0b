//! What members of a pod share, and what they do not: each test runs the
//! real `setns-demo` and checks one claim of the chapter.

mod common;

use std::time::Duration;

use common::*;
use nix::sys::signal::Signal;

#[test]
fn members_share_net_ipc_uts_and_pid_namespaces_with_pause() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("share", &[]);
    let pause = pod.pause().pid;
    let member = pod.start(&[], &["sleep", "1000"]);
    for kind in ["net", "ipc", "uts", "pid"] {
        assert_eq!(inode(member.pid, kind), inode(pause, kind), "{kind}");
        // ...and not the host's (this test process's) namespaces.
        assert_ne!(
            inode(member.pid, kind),
            inode(std::process::id() as i32, kind),
            "{kind}"
        );
    }
    // The member itself sees the same identities.
    let seen = pod.exec_ok(&[], &["readlink", "/proc/self/ns/net", "/proc/self/ns/uts"]);
    assert_eq!(
        seen,
        format!(
            "net:[{}]\nuts:[{}]\n",
            inode(pause, "net"),
            inode(pause, "uts")
        )
    );
}

#[test]
fn members_do_not_share_the_mount_namespace() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("mnt", &[]);
    let pause = pod.pause().pid;
    // One member mounts a tmpfs with a name of its own and keeps running.
    let marker = unique_name("only-in-member-a");
    let a = pod.start(
        &[],
        &[
            "sh",
            "-c",
            &format!("mount -t tmpfs {marker} /mnt && exec sleep 1000"),
        ],
    );
    let b = pod.start(&[], &["sleep", "1000"]);
    let mnt = [
        inode(pause, "mnt"),
        inode(a.pid, "mnt"),
        inode(b.pid, "mnt"),
    ];
    assert!(
        mnt[0] != mnt[1] && mnt[1] != mnt[2] && mnt[0] != mnt[2],
        "{mnt:?}"
    );
    assert_ne!(mnt[1], inode(std::process::id() as i32, "mnt"));
    let a_mounts = nsproc::wait_until(Duration::from_secs(5), "member A's mount", || {
        std::fs::read_to_string(format!("/proc/{}/mountinfo", a.pid))
            .ok()
            .filter(|m| m.contains(&marker))
    });
    assert!(a_mounts.is_ok(), "member A should see its own mount");
    // Another member and the host do not see it.
    let other = pod.exec(&[], &["grep", "-c", &marker, "/proc/self/mountinfo"]);
    assert_eq!(stdout(&other).trim(), "0", "{other:?}");
    let host = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    assert!(!host.contains(&marker));
}

#[test]
fn members_see_the_same_interfaces_ip_and_mac() {
    if !can_make_pods() || !is_root() {
        return;
    }
    let pod = Pod::run("ipmac", &[]);
    let net = pod.state().network.expect("a root pod has a veth pair");
    let show = ["sh", "-c", "ip -br link; ip -br -4 addr"];
    let first = pod.exec_ok(&[], &show);
    let second = pod.exec_ok(&["--share", "net"], &show);
    assert_eq!(first, second);
    assert!(first.contains(&net.pod_ip.to_string()), "{first}");
    assert!(first.contains(&net.mac), "{first}");
    // The host sees its own interfaces: the pod's eth0 is not among them.
    let host = std::process::Command::new("ip")
        .args(["-br", "link"])
        .output()
        .unwrap();
    assert!(!stdout(&host).contains(&net.mac));
    assert!(stdout(&host).contains(&net.host_if));
}

#[test]
fn a_server_in_one_member_is_reached_from_another_on_localhost() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("lo", &[]);
    let blog = tiny_blog();
    pod.start(&[], &[blog.to_str().unwrap(), "--port", "2368"]);
    let page = nsproc::wait_until(Duration::from_secs(10), "the blog", || {
        let out = pod.exec(&["--share", "net"], &["bash", "-c", &bash_get(2368)]);
        out.status.success().then(|| stdout(&out))
    })
    .unwrap();
    assert!(page.contains("<title>tiny-blog"), "{page}");
}

#[test]
fn publish_reaches_a_pod_port_from_the_host() {
    if !can_make_pods() {
        return;
    }
    let port = free_port();
    let pod = Pod::run("pub", &["--publish", &format!("{port}:2368")]);
    let forwarder = pod.state().forwarder.expect("a forwarder is recorded");
    assert!(forwarder.is_alive());
    // The forwarder's sockets are made in the pod's network namespace.
    assert_eq!(inode(forwarder.pid, "net"), inode(pod.pause().pid, "net"));
    pod.start(&[], &[tiny_blog().to_str().unwrap()]);
    let page = wait_for_page(port, "<title>tiny-blog");
    assert!(page.starts_with("HTTP/1."), "{page}");
}

#[test]
fn ipc_objects_are_shared_within_the_pod_and_not_with_the_host() {
    if !can_make_pods() || !is_root() {
        return;
    }
    let pod = Pod::run("ipc", &[]);
    // SysV shared memory, recognised by a size no one else uses.
    let size = (70_000 + std::process::id() % 9_000).to_string();
    pod.exec_ok(&[], &["ipcmk", "-M", &size]);
    let other = pod.exec_ok(&["--share", "ipc"], &["ipcs", "-m"]);
    assert!(other.contains(&format!(" {size} ")), "{other}");
    let host = std::process::Command::new("ipcs")
        .arg("-m")
        .output()
        .unwrap();
    assert!(!stdout(&host).contains(&format!(" {size} ")));
    // A POSIX message queue, made through the mqueue file system, which
    // each member mounts in its own mount namespace.
    let queue = unique_name("queue");
    let make = format!("mount -t mqueue none /mnt && touch /mnt/{queue} && ls /mnt");
    assert!(pod.exec_ok(&[], &["sh", "-c", &make]).contains(&queue));
    let list = pod.exec_ok(
        &["--share", "ipc"],
        &["sh", "-c", "mount -t mqueue none /mnt && ls /mnt"],
    );
    assert!(list.contains(&queue), "{list}");
    let host = std::process::Command::new("unshare")
        .args([
            "--mount",
            "sh",
            "-c",
            "mount -t mqueue none /mnt && ls /mnt",
        ])
        .output()
        .unwrap();
    assert!(host.status.success(), "{host:?}");
    assert!(!stdout(&host).contains(&queue));
}

#[test]
fn a_hostname_set_for_the_pod_is_seen_by_every_member() {
    if !can_make_pods() {
        return;
    }
    let hostname = unique_name("pod-host");
    let pod = Pod::run("uts", &["--hostname", &hostname]);
    let a = pod.exec_ok(&[], &["hostname"]);
    let b = pod.exec_ok(&["--share", "uts"], &["cat", "/proc/sys/kernel/hostname"]);
    assert_eq!(a.trim(), hostname);
    assert_eq!(b.trim(), hostname);
    assert_ne!(
        nix::unistd::gethostname().unwrap().to_string_lossy(),
        hostname
    );
}

#[test]
fn with_pid_sharing_ps_shows_pause_as_pid_1_and_the_other_members() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("pidshare", &[]);
    pod.start(&[], &["sleep", "1001"]);
    let ps = pod.exec_ok(&[], &["ps", "-eo", "pid=,args="]);
    let lines: Vec<(i32, String)> = ps
        .lines()
        .filter_map(|l| {
            let (pid, args) = l.trim().split_once(' ')?;
            Some((pid.parse().ok()?, args.trim().to_string()))
        })
        .collect();
    assert_eq!(lines[0].0, 1, "{ps}");
    assert!(lines[0].1.ends_with("/pause"), "{ps}");
    assert!(lines.iter().any(|(_, args)| args == "sleep 1001"), "{ps}");
    // And the CLI's view from the host agrees.
    let view = stdout(&run_cli(&["ps", &pod.name]));
    assert!(
        view.lines()
            .any(|l| l.trim_start().starts_with("1 ") && l.ends_with("/pause")),
        "{view}"
    );
}

#[test]
fn without_pid_sharing_a_member_is_its_own_pid_1() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("noshare", &[]);
    pod.start(&[], &["sleep", "1002"]);
    let ps = pod.exec_ok(&["--share", "net,ipc,uts"], &["ps", "-eo", "pid=,args="]);
    let lines: Vec<&str> = ps.lines().map(str::trim).collect();
    assert_eq!(lines, ["1 ps -eo pid=,args="], "{ps}");
    // It still shares the network namespace.
    let net = pod.exec_ok(
        &["--share", "net,ipc,uts"],
        &["readlink", "/proc/self/ns/net"],
    );
    assert_eq!(
        net.trim(),
        format!("net:[{}]", inode(pod.pause().pid, "net"))
    );
}

#[test]
fn a_member_can_be_killed_and_restarted_without_touching_the_pod() {
    if !can_make_pods() {
        return;
    }
    let pod = Pod::run("restart", &[]);
    let before = pod.state();
    let pause = pod.pause();
    let address = |pod: &Pod| pod.exec_ok(&[], &["ip", "-br", "-4", "addr"]);
    let ip_before = address(&pod);
    let first = pod.start(&[], &["sleep", "1003"]);
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(first.pid), Signal::SIGKILL).unwrap();
    assert!(
        first.wait_dead(Duration::from_secs(5)),
        "the member should die"
    );
    let second = pod.start(&[], &["sleep", "1003"]);
    assert_ne!(first, second);
    assert!(pause.is_alive(), "pause must survive its member");
    let after = pod.state();
    assert_eq!(after.pause, before.pause);
    assert_eq!(after.namespaces, before.namespaces);
    for kind in ["net", "ipc", "uts", "pid"] {
        assert_eq!(inode(second.pid, kind), inode(pause.pid, kind), "{kind}");
    }
    assert_eq!(address(&pod), ip_before);
}
