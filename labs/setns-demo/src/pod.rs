//! Making and unmaking a pod: `run` starts pause in new namespaces and
//! dresses them (hostname, network, forwarder); `rm` undoes all of it.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::sys::signal::Signal;

use crate::discover::{self, Found};
use crate::error::{Error, Result};
use crate::process::ProcessId;
use crate::state::{self, PodNamespaces, PodState, Publish};
use crate::{forward, join, network};
use nsproc::{NsCommand, NsKind, Stdio, ns_inode};

/// What `setns-demo run` was asked for.
pub struct RunRequest {
    pub name: String,
    pub hostname: Option<String>,
    pub publish: Vec<Publish>,
    pub subnet: network::Subnet,
    pub pause: PathBuf,
}

/// Parses `[HOST_IP:]HOST_PORT:POD_PORT`; the host IP defaults to 127.0.0.1.
pub fn parse_publish(text: &str) -> Result<Publish> {
    let bad = |why: &str| {
        Error::new(format!(
            "invalid --publish {text:?}: {why}; use [HOST_IP:]HOST_PORT:POD_PORT, e.g. 8880:80"
        ))
    };
    let parts: Vec<&str> = text.split(':').collect();
    let (host_ip, host_port, pod_port) = match parts.as_slice() {
        [host, pod] => (Ipv4Addr::LOCALHOST, *host, *pod),
        [ip, host, pod] => (ip.parse().map_err(|_| bad("bad host IP"))?, *host, *pod),
        _ => return Err(bad("wrong number of ':'")),
    };
    let port = |p: &str| match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad("ports are numbers from 1 to 65535")),
        Ok(port) => Ok(port),
    };
    Ok(Publish {
        host_ip,
        host_port: port(host_port)?,
        pod_port: port(pod_port)?,
    })
}

/// Checks a hostname the way the kernel and resolvers will accept it.
pub fn validate_hostname(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !name.starts_with(['-', '.']);
    if ok {
        Ok(())
    } else {
        Err(Error::new(format!(
            "invalid hostname {name:?}: use 1 to 63 letters, digits, '-' or '.'"
        )))
    }
}

/// Starts a pod; on any failure, whatever was made is unmade.
pub fn run(request: RunRequest) -> Result<PodState> {
    state::validate_name(&request.name)?;
    // By default the pod's name, made a valid hostname ('_' is not allowed).
    let hostname = request
        .hostname
        .clone()
        .unwrap_or_else(|| request.name.replace('_', "-"));
    validate_hostname(&hostname)?;
    let rootless = !nix::unistd::geteuid().is_root();
    if !rootless {
        network::check_host_overlap(&request.subnet)?;
    }
    let listeners = forward::bind_all(&request.publish)?;
    let _lock = state::lock()?;
    let dir = state::create(&request.name)?;
    let mut pod = PodState {
        name: request.name.clone(),
        hostname,
        rootless,
        publish: request.publish.clone(),
        ..PodState::default()
    };
    progress("created");
    // Written before anything is started, and again after every step: a
    // `run` killed at any point leaves a pod that `rm` can find and remove.
    let built = state::save(&pod).and_then(|()| build(&mut pod, &request, listeners, &dir));
    match built {
        Ok(()) => Ok(pod),
        Err(err) => {
            teardown(&discover::find(&pod.name, Some(&pod)));
            let _ = state::remove(&pod.name);
            Err(err)
        }
    }
}

/// A test hook: with `$SETNS_DEMO_PROGRESS` set to a file, `run` appends
/// the name of each step it has finished, so a test can kill it at any step.
fn progress(step: &str) {
    if let Some(path) = std::env::var_os("SETNS_DEMO_PROGRESS") {
        use std::io::Write;
        if let Ok(mut file) = crate::files::open_append(Path::new(&path)) {
            let _ = writeln!(file, "{step}");
        }
    }
}

