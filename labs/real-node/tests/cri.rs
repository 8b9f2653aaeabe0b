//! The kubelet's path on a real runtime: RunPodSandbox on a private
//! containerd whose sandbox image is our pause, then what a node shows.
//! These are focused checks of the kind critest makes; they run against any
//! CRI socket too (see tests/common).

mod common;

use std::os::unix::fs::MetadataExt;
use std::time::Duration;

use common::{Pod, TIMEOUT, container_pid, node};
use k8s_cri::v1::ContainerState;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use real_node::cleanup;

fn ns_inode(pid: i32, kind: &str) -> u64 {
    std::fs::metadata(format!("/proc/{pid}/ns/{kind}"))
        .unwrap_or_else(|e| panic!("/proc/{pid}/ns/{kind}: {e}"))
        .ino()
}

#[test]
fn the_sandbox_process_is_our_pause() {
    let Some(mut node) = node() else { return };
    let expected = node.pause_bytes.clone();
    let spec = node.spec("exe");
    let mut pod = Pod::run(&mut node.cri, spec);
    let pid = pod.sandbox_pid();
    let exe = std::fs::read(format!("/proc/{pid}/exe")).unwrap();
    if let Some(expected) = expected {
        assert!(
            exe == expected,
            "the sandbox process {pid} does not run our pause binary"
        );
    }
    assert_eq!(nsproc::procfs::cmdline(pid).unwrap(), "/pause");
}

#[test]
fn a_container_shares_the_sandboxs_network_namespace() {
    let Some(mut node) = node() else { return };
    let (spec, image) = (node.spec("net"), node.app_image.clone());
    let command = node.app(&["sleep", "600"]);
    let mut pod = Pod::run(&mut node.cri, spec);
    let app = pod.container("app", &image, &command);
    let pause = pod.sandbox_pid();
    let app_pid = container_pid(pod.cri(), &app);
    assert_eq!(ns_inode(app_pid, "net"), ns_inode(pause, "net"));
    assert_ne!(ns_inode(app_pid, "mnt"), ns_inode(pause, "mnt"));
    let pod_ip = {
        let id = pod.id.clone();
        let status = pod.cri().pod_sandbox_status(&id, false).unwrap();
        status.status.unwrap().network.unwrap().ip
    };
    assert!(pod_ip.starts_with("10.215.0."), "pod IP {pod_ip}");
    let (out, err, code) = pod
        .cri()
        .exec_sync(&app, &["/bin/busybox", "ip", "-4", "addr", "show", "eth0"])
        .unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("inet {pod_ip}/")),
        "the app's eth0:\n{out}"
    );
}

/// What the app container sees as PID 1, by its command line.
fn pid1_seen_by_app(share_process_namespace: bool) -> String {
    let mut node = node().unwrap();
    let mut spec = node.spec(if share_process_namespace {
        "shared-pid"
    } else {
        "own-pid"
    });
    spec.share_process_namespace = share_process_namespace;
    let image = node.app_image.clone();
    let command = node.app(&["sleep", "600"]);
    let mut pod = Pod::run(&mut node.cri, spec);
    let app = pod.container("app", &image, &command);
    let (out, err, code) = pod
        .cri()
        .exec_sync(&app, &["/bin/busybox", "cat", "/proc/1/cmdline"])
        .unwrap();
    assert_eq!(code, 0, "{err}");
    out.replace('\0', " ").trim().to_string()
}

#[test]
fn with_pid_mode_pod_the_app_sees_pause_as_pid_1() {
    if node().is_none() {
        return;
    }
    // critest's check: in a pod sharing its PID namespace, PID 1 is not the app.
    assert_eq!(pid1_seen_by_app(true), "/pause");
}

#[test]
fn with_pid_mode_container_the_app_is_its_own_pid_1() {
    if node().is_none() {
        return;
    }
    assert_eq!(pid1_seen_by_app(false), "/bin/busybox sleep 600");
}

