//! Stopping the private containerd leaves nothing behind: no containerd or
//! shim, no pause or app process, no mount (overlay rootfs, netns, shm), no
//! cgroup, no bridge, no state directory, no image in Docker.

mod common;

use std::path::Path;

use real_node::cleanup;
use real_node::config::BRIDGE;
use real_node::pod::PodSpec;

#[test]
fn stopping_the_runtime_removes_everything_it_started() {
    let started = testkit::require("containerd (CRI)", common::start_private());
    let Some((mut containerd, _)) = started else {
        return;
    };
    let dir = containerd.layout.dir.clone();
    let cgroup = containerd.layout.cgroup_parent();
    let mut cri = containerd.connect().unwrap();
    let mut spec = PodSpec::new("teardown");
    spec.cgroup_parent = cgroup.clone();
    let config = spec.sandbox_config();
    let pod = cri.run_pod_sandbox(&config).unwrap();
    let app = spec.container_config("app", common::APP_IMAGE, &["/bin/busybox", "sleep", "600"]);
    cri.run_container(&pod, &app, &config).unwrap();
    // While it runs, each kind of leftover is really there to be removed.
    let needle = format!("{}/", dir.display());
    assert!(
        !cleanup::pids_mentioning(&needle).is_empty(),
        "containerd and its shim"
    );
    assert!(
        !cleanup::mounts_under(&dir).is_empty(),
        "rootfs and netns mounts"
    );
    let cgroups = cleanup::cgroup_dirs(cgroup.trim_start_matches('/'));
    assert!(!cgroups.is_empty(), "the pods' cgroup");
    assert!(cleanup::link_exists(BRIDGE), "the pods' bridge");
    let pods_processes: usize = cgroups
        .iter()
        .map(|c| cleanup::pids_in_cgroup(c).len())
        .sum();
    assert!(pods_processes >= 2, "pause and the app");

    containerd.stop();

    assert!(
        cleanup::pids_mentioning(&needle).is_empty(),
        "a process names {needle}"
    );
    assert_eq!(
        cleanup::mounts_under(&dir),
        Vec::<std::path::PathBuf>::new()
    );
    assert!(
        cleanup::cgroup_dirs(cgroup.trim_start_matches('/')).is_empty(),
        "cgroups left"
    );
    assert!(!cleanup::link_exists(BRIDGE), "{BRIDGE} left");
    assert!(!Path::new(&dir).exists(), "{} left", dir.display());
    assert_eq!(real_node::images::docker_leftovers(), Vec::<String>::new());
}

/// The same for the private Podman: no pod, conmon, mount, bridge or storage.
#[test]
fn stopping_podman_removes_its_pods_storage_and_network() {
    use real_node::podman::{self, PrivatePodman};
    let Some(()) = testkit::require("podman", podman::prerequisites().map_err(|e| e.to_string()))
    else {
        return;
    };
    let blob_cache_was_there = Path::new(podman::BLOB_CACHE_DIR).exists();
    let mut podman = PrivatePodman::new(&real_node::config::sandbox_image()).unwrap();
    let dir = podman.dir.clone();
    podman
        .build(
            &real_node::images::pause_context().unwrap().0,
            &real_node::config::sandbox_image(),
        )
        .unwrap();
    podman
        .build(
            &real_node::images::busybox_context().unwrap().0,
            common::APP_IMAGE,
        )
        .unwrap();
    let yaml = dir.join("pod.yaml");
    let manifest = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: teardown\nspec:\n  containers:\n    - name: app\n      image: {}\n      command: [\"/bin/busybox\", \"sleep\", \"600\"]\n",
        common::APP_IMAGE
    );
    std::fs::write(&yaml, manifest).unwrap();
    podman.kube_play(&yaml).unwrap();
    let needle = format!("{}/", dir.display());
    assert!(!cleanup::pids_mentioning(&needle).is_empty(), "conmon runs");
    assert!(!cleanup::mounts_under(&dir).is_empty(), "rootfs mounts");
    assert!(cleanup::link_exists(podman::BRIDGE), "the pod's bridge");

    podman.stop();

    assert!(
        cleanup::pids_mentioning(&needle).is_empty(),
        "a process names {needle}"
    );
    assert_eq!(
        cleanup::mounts_under(&dir),
        Vec::<std::path::PathBuf>::new()
    );
    assert!(
        !cleanup::link_exists(podman::BRIDGE),
        "{} left",
        podman::BRIDGE
    );
    assert!(!dir.exists(), "{} left", dir.display());
    assert_eq!(
        Path::new(podman::BLOB_CACHE_DIR).exists(),
        blob_cache_was_there
    );
}
