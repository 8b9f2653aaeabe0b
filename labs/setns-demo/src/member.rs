//! Becoming a member of a pod, as `setns-demo exec` does: join pause's
//! namespaces, then fork ([`crate::pid_entry`]), because the program must be
//! *born* in the pod's PID namespace (or, without PID sharing, as PID 1 of
//! one of its own). The child also takes a mount namespace of its own,
//! where a fresh /proc shows its PID namespace: the mount namespace is never
//! shared in a pod.

use std::ffi::CString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::mount::{MsFlags, mount};
use nix::sched::{CloneFlags, unshare};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, pipe2, setsid};

use crate::error::{Error, Result};
use crate::join::Joins;
use crate::pid_entry::fork_inside;
use crate::process::ProcessId;

/// Where `exec`'s own failures exit, as with `docker exec`.
pub const EXIT_SETUP_FAILED: i32 = 125;
pub const EXIT_NOT_EXECUTABLE: i32 = 126;
pub const EXIT_NOT_FOUND: i32 = 127;

/// What a member runs and which namespaces it shares.
pub struct Member<'a> {
    pub joins: &'a Joins,
    /// Join pause's PID namespace (`shareProcessNamespace: true`), or be
    /// PID 1 of a PID namespace of one's own (Kubernetes' default).
    pub share_pid: bool,
    pub argv: &'a [String],
    /// The pod to record the member in (by PID and start time), so that
    /// `rm` finds it even after pause is gone.
    pub record_in: Option<&'a str>,
}

/// The steps of the child between fork and exec, reported on failure.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Step {
    MountNamespace = 1,
    PrivateMounts = 2,
    MountProc = 3,
    Exec = 4,
}

impl Member<'_> {
    /// Runs the program to its end with our stdin/stdout/stderr; returns its
    /// exit code (128 + N if signal N killed it).
    pub fn run(&self) -> Result<i32> {
        let child = self.start()?;
        Ok(wait_exit_code(child))
    }

    /// Starts the program in the background, its output appended to `log`;
    /// returns its host PID once it has called execve.
    pub fn run_detached(&self, log: &Path) -> Result<i32> {
        let log = crate::files::open_append(log)?;
        let (report_read, report_write) = pipe()?;
        // SAFETY: we are single-threaded (the CLI starts no threads).
        match unsafe { fork() }.map_err(|e| Error::new(format!("could not fork: {e}")))? {
            ForkResult::Child => {
                drop(report_read);
                let _ = setsid();
                let null = File::open("/dev/null").ok();
                // SAFETY: plain dup2 on descriptors we own.
                unsafe {
                    if let Some(null) = &null {
                        libc::dup2(null.as_raw_fd(), 0);
                    }
                    libc::dup2(log.as_raw_fd(), 1);
                    libc::dup2(log.as_raw_fd(), 2);
                }
                let mut report = File::from(report_write);
                match self.start() {
                    Ok(child) => {
                        let _ = writeln!(report, "{child}");
                        drop(report);
                        std::process::exit(wait_exit_code(child));
                    }
                    Err(err) => {
                        let _ = writeln!(report, "{}\t{err}", err.code);
                        std::process::exit(err.code);
                    }
                }
            }
            ForkResult::Parent { .. } => {
                drop(report_write);
                let mut text = String::new();
                let _ = File::from(report_read).read_to_string(&mut text);
                let text = text.trim();
                if let Ok(pid) = text.parse::<i32>() {
                    return Ok(pid);
                }
                let (code, message) = text.split_once('\t').unwrap_or(("125", text));
                Err(Error::new(message).with_code(code.parse().unwrap_or(EXIT_SETUP_FAILED)))
            }
        }
    }

    // ANCHOR: start
    /// Joins the pod, forks the member, and returns its host PID once the
    /// program has been exec'd. Must be called single-threaded.
    fn start(&self) -> Result<Pid> {
        let argv = c_strings(self.argv)?;
        let (report_read, report_write) = pipe()?;
        let report_fd = report_write.as_raw_fd();
        // Joining and forking are the pid_entry module's job.
        let child = fork_inside(self.joins, self.share_pid, || {
            let (step, errno) = become_member(&argv);
            let mut report = [0u8; 5];
            report[0] = step as u8;
            report[1..].copy_from_slice(&(errno as i32).to_ne_bytes());
            // SAFETY: writing a local buffer to a descriptor we own.
            unsafe { libc::write(report_fd, report.as_ptr().cast(), 5) };
            EXIT_NOT_FOUND
        })?;
        drop(report_write);
        // A successful execve closes the pipe (O_CLOEXEC): end of file.
        let mut report = Vec::new();
        let _ = File::from(report_read).read_to_end(&mut report);
        if report.len() < 5 {
            if let (Some(pod), Some(id)) = (self.record_in, ProcessId::of(child.as_raw())) {
                let _ = crate::state::record_member(pod, id);
            }
            return Ok(child);
        }
        let _ = waitpid(child, None);
        let errno = Errno::from_raw(i32::from_ne_bytes(report[1..5].try_into().unwrap()));
        Err(step_error(report[0], errno, &self.argv[0]))
    }
    // ANCHOR_END: start
}

