//! The pod's three `docker run` lines (commands/pod.sh, the docker-pod
//! exercise), run on the real engine exactly as written, then asked the
//! chapter's questions: does the page come through the published port, is
//! /pause PID 1 inside the blog, are net, ipc and pid namespaces pause's?
//! Everything the lines made is removed, also when a check fails.

mod common;

use docker_demo::docker::{docker, host_pid};
use docker_demo::script::Script;

/// The values the lines run with: a unique pod prefix, a free port, and
/// this test process's own images.
struct Pod {
    prefix: String,
    port: u16,
    overrides: Vec<(&'static str, String)>,
}

impl Pod {
    fn new() -> Pod {
        let images = common::images();
        let prefix = format!("pbx{}", std::process::id());
        let port = common::free_port();
        let overrides = vec![
            ("POD", prefix.clone()),
            ("HOST_PORT", port.to_string()),
            ("PAUSE_IMAGE", images.pause.clone()),
            ("NGINX_IMAGE", images.nginx.clone()),
            ("BLOG_IMAGE", images.blog.clone()),
        ];
        Pod {
            prefix,
            port,
            overrides,
        }
    }

    fn name(&self, container: &str) -> String {
        format!("{}-{container}", self.prefix)
    }
}

/// Removes every container made from this process's images or named with
/// the pod's prefix: the lines under test may name theirs differently.
impl Drop for Pod {
    fn drop(&mut self) {
        let images = common::images();
        let mut filters = vec![format!("name=^/{}-", self.prefix)];
        for image in [&images.pause, &images.nginx, &images.blog] {
            filters.push(format!("ancestor={image}"));
        }
        for filter in filters {
            if let Ok(ids) = docker(["ps", "-aq", "--filter", &filter]) {
                for id in ids.split_whitespace() {
                    let _ = docker(["rm", "-f", id]);
                }
            }
        }
    }
}

/// Runs the three parts in order; panics with what the engine said.
fn run_the_three_lines(pod: &Pod) {
    let script = Script::load().unwrap_or_else(|e| panic!("{e}"));
    for part in ["pause", "nginx", "blog"] {
        let run = script
            .run(part, &pod.overrides)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            run.success,
            "the `{part}` line failed; the engine said:\n{}{}",
            run.stdout, run.stderr
        );
    }
}

fn pid_of(pod: &Pod, container: &str) -> u32 {
    let name = pod.name(container);
    let pid = host_pid(&name).unwrap_or_else(|e| {
        panic!("no running container {name}: {e} (name it \"$POD-{container}\")")
    });
    assert!(pid > 0, "container {name} is not running");
    pid
}

#[test]
fn the_three_lines_make_the_chapters_pod() {
    if common::engine().is_none() || common::root().is_none() {
        return;
    }
    let pod = Pod::new();
    run_the_three_lines(&pod);

    // The page through the published port: pause publishes it, nginx in
    // pause's network namespace answers, and proxies to the blog.
    let answer = nsproc::wait_until(
        std::time::Duration::from_secs(30),
        &format!("the page on port {} (published by pause)", pod.port),
        || {
            common::http_get(pod.port, "/")
                .ok()
                .filter(|a| a.status == 200)
        },
    )
    .unwrap_or_else(|e| panic!("{e}: no answer 200 through the published port"));
    assert!(
        answer.head.contains("Server: nginx/"),
        "the answer on port {} did not come through nginx:\n{}",
        pod.port,
        answer.head
    );

    // PID 1 inside the blog is /pause, nginx beside it.
    let ps = docker(["exec", &pod.name("blog"), "pod-ps"]).unwrap_or_else(|e| panic!("{e}"));
    let first: Vec<&str> = ps
        .lines()
        .nth(1)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        first,
        ["1", "65535", "/pause"],
        "inside the blog, PID 1 should be /pause; ps shows:\n{ps}"
    );
    assert!(ps.contains("nginx"), "the blog does not see nginx:\n{ps}");

    // Shared inodes: net, ipc and pid are pause's; mnt is each one's own.
    let pause = pid_of(&pod, "pause");
    for member in ["nginx", "blog"] {
        let pid = pid_of(&pod, member);
        for kind in ["net", "ipc", "pid"] {
            assert_eq!(
                common::ns_link(pid, kind),
                common::ns_link(pause, kind),
                "{member} is not in pause's {kind} namespace"
            );
        }
        assert_ne!(
            common::ns_link(pid, "mnt"),
            common::ns_link(pause, "mnt"),
            "{member} shares pause's mount namespace"
        );
    }
}
