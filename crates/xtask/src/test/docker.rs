//! A Docker engine for the tests: the running one, or dockerd started here
//! (as root) and waited for until it answers.

use super::is_root;
use anyhow::Context;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long dockerd may take to answer `docker info` after it is started.
const DOCKER_READY_TIMEOUT: Duration = Duration::from_secs(90);

fn docker_answers() -> bool {
    Command::new("docker")
        .arg("info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts dockerd in the background (log: target/dockerd.log) unless Docker
/// already answers, and waits until it does.
pub fn ensure_docker(root: &Path) -> anyhow::Result<()> {
    if docker_answers() {
        eprintln!("xtask test: Docker engine: running");
        return Ok(());
    }
    anyhow::ensure!(
        is_root(),
        "Docker does not answer `docker info` for this user: start the engine \
         (`sudo systemctl start docker` or `sudo dockerd &`) and make sure this user may \
         use it (the `docker` group), or run `cargo xtask test` as root"
    );
    let dockerd =
        which::which("dockerd").context("dockerd not found: install Debian's docker.io package")?;
    let log_path = root.join("target").join("dockerd.log");
    std::fs::create_dir_all(root.join("target")).context("cannot create target/")?;
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("cannot create {}", log_path.display()))?;
    let log_err = log.try_clone().context("cannot share dockerd's log file")?;
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(dockerd)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        // Its own process group: it outlives this command, as a service.
        .process_group(0)
        .spawn()
        .context("cannot start dockerd")?;
    eprintln!(
        "xtask test: started dockerd (pid {}, log {}); waiting for it to answer",
        child.id(),
        log_path.display()
    );
    let deadline = Instant::now() + DOCKER_READY_TIMEOUT;
    loop {
        if docker_answers() {
            eprintln!("xtask test: Docker engine: ready");
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            anyhow::bail!(
                "dockerd exited ({status}) before it was ready; see {}",
                log_path.display()
            );
        }
        anyhow::ensure!(
            Instant::now() <= deadline,
            "dockerd did not answer `docker info` within {} s; see {}",
            DOCKER_READY_TIMEOUT.as_secs(),
            log_path.display()
        );
        // Polling readiness: `docker info` is the readiness signal.
        std::thread::sleep(Duration::from_millis(500));
    }
}