// ANCHOR: become
/// In the forked child: a mount namespace of our own, with a /proc that
/// shows the PID namespace we were born in, then the program. Returns only
/// on failure, with the step that failed.
fn become_member(argv: &[CString]) -> (Step, Errno) {
    // SAFETY: prctl with plain integer arguments.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
    if let Err(e) = unshare(CloneFlags::CLONE_NEWNS) {
        return (Step::MountNamespace, e);
    }
    // Keep our mounts from propagating back into the host's namespace.
    let private = MsFlags::MS_REC | MsFlags::MS_PRIVATE;
    if let Err(e) = mount(None::<&str>, "/", None::<&str>, private, None::<&str>) {
        return (Step::PrivateMounts, e);
    }
    let proc_flags = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
    if let Err(e) = mount(
        Some("proc"),
        "/proc",
        Some("proc"),
        proc_flags,
        None::<&str>,
    ) {
        return (Step::MountProc, e);
    }
    match nix::unistd::execvp(&argv[0], argv) {
        Err(e) => (Step::Exec, e),
    }
}
// ANCHOR_END: become

fn step_error(step: u8, errno: Errno, program: &str) -> Error {
    // execvp reports EACCES when some $PATH directory is not searchable by
    // us, even though the program is simply nowhere to be found.
    let missing = errno == Errno::ENOENT
        || (errno == Errno::EACCES
            && !program.contains('/')
            && crate::process::find_in_path(program).is_none());
    match step {
        4 if missing => Error::new(format!(
            "command {program:?} not found in the pod: check its name, or give its full path"
        ))
        .with_code(EXIT_NOT_FOUND),
        4 => Error::new(format!("could not run {program:?} in the pod: {errno}"))
            .with_code(EXIT_NOT_EXECUTABLE),
        1 => Error::new(format!("could not create a mount namespace: {errno}"))
            .with_code(EXIT_SETUP_FAILED),
        _ => Error::new(format!(
            "could not mount a private /proc for the member: {errno}"
        ))
        .with_code(EXIT_SETUP_FAILED),
    }
}

fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::new(format!("could not create a pipe: {e}")))
}

fn c_strings(argv: &[String]) -> Result<Vec<CString>> {
    if argv.is_empty() {
        return Err(
            Error::new("no command given: use `setns-demo exec NAME -- CMD [ARGS]...`")
                .with_code(EXIT_SETUP_FAILED),
        );
    }
    argv.iter()
        .map(|arg| {
            CString::new(arg.as_bytes()).map_err(|_| {
                Error::new(format!("argument {arg:?} contains a NUL byte"))
                    .with_code(EXIT_SETUP_FAILED)
            })
        })
        .collect()
}

/// Waits for `child`; its exit code, or 128 + the signal that killed it.
fn wait_exit_code(child: Pid) -> i32 {
    loop {
        match waitpid(child, None) {
            Ok(WaitStatus::Exited(_, code)) => return code,
            Ok(WaitStatus::Signaled(_, signal, _)) => return 128 + signal as i32,
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(_) => return EXIT_SETUP_FAILED,
        }
    }
}
