//! The image `cargo xtask pause-image` builds: FROM scratch, one file `/pause`,
//! `ENTRYPOINT ["/pause"]`, `USER 65535:65535`, and a pause that works in it.
//!
//! The test tags the image under a name of its own and removes that tag at
//! the end (tests clean up what they tag); the image itself stays when it is
//! also tagged `pause-rs:<version>`, which belongs to whoever built it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use nix::sys::signal::Signal;

/// `docker args...` must succeed; returns its trimmed stdout.
fn docker_ok(args: &[&str]) -> String {
    testkit::docker::docker(args)
        .unwrap_or_else(|e| panic!("{e}"))
        .trim()
        .to_string()
}

/// Removes, on drop, the image tag or container it names.
struct Cleanup(&'static str, String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = testkit::docker::docker([self.0, "-f", &self.1]);
    }
}

/// Runs `cargo xtask pause-image --tag <tag>` in a target directory of its own.
fn build_image(tag: &str) {
    let root = testkit::workspace_root();
    let out = testkit::run::cargo()
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", root.join("target/lab-bins"))
        .args([
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "pause-image",
            "--tag",
            tag,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo xtask image failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn from_scratch_only_pause_runs_as_pid_1_and_uid_65535() {
    if testkit::require("Docker", testkit::docker::engine().map_err(String::from)).is_none() {
        return;
    }
    let me = std::process::id();
    let tag = format!("pause-rs-test-{me}:{}", pause::VERSION);
    let _untag = Cleanup("rmi", tag.clone());
    build_image(&tag);

    // `-v` through the entrypoint.
    let version = docker_ok(&[
        "run",
        "--rm",
        "--name",
        &format!("pause-rs-v-{me}"),
        &tag,
        "-v",
    ]);
    assert_eq!(version, format!("pause.rs {}", pause::VERSION));

    // The configuration: user, entrypoint, one layer.
    let config = docker_ok(&[
        "image",
        "inspect",
        &tag,
        "--format",
        "{{json .Config.User}} {{json .Config.Entrypoint}} {{len .RootFS.Layers}}",
    ]);
    assert_eq!(config, r#""65535:65535" ["/pause"] 1"#);

    // The one layer holds one file: pause.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("image-{me}"));
    let _dir = RemoveDir(dir.clone());
    std::fs::create_dir_all(&dir).unwrap();
    let tar = dir.join("image.tar");
    docker_ok(&["save", "--output", tar.to_str().unwrap(), &tag]);
    let untar = Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .arg("-C")
        .arg(&dir)
        .status();
    assert!(untar.unwrap().success());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let layers = manifest[0]["Layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1, "{manifest}");
    let listing = Command::new("tar")
        .arg("-tf")
        .arg(dir.join(layers[0].as_str().unwrap()))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&listing.stdout), "pause\n");

    // A container of it: pause is PID 1, runs as 65535, stops at once.
    let name = format!("pause-rs-run-{me}");
    let _container = Cleanup("rm", name.clone());
    docker_ok(&["run", "--detach", "--name", &name, &tag]);
    let pid: i32 = docker_ok(&["inspect", "--format", "{{.State.Pid}}", &name])
        .parse()
        .unwrap();
    let handled = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGCHLD];
    nsproc::wait_for_handlers(pid, &handled, Duration::from_secs(10)).unwrap();
    let status = nsproc::procfs::status(pid).unwrap();
    assert_eq!(status.pid_in_own_namespace(), Some(1));
    let proc_status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let uid = proc_status.lines().find_map(|l| l.strip_prefix("Uid:"));
    let real_uid = uid.and_then(|ids| ids.split_whitespace().next());
    assert_eq!(real_uid, Some("65535"), "pause runs as {uid:?}");
    // docker stop sends SIGTERM; pause exits 0 at once (no 10 s SIGKILL).
    docker_ok(&["stop", "--time", "10", &name]);
    let exit = docker_ok(&["inspect", "--format", "{{.State.ExitCode}}", &name]);
    assert_eq!(exit, "0");
    // `docker logs` replays the container's stderr on its own stderr.
    let logs = Command::new("docker")
        .args(["logs", &name])
        .output()
        .unwrap_or_else(|e| panic!("cannot run docker: {e}"));
    assert_eq!(
        String::from_utf8_lossy(&logs.stderr),
        "Shutting down, got signal: Terminated\n"
    );
}

struct RemoveDir(PathBuf);

impl Drop for RemoveDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