#[test]
fn list_pod_sandbox_lists_the_sandbox_and_list_containers_does_not() {
    let Some(mut node) = node() else { return };
    let (spec, image) = (node.spec("lists"), node.app_image.clone());
    let command = node.app(&["sleep", "600"]);
    let mut pod = Pod::run(&mut node.cri, spec);
    let app = pod.container("app", &image, &command);
    let id = pod.id.clone();
    let pods = pod.cri().list_pod_sandbox().unwrap();
    assert!(
        pods.iter().any(|p| p.id == id),
        "ListPodSandbox misses {id}"
    );
    let containers = pod.cri().list_containers(None).unwrap();
    let ids: Vec<&str> = containers.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [app.as_str()], "ListContainers lists the app only");
    assert!(
        !ids.contains(&id.as_str()),
        "the sandbox is not a CRI container"
    );
}

#[test]
fn the_pods_network_namespace_is_a_bind_mount_under_the_state_dir() {
    let Some(mut node) = node() else { return };
    let state = node.containerd.as_ref().map(|c| c.layout.state());
    let spec = node.spec("netns");
    let mut pod = Pod::run(&mut node.cri, spec);
    let info = pod.info();
    let path = real_node::inspect::netns_path(&info).expect("a netns path in the spec");
    println!("netns of the pod: {path}");
    let path = std::path::PathBuf::from(path);
    if let Some(state) = state {
        assert!(
            path.starts_with(&state),
            "{} is not under {}",
            path.display(),
            state.display()
        );
    }
    assert!(
        cleanup::mounts_under(&path).contains(&path),
        "{} is not a mount",
        path.display()
    );
    let pause = pod.sandbox_pid();
    assert_eq!(
        std::fs::metadata(&path).unwrap().ino(),
        ns_inode(pause, "net")
    );
    drop(pod);
    assert!(
        !cleanup::mounts_under(&path).contains(&path),
        "RemovePodSandbox unmounts it"
    );
}

#[test]
fn when_pause_is_killed_the_sandbox_is_not_ready_and_the_app_runs_on() {
    let Some(mut node) = node() else { return };
    let (spec, image) = (node.spec("killed"), node.app_image.clone());
    let command = node.app(&["sleep", "600"]);
    let mut pod = Pod::run(&mut node.cri, spec);
    let app = pod.container("app", &image, &command);
    let pause = pod.sandbox_pid();
    let netns = real_node::inspect::netns_path(&pod.info()).unwrap();
    let app_pid = container_pid(pod.cri(), &app);
    kill(Pid::from_raw(pause), Signal::SIGKILL).unwrap();
    let id = pod.id.clone();
    nsproc::wait_until(TIMEOUT, "the sandbox to be NotReady", || {
        let status = pod.cri().pod_sandbox_status(&id, false).ok()?;
        (status.status?.state == 1).then_some(())
    })
    .unwrap();
    // The app container keeps running, in the namespaces the runtime
    // holds: the pod's netns is still mounted, not only held by pause.
    let containers = pod.cri().list_containers(Some(&id)).unwrap();
    let states: Vec<i32> = containers.iter().map(|c| c.state).collect();
    assert_eq!(states, [ContainerState::ContainerRunning as i32]);
    assert!(cleanup::alive(app_pid), "the app died with pause");
    let netns = std::path::PathBuf::from(netns);
    assert!(
        cleanup::mounts_under(&netns).contains(&netns),
        "the netns went with pause"
    );
    assert_eq!(
        ns_inode(app_pid, "net"),
        std::fs::metadata(&netns).unwrap().ino()
    );
    // It is the kubelet that notices the NotReady sandbox and recreates the
    // pod; removing the sandbox takes the app and the netns with it.
    drop(pod);
    nsproc::wait_until(TIMEOUT, "the app to be gone", || {
        (!cleanup::alive(app_pid)).then_some(())
    })
    .unwrap();
    assert!(!cleanup::mounts_under(&netns).contains(&netns));
}

