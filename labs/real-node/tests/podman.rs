//! Podman's `kube play` runs a Kubernetes Pod manifest on one machine, with
//! our pause as the pod's infra container (containers.conf `infra_image`).

use std::sync::{Mutex, MutexGuard, OnceLock};

use real_node::config::sandbox_image;
use real_node::images;
use real_node::podman::{self, PrivatePodman};

const BUSYBOX: &str = "localhost/busybox:real-node";
const NGINX: &str = "localhost/pause-book-nginx:real-node";
const BLOG: &str = "localhost/pause-book-blog:real-node";

static PODMAN: OnceLock<Result<Mutex<Option<PrivatePodman>>, String>> = OnceLock::new();

extern "C" fn stop_at_exit() {
    if let Some(Ok(podman)) = PODMAN.get() {
        let mut podman = podman.lock().unwrap_or_else(|e| e.into_inner());
        drop(podman.take());
    }
}

fn start() -> Result<PrivatePodman, String> {
    podman::prerequisites()?;
    let podman = PrivatePodman::new(&sandbox_image())?;
    podman.build(&images::pause_context()?.0, &sandbox_image())?;
    podman.build(&images::busybox_context()?.0, BUSYBOX)?;
    let (nginx, blog) = images::nginx_and_blog_contexts()?;
    podman.build(&nginx.0, NGINX)?;
    podman.build(&blog.0, BLOG)?;
    Ok(podman)
}

/// The private Podman, shared by this binary's tests one at a time.
fn podman() -> Option<MutexGuard<'static, Option<PrivatePodman>>> {
    let podman = PODMAN.get_or_init(|| {
        // SAFETY: registering a plain extern "C" fn with atexit.
        unsafe { libc::atexit(stop_at_exit) };
        start().map(|p| Mutex::new(Some(p)))
    });
    let podman = testkit::require("podman", podman.as_ref().map_err(Clone::clone))?;
    Some(podman.lock().unwrap_or_else(|e| e.into_inner()))
}

/// A played manifest, taken down when dropped (also after a panic).
struct Played<'a> {
    podman: &'a PrivatePodman,
    yaml: std::path::PathBuf,
}

impl<'a> Played<'a> {
    fn play(podman: &'a PrivatePodman, name: &str, yaml: &str) -> Played<'a> {
        let path = podman.dir.join(format!("{name}.yaml"));
        std::fs::write(&path, yaml).unwrap();
        let played = Played { podman, yaml: path };
        played
            .podman
            .kube_play(&played.yaml)
            .unwrap_or_else(|e| panic!("{e}"));
        played
    }
}

impl Drop for Played<'_> {
    fn drop(&mut self) {
        let _ = self
            .podman
            .run(&["kube", "down", &self.yaml.to_string_lossy()]);
    }
}

fn busybox_pod(name: &str, share: bool) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  shareProcessNamespace: {share}\n  \
         containers:\n    - name: app\n      image: {BUSYBOX}\n      command: [\"/bin/busybox\", \"sleep\", \"600\"]\n"
    )
}

fn pid1_seen_by_app(share: bool) -> Option<String> {
    let guard = podman()?;
    let podman = guard.as_ref().unwrap();
    let name = if share { "shared-pid" } else { "own-pid" };
    let _pod = Played::play(podman, name, &busybox_pod(name, share));
    let out = podman
        .run(&[
            "exec",
            &format!("{name}-app"),
            "/bin/busybox",
            "cat",
            "/proc/1/cmdline",
        ])
        .unwrap();
    Some(out.replace('\0', " ").trim().to_string())
}

#[test]
fn with_share_process_namespace_the_app_sees_pause_as_pid_1() {
    if let Some(pid1) = pid1_seen_by_app(true) {
        assert_eq!(pid1, "/pause");
    }
}

#[test]
fn without_it_the_apps_own_entrypoint_is_pid_1() {
    if let Some(pid1) = pid1_seen_by_app(false) {
        assert_eq!(pid1, "/bin/busybox sleep 600");
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The seed's pod: nginx answers on the pod's published port and passes
/// the request to the blog on 127.0.0.1:2368 of the shared network namespace;
/// `podman pod ps` shows the infra container.
#[test]
fn the_seeds_pod_serves_the_blog_through_nginx_on_the_published_port() {
    let Some(guard) = podman() else { return };
    let podman = guard.as_ref().unwrap();
    let yaml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/pods/seed-pod.yaml"))
        .unwrap();
    let port = free_port();
    let yaml = yaml.replace("hostPort: 8880", &format!("hostPort: {port}"));
    let _pod = Played::play(podman, "seed", &yaml);

    let url = format!("http://127.0.0.1:{port}/");
    let body = nsproc::wait_until(
        std::time::Duration::from_secs(20),
        "the blog to answer",
        || {
            let out = std::process::Command::new("curl")
                .args(["-fsS", "--max-time", "2", &url])
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
        },
    )
    .unwrap();
    assert!(
        body.to_lowercase().contains("<html"),
        "not the blog's page:\n{body}"
    );

    let pods = podman
        .run(&[
            "pod",
            "ps",
            "--format",
            "{{.Name}} {{.InfraId}} {{.NumberOfContainers}}",
        ])
        .unwrap();
    let line = pods
        .lines()
        .find(|l| l.starts_with("seed "))
        .expect("the seed pod");
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields[2], "3", "nginx, blog and the infra container");
    let infra = podman
        .run(&[
            "inspect",
            "--format",
            "{{.ImageName}} {{.IsInfra}}",
            fields[1],
        ])
        .unwrap();
    assert_eq!(infra.trim(), format!("{} true", sandbox_image()));
}
