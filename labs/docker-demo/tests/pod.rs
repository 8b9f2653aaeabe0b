//! The seed's pod (pause + nginx + blog) on a real Docker engine, started
//! with testcontainers: every container is removed when its handle drops,
//! also when an assertion panics.

mod common;

use std::time::{Duration, Instant};

use common::{Answer, http_get, images, ns_link, wait_for_status};
use docker_demo::docker::host_pid;
use docker_demo::images::{BLOG_REPO, NGINX_REPO, PAUSE_REPO};
use testcontainers::core::wait::ExitWaitStrategy;
use testcontainers::core::{ExecCommand, IntoContainerPort, WaitFor};
use testcontainers::runners::SyncRunner;
use testcontainers::{Container, ContainerRequest, GenericImage, ImageExt};

/// The blog's readiness line.
const BLOG_READY: &str = "tiny-blog listening on";

/// The three containers; fields drop in order, so the joiners go first.
struct Pod {
    blog: Option<Container<GenericImage>>,
    nginx: Container<GenericImage>,
    pause: Container<GenericImage>,
    port: u16,
    shares_pid: bool,
}

// ANCHOR: joiner
/// A container joining pause's namespaces, like
/// `docker run --net=container:pause --ipc=container:pause [--pid=container:pause]`.
fn joiner(image: GenericImage, pause_id: &str, share_pid: bool) -> ContainerRequest<GenericImage> {
    let pause = format!("container:{pause_id}");
    image.with_host_config_modifier(move |host| {
        host.network_mode = Some(pause.clone());
        host.ipc_mode = Some(pause.clone());
        if share_pid {
            host.pid_mode = Some(pause.clone());
        }
        // Ports belong to the network namespace, so to pause: a joiner that
        // asked to publish any would be refused by the engine.
        host.publish_all_ports = None;
        host.port_bindings = None;
    })
}
// ANCHOR_END: joiner

fn image(repo: &str) -> GenericImage {
    GenericImage::new(repo, images().tag.as_str())
}

fn start_blog(pause_id: &str, share_pid: bool) -> Container<GenericImage> {
    joiner(
        image(BLOG_REPO).with_wait_for(WaitFor::message_on_stdout(BLOG_READY)),
        pause_id,
        share_pid,
    )
    .start()
    .expect("start the blog container")
}

impl Pod {
    /// `docker run -p <port>:80 --ipc=shareable pause`, then nginx and the
    /// blog joining it; returns once `GET /` answers 200 through nginx.
    fn start(share_pid: bool) -> Pod {
        let port = common::free_port();
        let pause = image(PAUSE_REPO)
            .with_mapped_port(port, 80.tcp())
            .with_host_config_modifier(|host| host.ipc_mode = Some("shareable".into()))
            .start()
            .expect("start the pause container");
        let nginx = joiner(image(NGINX_REPO), pause.id(), share_pid)
            .start()
            .expect("start the nginx container");
        let blog = start_blog(pause.id(), share_pid);
        wait_for_status(port, 200, "the blog through nginx");
        Pod {
            blog: Some(blog),
            nginx,
            pause,
            port,
            shares_pid: share_pid,
        }
    }

    fn blog(&self) -> &Container<GenericImage> {
        self.blog.as_ref().expect("the blog container is running")
    }

    fn get(&self) -> Result<Answer, String> {
        http_get(self.port, "/")
    }
}

fn exec(container: &Container<GenericImage>, cmd: &[&str]) -> String {
    let mut result = container
        .exec(ExecCommand::new(cmd.iter().copied()))
        .unwrap_or_else(|e| panic!("exec {cmd:?}: {e}"));
    let stdout = result.stdout_to_vec().expect("exec output");
    String::from_utf8(stdout).expect("UTF-8 output")
}

/// `pod-ps` rows as (PID, USER, COMMAND).
fn processes(container: &Container<GenericImage>) -> Vec<(u32, String, String)> {
    exec(container, &["pod-ps"])
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let pid = words.next()?.parse().ok()?;
            let user = words.next()?.to_string();
            Some((pid, user, words.collect::<Vec<_>>().join(" ")))
        })
        .collect()
}

fn container_pid(container: &Container<GenericImage>) -> u32 {
    host_pid(container.id()).expect("docker inspect")
}

fn exit_code(container: &Container<GenericImage>) -> Option<i64> {
    container.exit_code().expect("docker inspect")
}

#[test]
fn the_published_port_reaches_the_blog_through_nginx() {
    if common::engine().is_none() {
        return;
    }
    let pod = Pod::start(true);
    let answer = pod.get().unwrap();
    assert_eq!(answer.status, 200);
    assert!(answer.head.contains("Server: nginx/"), "{}", answer.head);
    assert!(
        answer
            .body
            .contains("<h1>tiny-blog: notes from inside a pod</h1>")
    );
    // nginx logged the request it passed on.
    nsproc::wait_until(Duration::from_secs(10), "nginx's access log line", || {
        let log = String::from_utf8(pod.nginx.stdout_to_vec().ok()?).ok()?;
        log.contains("\"GET / HTTP/1.0\" 200").then_some(())
    })
    .unwrap();
}

