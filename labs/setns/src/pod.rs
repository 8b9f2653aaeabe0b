//! Making and unmaking a pod: `run` starts pause in new namespaces and
//! dresses them (hostname, network, forwarder); `rm` undoes all of it.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::sys::signal::Signal;

use crate::error::{Error, Result};
use crate::process::ProcessId;
use crate::state::{self, PodNamespaces, PodState, Publish};
use crate::{forward, join, network, views};
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
    let listeners = forward::bind_all(&request.publish)?;
    let _lock = state::lock()?;
    let dir = state::create(&request.name)?;
    let mut pod = PodState {
        name: request.name.clone(),
        hostname,
        rootless: !nix::unistd::geteuid().is_root(),
        publish: request.publish.clone(),
        ..PodState::default()
    };
    match build(&mut pod, &request, listeners, &dir) {
        Ok(()) => Ok(pod),
        Err(err) => {
            teardown(&pod);
            let _ = state::remove(&pod.name);
            Err(err)
        }
    }
}

fn build(
    pod: &mut PodState,
    request: &RunRequest,
    listeners: Vec<std::net::TcpListener>,
    dir: &Path,
) -> Result<()> {
    // ANCHOR: spawn_pause
    // pause is born as PID 1 of new net, ipc, uts and pid namespaces (and,
    // rootless, of a user namespace mapping us to root). It creates none of
    // them: we do, with clone(2); pause only keeps them alive. It also gets a
    // mount namespace, as under runc, which no member will join.
    let child = NsCommand::new(&request.pause)
        .namespaces(&[
            NsKind::Net,
            NsKind::Ipc,
            NsKind::Uts,
            NsKind::Pid,
            NsKind::Mnt,
        ])
        .stdin(Stdio::Null)
        .stdout(Stdio::Null)
        .stderr(Stdio::Null)
        .spawn()
        .map_err(|e| Error::new(format!("{e}; point --pause at a pause binary")))?;
    let pause = child.pid();
    // The pod outlives this command: do not let the handle kill pause.
    std::mem::forget(child);
    pod.pause = ProcessId::of(pause);
    // Ready once its handlers are in place: a SIGTERM sent earlier would be lost.
    let signals = [Signal::SIGTERM, Signal::SIGINT, Signal::SIGCHLD];
    nsproc::wait_for_handlers(pause, &signals, Duration::from_secs(5))
        .map_err(|e| Error::new(format!("pause did not become ready: {e}")))?;
    // ANCHOR_END: spawn_pause
    pod.namespaces = Some(PodNamespaces {
        net: ns_inode(pause, NsKind::Net)?,
        ipc: ns_inode(pause, NsKind::Ipc)?,
        uts: ns_inode(pause, NsKind::Uts)?,
        pid: ns_inode(pause, NsKind::Pid)?,
    });
    state::save(pod)?;

    set_hostname(pause, &pod.hostname)?;
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
        network::create_veth(&net, pause)?;
    }
    if !listeners.is_empty() {
        let log = dir.join("forward.log");
        pod.forwarder = Some(forward::spawn(pause, listeners, &pod.publish, &log)?);
    }
    state::save(pod)
}

/// Sets the hostname of the pod's UTS namespace from a forked child that
/// joins it (a user namespace can only be joined single-threaded).
fn set_hostname(pause: i32, hostname: &str) -> Result<()> {
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
                _ => Err(Error::new(format!(
                    "could not set the pod's hostname to {hostname:?}"
                ))),
            }
        }
        Err(e) => Err(Error::new(format!("could not fork: {e}"))),
    }
}

// ANCHOR: teardown
/// Unmakes a pod, in the order a runtime would: stop the forwarder, delete
/// the veth pair, kill members in PID namespaces of their own (pause's end
/// does not reach them), then SIGTERM pause: the kernel kills every process
/// left in its PID namespace, and the namespaces go with their last process.
pub fn teardown(pod: &PodState) {
    if let Some(forwarder) = pod.forwarder {
        forwarder.stop(Duration::from_secs(2));
    }
    if let Some(net) = &pod.network {
        network::delete_veth(&net.host_if);
    }
    let members = pod
        .namespaces
        .map(|ns| views::members(&ns))
        .unwrap_or_default();
    for member in members.iter().filter(|m| !m.in_pod_pid_namespace) {
        if member.pid_in_namespace == Some(1) {
            member.id.signal(Signal::SIGKILL);
        }
    }
    if let Some(pause) = pod.pause {
        pause.stop(Duration::from_secs(5));
    }
    for member in &members {
        if !member.id.wait_dead(Duration::from_secs(2)) {
            member.id.signal(Signal::SIGKILL);
        }
    }
}
// ANCHOR_END: teardown

/// `setns-demo rm NAME`.
pub fn remove(name: &str) -> Result<()> {
    state::validate_name(name)?;
    let _lock = state::lock()?;
    let dir = state::pod_dir(name)?;
    match state::load(name) {
        Ok(pod) => teardown(&pod),
        // A pod whose `run` died before writing its state: only the directory is left.
        Err(_) if dir.is_dir() && !dir.join("state.json").exists() => {}
        Err(err) => return Err(err),
    }
    state::remove(name)
}