#[test]
fn image_status_of_the_sandbox_image() {
    let Some(mut node) = node() else { return };
    let image = real_node::config::sandbox_image();
    let status = node
        .cri
        .image_status(&image)
        .unwrap()
        .expect("the sandbox image is there");
    let version = node.cri.version().unwrap();
    println!(
        "ImageStatus {image}: pinned = {} on {} {}",
        status.pinned, version.runtime_name, version.runtime_version
    );
    // containerd marks its sandbox image pinned (label
    // io.cri-containerd.pinned) only from 1.7 on (containerd PR #7944), and
    // for an image imported with ctr only after a later fix (PR #9784). 1.6
    // reports it as not pinned: the kubelet's image GC may remove it.
    if version.runtime_name == "containerd" && version.runtime_version.starts_with("1.6") {
        assert!(!status.pinned, "containerd 1.6 does not pin");
    }
}

/// The chapter's session with `cri-pods` (and containerd's own `ctr`),
/// replayed on the private containerd.
#[test]
fn the_chapters_cri_pods_session() {
    let Some(node) = node() else { return };
    let Some(containerd) = node.containerd.as_ref() else {
        return; // the session names our images: only on the private containerd
    };
    let socket = containerd.socket();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_cri-pods"))
        .parent()
        .unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    transcripts::assert_replay(env!("CARGO_MANIFEST_DIR"), "cri-pods", |command| {
        std::process::Command::new("bash")
            .args(["-c", &format!("exec 2>&1; {command}")])
            .env("PATH", &path)
            .env("LC_ALL", "C")
            .env("CONTAINER_RUNTIME_ENDPOINT", &socket)
            .env("CONTAINERD_ADDRESS", &socket)
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
    });
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// RunPodSandbox until the sandbox is Ready, beside `docker run` of the same
/// pause image until it runs; 20 of each, in one run. Slow, so on demand:
/// `cargo test -p real-node --test cri -- --ignored --nocapture`.
#[test]
#[ignore]
fn benchmark_run_pod_sandbox_beside_docker_run() {
    const RUNS: usize = 20;
    let Some(mut node) = node() else { return };
    let spec = node.spec("bench");
    let cri = &mut node.cri;
    let mut cri_times = Vec::new();
    for _ in 0..=RUNS {
        let start = std::time::Instant::now();
        let id = cri.run_pod_sandbox(&spec.sandbox_config()).unwrap();
        let status = cri.pod_sandbox_status(&id, false).unwrap().status.unwrap();
        assert_eq!(status.state, 0, "RunPodSandbox returns a Ready sandbox");
        cri_times.push(start.elapsed());
        cri.remove_pod_sandbox(&id).unwrap();
    }
    cri_times.remove(0); // the first run warms caches

    let image = format!("localhost/pause-rs:bench-{}", std::process::id());
    let context = real_node::images::pause_context().unwrap();
    real_node::images::docker_build(&context, &image).unwrap();
    let mut docker_times = Vec::new();
    let mut docker_error = None;
    for _ in 0..=RUNS {
        let start = std::time::Instant::now();
        match real_node::images::run("docker", &["run", "--detach", &image]) {
            Ok(id) => {
                let id = id.trim().to_string();
                let running = real_node::images::run(
                    "docker",
                    &["inspect", "--format", "{{.State.Running}}", &id],
                );
                docker_times.push(start.elapsed());
                let _ = real_node::images::run("docker", &["rm", "--force", &id]);
                assert_eq!(running.unwrap().trim(), "true");
            }
            Err(e) => {
                docker_error = Some(e);
                break;
            }
        }
    }
    let _ = real_node::images::run("docker", &["rmi", "--force", &image]);
    if let Some(e) = docker_error {
        panic!("{e}");
    }
    docker_times.remove(0);
    let (cri, docker) = (median(cri_times), median(docker_times));
    println!(
        "median of {RUNS}: RunPodSandbox until Ready {cri:?}; docker run --detach until running {docker:?}; ratio {:.2}",
        cri.as_secs_f64() / docker.as_secs_f64()
    );
}