#[test]
fn the_blog_sees_pause_as_pid_1_beside_nginx() {
    if common::engine().is_none() {
        return;
    }
    let pod = Pod::start(true);
    let rows = processes(pod.blog());
    let command_of = |pid| rows.iter().find(|r| r.0 == pid).map(|r| r.2.as_str());
    assert_eq!(command_of(1), Some("/pause"), "{rows:?}");
    let has = |prefix: &str| rows.iter().any(|r| r.2.starts_with(prefix));
    assert!(has("nginx: master process"), "{rows:?}");
    assert!(has("nginx: worker process"), "{rows:?}");
    assert!(has("/usr/local/bin/tiny-blog --port 2368"), "{rows:?}");
    // pause runs as 65535, which the blog image's /etc/passwd does not name.
    assert_eq!(rows[0].1, "65535");
}

#[test]
fn net_ipc_and_pid_namespaces_are_pauses_mount_and_uts_are_not() {
    if common::engine().is_none() || common::root().is_none() {
        return;
    }
    let pod = Pod::start(true);
    let pids = [&pod.pause, &pod.nginx, pod.blog()].map(container_pid);
    for kind in ["net", "ipc", "pid"] {
        let links = pids.map(|pid| ns_link(pid, kind));
        assert!(links.iter().all(|l| *l == links[0]), "{kind}: {links:?}");
    }
    for kind in ["mnt", "uts"] {
        let links = pids.map(|pid| ns_link(pid, kind));
        assert!(
            links[0] != links[1] && links[1] != links[2] && links[0] != links[2],
            "{kind}: {links:?}"
        );
    }
    // Seen from inside the blog, the same identities.
    let inside = exec(pod.blog(), &["pod-ns", "net", "ipc", "pid"]);
    let expected: String = ["net", "ipc", "pid"]
        .iter()
        .map(|kind| format!("{kind:<17} {}\n", ns_link(pids[0], kind)))
        .collect();
    assert_eq!(inside, expected);
}

/// Runs `pod-ipc list` in a throwaway container, joined to `ipc_mode` if given.
fn list_segments(ipc_mode: Option<String>) -> String {
    let lister = image(BLOG_REPO)
        .with_entrypoint("/usr/local/bin/pod-ipc")
        .with_wait_for(WaitFor::exit(ExitWaitStrategy::new().with_exit_code(0)))
        .with_cmd(["list"])
        .with_host_config_modifier(move |host| host.ipc_mode = ipc_mode.clone())
        .start()
        .expect("run pod-ipc list");
    String::from_utf8(lister.stdout_to_vec().unwrap()).unwrap()
}

#[test]
fn a_shared_memory_segment_made_in_the_blog_is_seen_through_pauses_ipc() {
    if common::engine().is_none() {
        return;
    }
    let pod = Pod::start(true);
    let made = exec(pod.blog(), &["pod-ipc", "create", "0x70617573"]);
    assert_eq!(made, "created 0x70617573 (4096 bytes)\n");
    let joined = list_segments(Some(format!("container:{}", pod.pause.id())));
    assert_eq!(joined, "0x70617573 4096 bytes\n");
    let own = list_segments(None);
    assert_eq!(own, "no SysV shared memory segments\n");
}

#[test]
fn without_the_pid_namespace_of_pause_the_blog_is_its_own_pid_1() {
    if common::engine().is_none() {
        return;
    }
    let pod = Pod::start(false);
    assert!(!pod.shares_pid);
    let rows = processes(pod.blog());
    assert_eq!(rows[0].0, 1);
    assert_eq!(rows[0].2, "/usr/local/bin/tiny-blog --port 2368");
    assert!(
        rows.iter()
            .all(|r| r.2 != "/pause" && !r.2.contains("nginx")),
        "{rows:?}"
    );
    // The network is still shared: the page still comes through nginx.
    assert_eq!(pod.get().unwrap().status, 200);
}

#[test]
fn the_blog_is_replaced_while_pause_keeps_its_id_and_namespaces() {
    if common::engine().is_none() || common::root().is_none() {
        return;
    }
    let mut pod = Pod::start(true);
    let pause_id = pod.pause.id().to_string();
    let pause_pid = container_pid(&pod.pause);
    let before: Vec<String> = ["net", "ipc", "pid"]
        .iter()
        .map(|k| ns_link(pause_pid, k))
        .collect();

    drop(pod.blog.take()); // docker rm -f
    let gap = wait_for_status(pod.port, 502, "nginx's 502 while the blog is away");
    assert!(gap.head.contains("Server: nginx/"));

    pod.blog = Some(start_blog(&pause_id, true));
    wait_for_status(pod.port, 200, "the new blog through nginx");
    assert_eq!(pod.pause.id(), pause_id);
    assert_eq!(container_pid(&pod.pause), pause_pid);
    let blog_pid = container_pid(pod.blog());
    for (kind, link) in ["net", "ipc", "pid"].iter().zip(&before) {
        assert_eq!(&ns_link(pause_pid, kind), link);
        assert_eq!(&ns_link(blog_pid, kind), link);
    }
}

