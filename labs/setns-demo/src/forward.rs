//! `--publish HOST_PORT:POD_PORT` without iptables: a small daemon listens
//! on the host port and, for each connection, connects to 127.0.0.1:POD_PORT
//! with a socket created inside the pod's network namespace. A socket stays
//! in the namespace it was created in, so the daemon binds its listeners on
//! the host first, then joins the pod's network namespace for good.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::fcntl::{FcntlArg, FdFlag, fcntl};

use crate::error::{Error, Result};
use crate::join;
use crate::process::ProcessId;
use crate::state::Publish;
use nsproc::{NsKind, ns_inode};

/// Binds every host listener now, so that a taken port fails `run` before
/// anything else is made.
pub fn bind_all(publish: &[Publish]) -> Result<Vec<TcpListener>> {
    publish
        .iter()
        .map(|p| {
            TcpListener::bind(SocketAddr::from((p.host_ip, p.host_port))).map_err(|e| {
                Error::new(format!(
                    "cannot listen on host port {}:{} for --publish {p}: {e}; pick another \
                     HOST_PORT",
                    p.host_ip, p.host_port
                ))
            })
        })
        .collect()
}

/// Starts the forwarder daemon (`setns-demo forward`) with the listeners,
/// its output going to `log`; returns once it has joined the pod's network
/// namespace.
pub fn spawn(
    pause: i32,
    listeners: Vec<TcpListener>,
    publish: &[Publish],
    log: &Path,
) -> Result<ProcessId> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::new(format!("could not find our own executable: {e}")))?;
    let log_file = crate::files::open_append(log)?;
    let mut command = Command::new(exe);
    command
        .arg("forward")
        .arg(pause.to_string())
        .stdin(Stdio::null())
        .stdout(
            log_file
                .try_clone()
                .map_err(|e| Error::new(e.to_string()))?,
        )
        .stderr(log_file);
    let fds: Vec<RawFd> = listeners.iter().map(|l| l.as_raw_fd()).collect();
    for (fd, p) in fds.iter().zip(publish) {
        command.arg(format!("{fd}:{}", p.pod_port));
    }
    // SAFETY: only fcntl and setsid, both async-signal-safe.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(move || {
            libc::setsid();
            for &fd in &fds {
                // Let the listener survive execve: clear its close-on-exec flag.
                if libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let child = command
        .spawn()
        .map_err(|e| Error::new(format!("could not start the forwarder: {e}")))?;
    drop(listeners);
    let id = ProcessId::of(child.id() as i32)
        .ok_or_else(|| Error::new("the forwarder exited at once"))?;
    let pod_net = ns_inode(pause, NsKind::Net)?;
    let joined = nsproc::wait_until(Duration::from_secs(5), "the forwarder", || {
        if !id.is_alive() {
            return Some(false);
        }
        (ns_inode(id.pid, NsKind::Net).ok() == Some(pod_net)).then_some(true)
    });
    if !matches!(joined, Ok(true)) {
        id.stop(Duration::from_secs(1));
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        return Err(Error::new(format!(
            "the forwarder did not start: {}",
            if lines.is_empty() {
                "it printed nothing".into()
            } else {
                lines.join(" | ")
            }
        )));
    }
    Ok(id)
}

// ANCHOR: serve
/// The forwarder daemon: `listeners` are (inherited fd, pod port) pairs.
pub fn serve(pause: i32, listeners: &[(RawFd, u16)]) -> Result<()> {
    let mut bound = Vec::new();
    for &(fd, pod_port) in listeners {
        // Refuse a descriptor that is not open (not handed to us by `run`).
        // SAFETY: F_GETFD only reads the descriptor's flags.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
            return Err(Error::new(format!(
                "fd {fd} is not open: run this only through `run`"
            )));
        }
        // SAFETY: the fd was handed to us by `run`, and is ours alone now.
        let listener = unsafe { TcpListener::from_raw_fd(fd) };
        let _ = fcntl(&listener, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC));
        bound.push((listener, pod_port));
    }
    let pause_exit = pidfd_open(pause)?;
    // Still single-threaded: join the pod's network namespace (and its user
    // namespace, for a rootless pod). Every socket made from now on, by any
    // thread we start, lives in the pod.
    join::open(pause, &[NsKind::Net])?
        .enter()
        .map_err(|e| Error::new(format!("could not join the pod's network namespace: {e}")))?;
    for (listener, pod_port) in bound {
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                std::thread::spawn(move || relay(client, pod_port));
            }
        });
    }
    // The pod's network goes when pause goes: so do we.
    let mut poll = libc::pollfd {
        fd: pause_exit.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    while unsafe { libc::poll(&mut poll, 1, -1) } <= 0 {}
    Ok(())
}

/// Copies bytes both ways between a host client and the pod's port.
fn relay(client: TcpStream, pod_port: u16) {
    let upstream = match TcpStream::connect((Ipv4Addr::LOCALHOST, pod_port)) {
        Ok(upstream) => upstream,
        Err(e) => {
            eprintln!("setns-demo forward: connect to 127.0.0.1:{pod_port} in the pod: {e}");
            return;
        }
    };
    let (Ok(mut client_in), Ok(mut upstream_out)) = (client.try_clone(), upstream.try_clone())
    else {
        return;
    };
    let upload = std::thread::spawn(move || {
        copy(&mut client_in, &mut upstream_out);
        let _ = upstream_out.shutdown(Shutdown::Write);
    });
    let (mut upstream_in, mut client_out) = (upstream, client);
    copy(&mut upstream_in, &mut client_out);
    let _ = client_out.shutdown(Shutdown::Write);
    let _ = upload.join();
}
// ANCHOR_END: serve

fn copy(from: &mut TcpStream, to: &mut TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
}

/// A descriptor that becomes readable when process `pid` exits.
fn pidfd_open(pid: i32) -> Result<OwnedFd> {
    // SAFETY: pidfd_open takes a PID and flags and returns a new fd.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(Error::new(format!(
            "could not watch pause (PID {pid}): {}",
            std::io::Error::last_os_error()
        )));
    }
    // SAFETY: a fresh descriptor owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Parses the forwarder's `FD:POD_PORT` arguments.
pub fn parse_listener(text: &str) -> Result<(RawFd, u16)> {
    let bad = || {
        Error::new(format!(
            "bad forwarder argument {text:?}: expected FD:POD_PORT"
        ))
    };
    let (fd, port) = text.split_once(':').ok_or_else(bad)?;
    Ok((
        fd.parse().map_err(|_| bad())?,
        port.parse().map_err(|_| bad())?,
    ))
}
