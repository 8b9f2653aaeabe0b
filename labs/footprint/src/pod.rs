//! A pod's start, against util-linux in the same run: `setns-demo run`
//! until it returns (pause ready, veth, state written) against `unshare
//! --fork` starting the same pause in the same five new namespaces until
//! pause has its handlers; and `setns-demo exec NAME -- /bin/true` against
//! `nsenter` making the same joins. Each pair takes turns within a run, so
//! drift hits both alike; medians of `runs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use nix::sys::signal::Signal;
use nsproc::procfs;
use serde::{Deserialize, Serialize};

use crate::stats::Spread;

const BOUND: Duration = Duration::from_secs(10);
/// The pods' address range here: out of the way of the lab's default.
const SUBNET: &str = "10.214.0.0/24";

/// The four series.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PodStart {
    pub run_us: Spread,
    pub unshare_us: Spread,
    pub exec_us: Spread,
    pub nsenter_us: Spread,
}

impl PodStart {
    pub fn run_ratio(&self) -> f64 {
        self.run_us.median / self.unshare_us.median
    }

    pub fn exec_ratio(&self) -> f64 {
        self.exec_us.median / self.nsenter_us.median
    }
}

/// `setns-demo` built static (`testkit::bins::STATIC_RUSTFLAGS`), as a tool
/// copied onto a node would be, by a nested cargo (a no-op when fresh).
/// Linked dynamically, loading libc and libgcc_s at every start made `exec`
/// about 1.2 times `nsenter` on a quiet machine; static, the two are even.
pub fn build_setns_demo() -> anyhow::Result<PathBuf> {
    testkit::workspace_static_binary("setns-demo", "setns-demo")
        .context("setns-demo did not build static (see the cargo error above)")
}

/// Measures `runs` rounds of each pair; `work` holds the pods' state.
pub fn measure(
    setns_demo: &Path,
    pause: &Path,
    work: &Path,
    runs: usize,
) -> anyhow::Result<PodStart> {
    for tool in ["unshare", "nsenter"] {
        testkit::run::on_path(tool, "util-linux")?;
    }
    ensure!(
        nix::unistd::geteuid().is_root(),
        "a pod with a veth needs root: run the benchmark as root"
    );
    // Absolute: it is the pods' marker too (setns-demo's `discover`).
    let state = std::path::absolute(work.join("pod-state"))
        .with_context(|| format!("cannot make {} absolute", work.display()))?;
    let _ = std::fs::remove_dir_all(&state);
    let demo = |args: &[&str]| {
        let mut command = Command::new(setns_demo);
        command
            .env("SETNS_DEMO_STATE_DIR", &state)
            .env("SETNS_DEMO_SUBNET", SUBNET)
            .arg("--pause")
            .arg(pause)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    };
    let succeed = |command: &mut Command| -> anyhow::Result<()> {
        testkit::run::output_of(command)?;
        Ok(())
    };
    let name = format!("bench-{}", std::process::id());

    let (mut run, mut unshare) = (Vec::new(), Vec::new());
    for round in 1..=runs {
        eprint!("\r      run {round}/{runs}");
        let started = Instant::now();
        let made = succeed(demo(&["run", &name]).arg("--hostname").arg("bench"));
        let took = started.elapsed();
        let removed = succeed(&mut demo(&["rm", &name]));
        made?;
        removed?;
        run.push(took);
        unshare.push(unshare_pause(pause)?);
    }
    eprintln!();

    succeed(&mut demo(&["run", &name]))?;
    let timed = (|| {
        let pause_pid = pause_of(&state.join(&name))?;
        let (mut exec, mut nsenter) = (Vec::new(), Vec::new());
        for round in 1..=runs {
            eprint!("\r      exec {round}/{runs}");
            let started = Instant::now();
            succeed(&mut demo(&["exec", &name, "--", "/bin/true"]))?;
            exec.push(started.elapsed());
            let started = Instant::now();
            succeed(
                Command::new("nsenter")
                    .args(["-t", &pause_pid.to_string(), "-n", "-i", "-u", "-p"])
                    .arg("/bin/true"),
            )?;
            nsenter.push(started.elapsed());
        }
        eprintln!();
        anyhow::Ok((exec, nsenter))
    })();
    let removed = succeed(&mut demo(&["rm", &name]));
    let (exec, nsenter) = timed?;
    removed?;
    let _ = std::fs::remove_dir_all(&state);
    let spread = |samples: &[Duration]| {
        let us: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
        Spread::of(&us).context("no samples: ask for one run or more")
    };
    Ok(PodStart {
        run_us: spread(&run)?,
        unshare_us: spread(&unshare)?,
        exec_us: spread(&exec)?,
        nsenter_us: spread(&nsenter)?,
    })
}

/// pause's host PID, from the pod's state.
fn pause_of(dir: &Path) -> anyhow::Result<i32> {
    let path = dir.join("state.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the pod's state {}", path.display()))?;
    let state: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    state["pause"]["pid"]
        .as_i64()
        .map(|pid| pid as i32)
        .with_context(|| format!("no pause PID (pause.pid) in {}", path.display()))
}

/// `unshare --fork` starting pause in new net, ipc, uts, pid and mount
/// namespaces: the time until pause has its three handlers (spinning on
/// /proc, as the start-up figures above). Both are then stopped, untimed.
fn unshare_pause(pause: &Path) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut child = Command::new("unshare")
        .args([
            "--net",
            "--ipc",
            "--uts",
            "--pid",
            "--mount",
            "--fork",
            "--kill-child",
        ])
        .arg(pause)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot run unshare")?;
    let id = child.id() as i32;
    let ready = loop {
        let pause_pid = crate::measure::children(id).first().copied();
        if let Some(pid) = pause_pid
            && procfs::status(pid).is_ok_and(|s| {
                [Signal::SIGTERM, Signal::SIGINT, Signal::SIGCHLD]
                    .iter()
                    .all(|&signal| s.catches(signal))
            })
        {
            break Ok(started.elapsed());
        }
        if started.elapsed() > BOUND {
            break Err(anyhow::anyhow!(
                "pause under unshare not ready after {BOUND:?}"
            ));
        }
        std::hint::spin_loop();
    };
    // --kill-child: pause goes with unshare.
    let _ = child.kill();
    let _ = child.wait();
    ready
}
