//! One runtime per test binary, shared by its tests, torn down at exit.
//!
//! By default that is a private containerd started here, with our pause
//! imported as its sandbox image and a static busybox as the app image.
//! `REAL_NODE_CRI_ENDPOINT=/path/to/cri.sock` points the same checks at any
//! CRI runtime instead (as `PAUSE_BIN` points the pause lab's tests at any
//! pause); `REAL_NODE_APP_IMAGE` then names an image there whose entrypoint
//! is busybox (`<image> sleep 600` must work), and `PAUSE_BIN` the pause
//! binary the sandbox must run, if it should be checked.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use real_node::config;
use real_node::containerd::{self, PrivateContainerd};
use real_node::cri::Cri;
use real_node::images;
use real_node::pod::PodSpec;

pub const ENDPOINT_VAR: &str = "REAL_NODE_CRI_ENDPOINT";
pub const APP_IMAGE_VAR: &str = "REAL_NODE_APP_IMAGE";

/// The app image inside the private containerd.
pub const APP_IMAGE: &str = "localhost/busybox:real-node";

/// The runtime the checks run against.
pub struct Node {
    pub cri: Cri,
    /// The private containerd, when we started it.
    pub containerd: Option<PrivateContainerd>,
    pub app_image: String,
    /// The bytes the sandbox process must run, when known.
    pub pause_bytes: Option<Vec<u8>>,
    pub cgroup_parent: String,
}

impl Node {
    /// A pod spec named `name` under this node's cgroup parent.
    pub fn spec(&self, name: &str) -> PodSpec {
        let mut spec = PodSpec::new(name);
        spec.cgroup_parent = self.cgroup_parent.clone();
        spec
    }

    /// The app command: the image's entrypoint is busybox.
    pub fn app<'a>(&self, args: &[&'a str]) -> Vec<&'a str> {
        let mut command = vec!["/bin/busybox"];
        command.extend_from_slice(args);
        command
    }
}

static NODE: OnceLock<Result<Mutex<Node>, String>> = OnceLock::new();

extern "C" fn stop_at_exit() {
    if let Some(Ok(node)) = NODE.get() {
        let mut node = node.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut containerd) = node.containerd.take() {
            containerd.stop();
        }
    }
}

fn start() -> Result<Node, String> {
    if let Some(endpoint) = std::env::var_os(ENDPOINT_VAR) {
        let app_image = std::env::var(APP_IMAGE_VAR)
            .map_err(|_| format!("{ENDPOINT_VAR} is set: set {APP_IMAGE_VAR} too"))?;
        let pause_bytes = match std::env::var_os("PAUSE_BIN") {
            Some(path) => Some(std::fs::read(&path).map_err(|e| e.to_string())?),
            None => None,
        };
        return Ok(Node {
            cri: Cri::connect(&PathBuf::from(endpoint)).map_err(|e| e.to_string())?,
            containerd: None,
            app_image,
            pause_bytes,
            cgroup_parent: String::new(),
        });
    }
    let (instance, pause_bytes) = start_private()?;
    Ok(Node {
        cri: instance.connect()?,
        cgroup_parent: instance.layout.cgroup_parent(),
        containerd: Some(instance),
        app_image: APP_IMAGE.into(),
        pause_bytes: Some(pause_bytes),
    })
}

/// Starts a private containerd and imports our pause (as its sandbox
/// image) and busybox into it; returns it and the pause binary's bytes.
pub fn start_private() -> Result<(PrivateContainerd, Vec<u8>), String> {
    containerd::prerequisites()?;
    images::run("docker", &["info", "--format", "{{.ServerVersion}}"])
        .map_err(|e| format!("Docker builds the images and must answer: {e}"))?;
    let pause = images::pause_binary()?;
    let pause_bytes = std::fs::read(&pause).map_err(|e| e.to_string())?;
    let instance = PrivateContainerd::start(&config::sandbox_image())?;
    // From here on, dropping the instance tears it down, whatever happens.
    let tag = format!("rnode-{}", std::process::id());
    for (context, name) in [
        (images::pause_context()?, config::sandbox_image()),
        (images::busybox_context()?, APP_IMAGE.to_string()),
    ] {
        let repo = name.split(':').next().unwrap_or_default().to_string();
        let built = format!("{repo}:{tag}");
        let tarball = instance.layout.dir.join(format!("{tag}.tar"));
        images::docker_build_and_save(&context, &built, &tarball)?;
        instance.import(&tarball, &built, &name)?;
        let _ = std::fs::remove_file(&tarball);
    }
    Ok((instance, pause_bytes))
}

/// The node, or `None` (skipped, with the reason) when a prerequisite is
/// missing; under `PAUSE_BOOK_STRICT=1` a missing one fails the test.
/// Tests hold the lock while they run, so they do not see each other's pods.
pub fn node() -> Option<MutexGuard<'static, Node>> {
    let node = NODE.get_or_init(|| {
        // SAFETY: registering a plain extern "C" fn with atexit.
        unsafe { libc::atexit(stop_at_exit) };
        start().map(Mutex::new)
    });
    let node = testkit::require("containerd (CRI)", node.as_ref().map_err(Clone::clone))?;
    Some(node.lock().unwrap_or_else(|e| e.into_inner()))
}

/// A pod that is stopped and removed when dropped, also after a panic.
pub struct Pod<'a> {
    pub id: String,
    pub spec: PodSpec,
    cri: &'a mut Cri,
}

impl<'a> Pod<'a> {
    pub fn run(cri: &'a mut Cri, spec: PodSpec) -> Pod<'a> {
        let id = cri
            .run_pod_sandbox(&spec.sandbox_config())
            .unwrap_or_else(|e| panic!("{e}"));
        Pod { id, spec, cri }
    }

    pub fn cri(&mut self) -> &mut Cri {
        self.cri
    }

    /// Starts an app container in the pod; returns its ID.
    pub fn container(&mut self, name: &str, image: &str, command: &[&str]) -> String {
        let config = self.spec.container_config(name, image, command);
        self.cri
            .run_container(&self.id, &config, &self.spec.sandbox_config())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The sandbox's verbose info (containerd: pid, runtimeSpec, ...).
    pub fn info(&mut self) -> serde_json::Value {
        let status = self.cri.pod_sandbox_status(&self.id, true).unwrap();
        real_node::cri::verbose_info(&status.info)
    }

    /// The host PID of the sandbox process (pause).
    pub fn sandbox_pid(&mut self) -> i32 {
        let info = self.info();
        real_node::inspect::sandbox_pid(&info)
            .unwrap_or_else(|| panic!("the runtime reports no sandbox pid: {info}"))
    }
}

impl Drop for Pod<'_> {
    fn drop(&mut self) {
        let _ = self.cri.remove_pod_sandbox(&self.id);
    }
}

/// The host PID of a container, from its verbose status.
pub fn container_pid(cri: &mut Cri, id: &str) -> i32 {
    let status = cri.container_status(id).unwrap();
    let info = real_node::cri::verbose_info(&status.info);
    real_node::inspect::sandbox_pid(&info).unwrap_or_else(|| panic!("no pid in {info}"))
}

pub const TIMEOUT: Duration = Duration::from_secs(20);