fn build(
    pod: &mut PodState,
    request: &RunRequest,
    listeners: Vec<std::net::TcpListener>,
    dir: &Path,
) -> Result<()> {
    // Marks pause and the forwarder as this pod's (see `discover`).
    // SAFETY: the CLI is single-threaded here: nothing reads the environment
    // while it changes.
    unsafe { std::env::set_var(state::POD_MARKER_ENV, dir) };
    // ANCHOR: spawn_pause
    // pause is born as PID 1 of new net, ipc, uts and pid namespaces (and,
    // rootless, of a user namespace mapping us to root). It creates none of
    // them: we do, with clone(2); pause only keeps them alive. It also gets a
    // mount namespace, as under runc, which no member will join, and a
    // session of its own, so that Ctrl-C in our shell does not reach it.
    let child = NsCommand::new(&request.pause)
        .namespaces(&[
            NsKind::Net,
            NsKind::Ipc,
            NsKind::Uts,
            NsKind::Pid,
            NsKind::Mnt,
        ])
        .new_session(true)
        .stdin(Stdio::Null)
        .stdout(Stdio::Null)
        .stderr(Stdio::Null)
        .spawn()
        .map_err(|e| Error::new(format!("{e}; point --pause at a pause binary")))?;
    let pause = child.pid();
    // The pod outlives this command: do not let the handle kill pause.
    std::mem::forget(child);
    pod.pause = ProcessId::of(pause);
    // Recorded at once, before anything that can wait or fail.
    state::save(pod)?;
    progress("pause");
    // Ready once its handlers are in place: a SIGTERM sent earlier would be lost.
    wait_ready(pause, Duration::from_secs(5))?;
    // ANCHOR_END: spawn_pause
    pod.namespaces = Some(PodNamespaces {
        net: ns_inode(pause, NsKind::Net)?,
        ipc: ns_inode(pause, NsKind::Ipc)?,
        uts: ns_inode(pause, NsKind::Uts)?,
        pid: ns_inode(pause, NsKind::Pid)?,
    });
    // Saved with the address below (as root) or at the end: what `rm`
    // needs, pause, is in the state already and carries the pod's marker.
    progress("namespaces");

    set_hostname(pause, &pod.hostname, pod.rootless)?;
    progress("hostname");
    if pod.rootless {
        network::loopback_up(pause)?;
    } else {
        let taken: Vec<Ipv4Addr> = state::names()
            .iter()
            .filter_map(|name| state::load(name).ok()?.network.map(|n| n.pod_ip))
            .collect();
        let net = request.subnet.allocate(&taken)?;
        // Recorded before it exists, so that a failure below still removes it.
        pod.network = Some(net.clone());
        state::save(pod)?;
        progress("address");
        network::create_veth(&net, pause)?;
    }
    progress("network");
    if !listeners.is_empty() {
        let log = dir.join("forward.log");
        pod.forwarder = Some(forward::spawn(pause, listeners, &pod.publish, &log)?);
        state::save(pod)?;
        progress("forwarder");
    }
    pod.ready = true;
    state::save(pod)
}

/// How long [`wait_ready`] spins before it starts sleeping between looks.
const SPIN: Duration = Duration::from_millis(50);

/// Waits until pause has handlers for SIGTERM, SIGINT and SIGCHLD (its
/// `SigCgt` in /proc/PID/status). pause has no way to say it is ready, and
/// the kernel no event for it, so we look: back to back, yielding the CPU
/// between looks, for the fraction of a millisecond pause takes to start;
/// only a pause slower than [`SPIN`] is then looked at every few
/// milliseconds, until `timeout`. A pause that exits is reported at once.
fn wait_ready(pause: i32, timeout: Duration) -> Result<()> {
    let signals = [Signal::SIGTERM, Signal::SIGINT, Signal::SIGCHLD];
    let started = std::time::Instant::now();
    let mut interval = Duration::from_millis(1);
    loop {
        match nsproc::procfs::status(pause) {
            Ok(status) if signals.iter().all(|&s| status.catches(s)) => return Ok(()),
            Ok(status) if status.state != 'Z' && status.state != 'X' => {}
            _ => {
                return Err(Error::new(format!(
                    "pause did not become ready: process {pause} exited before it installed                      handlers for SIGTERM, SIGINT and SIGCHLD; point --pause at a pause binary"
                )));
            }
        }
        let waited = started.elapsed();
        if waited >= timeout {
            return Err(Error::new(format!(
                "pause did not become ready: process {pause} installed no handlers for                  SIGTERM, SIGINT and SIGCHLD within {timeout:?}; point --pause at a pause binary"
            )));
        }
        if waited < SPIN {
            std::thread::yield_now();
        } else {
            std::thread::sleep(interval);
            interval = (interval * 2).min(Duration::from_millis(20));
        }
    }
}