#[test]
fn stopping_pause_ends_nginx_and_the_blog_when_they_share_its_pid_namespace() {
    if common::engine().is_none() {
        return;
    }
    let pod = Pod::start(true);
    let started = Instant::now();
    pod.pause.stop().expect("docker stop pause");
    // pause exits 0 on SIGTERM, before docker's 10 s grace period ends in
    // a SIGKILL (which would make the exit code 137).
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(exit_code(&pod.pause), Some(0));
    let said = String::from_utf8(pod.pause.stderr_to_vec().unwrap()).unwrap();
    assert!(
        said.contains("Shutting down, got signal: Terminated"),
        "{said:?}"
    );
    // The kernel SIGKILLs the rest of the PID namespace: 128 + 9.
    nsproc::wait_until(Duration::from_secs(10), "nginx and blog exited", || {
        (!pod.nginx.is_running().ok()? && !pod.blog().is_running().ok()?).then_some(())
    })
    .unwrap();
    assert_eq!(exit_code(&pod.nginx), Some(137));
    assert_eq!(exit_code(pod.blog()), Some(137));
    // They cannot start without the namespaces' holder...
    let refused = pod.blog().start().unwrap_err().to_string();
    assert!(
        refused.contains("cannot join network of a non running container"),
        "{refused}"
    );
    // ...and come back, with the service, once pause runs again.
    pod.pause.start().expect("docker start pause");
    pod.nginx.start().expect("docker start nginx");
    pod.blog().start().expect("docker start blog");
    wait_for_status(pod.port, 200, "the restarted pod");
}

/// The interfaces of the network namespace `pid` is in (`/proc/PID/net/dev`).
fn interfaces(pid: u32) -> Vec<String> {
    std::fs::read_to_string(format!("/proc/{pid}/net/dev"))
        .unwrap()
        .lines()
        .skip(2)
        .filter_map(|l| Some(l.split_once(':')?.0.trim().to_string()))
        .collect()
}

#[test]
fn stopping_pause_strands_nginx_and_the_blog_in_a_dead_network_namespace() {
    if common::engine().is_none() || common::root().is_none() {
        return;
    }
    let pod = Pod::start(false);
    let nginx_pid = container_pid(&pod.nginx);
    let pod_net = ns_link(nginx_pid, "net");
    assert!(interfaces(nginx_pid).contains(&"eth0".to_string()));

    pod.pause.stop().expect("docker stop pause");
    assert_eq!(exit_code(&pod.pause), Some(0));
    // Their own PID namespaces: nothing kills them. They keep the network
    // namespace alive, but Docker took its eth0 away with pause.
    assert!(pod.nginx.is_running().unwrap() && pod.blog().is_running().unwrap());
    assert_eq!(ns_link(nginx_pid, "net"), pod_net);
    assert_eq!(interfaces(nginx_pid), ["lo"]);
    assert!(pod.get().is_err(), "the published port still answers");

    // pause started again gets a new network namespace; the others stay
    // behind in the old one until they are restarted.
    pod.pause.start().expect("docker start pause");
    let new_net = ns_link(container_pid(&pod.pause), "net");
    assert_ne!(new_net, pod_net);
    assert!(pod.get().is_err(), "served before nginx rejoined");
    for container in [&pod.nginx, pod.blog()] {
        container.stop().expect("docker stop");
        container.start().expect("docker start");
        assert_eq!(ns_link(container_pid(container), "net"), new_net);
    }
    wait_for_status(pod.port, 200, "the rejoined pod");
}

#[test]
fn a_container_joining_pauses_network_cannot_publish_ports() {
    if common::engine().is_none() {
        return;
    }
    let pause = image(PAUSE_REPO)
        .start()
        .expect("start the pause container");
    let network = format!("container:{}", pause.id());
    // What `docker run -p 18080:80 --net=container:pause nginx` asks for.
    let refused = image(NGINX_REPO)
        .with_mapped_port(common::free_port(), 80.tcp())
        .with_host_config_modifier(move |host| host.network_mode = Some(network.clone()))
        .start()
        .map(|_| ())
        .expect_err("the engine accepted a port on a joiner");
    let message = refused.to_string();
    assert!(
        message
            .contains("conflicting options: port publishing and the container type network mode"),
        "{message}"
    );
}