/// Sets the hostname of the pod's UTS namespace. As root, this thread
/// visits the namespace ([`crate::visit`]); rootless, a forked child joins
/// the pod's user namespace first, which a thread can do only once and for
/// good.
fn set_hostname(pause: i32, hostname: &str, rootless: bool) -> Result<()> {
    let failed = |e: &dyn std::fmt::Display| {
        Error::new(format!(
            "could not set the pod's hostname to {hostname:?}: {e}"
        ))
    };
    if !rootless {
        let path = format!("/proc/{pause}/ns/uts");
        let target = std::fs::File::open(&path).map_err(|e| {
            Error::new(format!(
                "could not open {path} (the uts namespace of pause): {e}; is the pod running?"
            ))
        })?;
        return crate::visit::visit(&target, NsKind::Uts, || {
            nix::unistd::sethostname(hostname).map_err(|e| failed(&e))
        });
    }
    let joins = join::open(pause, &[NsKind::Uts])?;
    // SAFETY: single-threaded; the child only joins, sets and exits.
    match unsafe { nix::unistd::fork() } {
        Ok(nix::unistd::ForkResult::Child) => {
            let ok = joins.enter().is_ok() && nix::unistd::sethostname(hostname).is_ok();
            // SAFETY: leave the child at once, without running destructors.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) }
        }
        Ok(nix::unistd::ForkResult::Parent { child }) => {
            match nix::sys::wait::waitpid(child, None) {
                Ok(nix::sys::wait::WaitStatus::Exited(_, 0)) => Ok(()),
                _ => Err(failed(&"the child that joined the pod failed")),
            }
        }
        Err(e) => Err(Error::new(format!("could not fork: {e}"))),
    }
}

// ANCHOR: teardown
/// Unmakes a pod from what was proven to be its own, in the order a
/// runtime would: stop the forwarder, delete the veth pair, kill members in
/// PID namespaces of their own (pause's end does not reach them), then
/// SIGTERM pause: the kernel kills every process left in its PID namespace,
/// and the namespaces go with their last process.
pub fn teardown(found: &Found) {
    for forwarder in &found.forwarders {
        forwarder.stop(Duration::from_secs(2));
    }
    for (_, index) in &found.veths {
        let _ = network::delete_link(*index);
    }
    for member in found.members.iter().filter(|m| m.own_pid_namespace_init) {
        member.id.signal(Signal::SIGKILL);
    }
    for pause in &found.pauses {
        pause.stop(Duration::from_secs(5));
    }
    for member in &found.members {
        if !member.id.wait_dead(Duration::from_secs(2)) {
            member.id.signal(Signal::SIGKILL);
        }
    }
}
// ANCHOR_END: teardown

/// What `rm` did beyond the ordinary.
#[derive(Debug, Default)]
pub struct Removal {
    /// Said on stdout: how a pod with a lost or damaged state was found.
    pub found: Vec<String>,
    /// Said on stderr (and `rm` fails): what may be left, and why.
    pub left: Vec<String>,
}

/// `setns-demo rm NAME`: removes what it can prove is the pod's, whatever
/// shape its state is in, and says what it could not.
pub fn remove(name: &str) -> Result<Removal> {
    state::validate_name(name)?;
    let _lock = state::lock()?;
    let dir = state::pod_dir(name)?;
    let mut removal = Removal::default();
    let loaded = state::load(name);
    let pod = loaded.as_ref().ok();
    let found = discover::find(name, pod);
    let has_state = dir.join("state.json").exists();
    match &loaded {
        Err(_) if !dir.exists() && found.pauses.is_empty() && found.forwarders.is_empty() => {
            return Err(Error::new(format!(
                "no pod named {name:?}: list pods with `setns-demo ls`"
            )));
        }
        Err(err) if has_state => removal
            .found
            .push(format!("{err}: removing what it can find")),
        Err(_) if !found.pauses.is_empty() || !found.forwarders.is_empty() => {
            removal.found.push(format!(
                "the state of pod {name:?} is missing: removing what it can find"
            ));
        }
        _ => {}
    }
    if pod.is_none() {
        for p in found.pauses.iter().chain(&found.forwarders) {
            removal.found.push(format!(
                "found PID {} ({}) by its marker",
                p.pid,
                crate::process::command_line(p.pid)
            ));
        }
        for (veth, _) in &found.veths {
            removal.found.push(format!("found veth {veth} by its peer"));
        }
    }
    teardown(&found);
    removal.left.extend(found.notes.iter().cloned());
    if let Some(host_if) = &found.unproven_interface {
        // With pause gone its network namespace ends, and the veth with it,
        // unless something else holds the namespace.
        let gone = nsproc::wait_until(Duration::from_secs(2), "the veth to go", || {
            (!network::interface_exists(host_if)).then_some(())
        });
        if gone.is_err() {
            removal.left.push(format!(
                "interface {host_if:?} left alone: pause is gone, so nothing proves it is this \
                 pod's (something else holds its peer's network namespace); delete it yourself \
                 if it is"
            ));
        }
    }
    state::remove(name)?;
    Ok(removal)
}
