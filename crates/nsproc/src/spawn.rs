//! Starting a program as PID 1 of fresh namespaces, the way a container
//! runtime starts pause.
//!
//! [`NsCommand`] calls `clone(2)` with `CLONE_NEW*` flags, so the new process
//! is born inside the new namespaces (for a PID namespace, as its PID 1) and
//! its host PID is known to the caller. When not run as root it also creates a
//! user namespace that maps the caller to root, as rootless Podman does.
//!
//! Between `clone` and `execve` the child may only make async-signal-safe
//! calls: the caller may have other threads (cargo's test harness does), and
//! one of them could hold the allocator's lock at the moment of the clone.
//! So everything the child needs is prepared before the clone.

use std::ffi::{CString, c_char};
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sched::CloneFlags;
use nix::sys::signal::Signal;
use nix::sys::wait::waitpid;
use nix::unistd::pipe2;

use crate::error::{Context, Error, Result};
use crate::namespaces::NsKind;

pub use crate::child::{Exit, NsChild, Output};

/// What to connect a standard stream of the child to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stdio {
    Inherit,
    Null,
    Piped,
}

/// A builder for a process started in new namespaces.
#[derive(Clone, Debug)]
pub struct NsCommand {
    program: PathBuf,
    args: Vec<String>,
    namespaces: Vec<NsKind>,
    user_namespace: Option<bool>,
    stdio: [Stdio; 3],
    kill_with_parent: bool,
    new_session: bool,
}

impl NsCommand {
    /// A command for `program` (a path, or a name looked up in `$PATH`).
    pub fn new(program: impl AsRef<Path>) -> Self {
        NsCommand {
            program: program.as_ref().to_path_buf(),
            args: Vec::new(),
            namespaces: Vec::new(),
            user_namespace: None,
            stdio: [Stdio::Null, Stdio::Inherit, Stdio::Inherit],
            kill_with_parent: false,
            new_session: false,
        }
    }

    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, args: I) -> &mut Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// The namespaces to create. With [`NsKind::Pid`] the child is PID 1.
    pub fn namespaces(&mut self, kinds: &[NsKind]) -> &mut Self {
        self.namespaces = kinds.to_vec();
        self
    }

    /// Force (or forbid) a new user namespace. By default one is created
    /// exactly when the caller is not root, since only then is it needed.
    pub fn user_namespace(&mut self, enabled: bool) -> &mut Self {
        self.user_namespace = Some(enabled);
        self
    }

    pub fn stdin(&mut self, stdio: Stdio) -> &mut Self {
        self.stdio[0] = stdio;
        self
    }

    pub fn stdout(&mut self, stdio: Stdio) -> &mut Self {
        self.stdio[1] = stdio;
        self
    }

    pub fn stderr(&mut self, stdio: Stdio) -> &mut Self {
        self.stdio[2] = stdio;
        self
    }

    /// Have the kernel SIGKILL the child when the thread that spawned it
    /// exits (`PR_SET_PDEATHSIG`). Tests use it so that a crashed test leaves
    /// no pod behind.
    pub fn kill_with_parent(&mut self, enabled: bool) -> &mut Self {
        self.kill_with_parent = enabled;
        self
    }

    /// Start the child in a session (and process group) of its own
    /// (`setsid`), so that Ctrl-C or a signal to the caller's process group
    /// does not reach it, as a daemon must be.
    pub fn new_session(&mut self, enabled: bool) -> &mut Self {
        self.new_session = enabled;
        self
    }

    fn wants_user_namespace(&self) -> bool {
        self.user_namespace
            .unwrap_or_else(|| !nix::unistd::geteuid().is_root())
            || self.namespaces.contains(&NsKind::User)
    }

    /// Starts the child; returns once it has called `execve` successfully.
    pub fn spawn(&self) -> Result<NsChild> {
        let program = resolve_program(&self.program)?;
        let shown = program.display().to_string();
        let c_program = cstring(program.as_os_str().as_encoded_bytes(), "program path")?;
        let mut c_args = vec![cstring(
            self.program.as_os_str().as_encoded_bytes(),
            "program name",
        )?];
        for arg in &self.args {
            c_args.push(cstring(arg.as_bytes(), "argument")?);
        }
        let mut argv: Vec<*const c_char> = c_args.iter().map(|a| a.as_ptr()).collect();
        argv.push(std::ptr::null());

        let mut flags = CloneFlags::empty();
        for kind in &self.namespaces {
            flags |= kind.clone_flag();
        }
        let user_maps = if self.wants_user_namespace() {
            flags |= CloneFlags::CLONE_NEWUSER;
            let uid = nix::unistd::geteuid().as_raw();
            let gid = nix::unistd::getegid().as_raw();
            Some((format!("0 {uid} 1\n"), format!("0 {gid} 1\n")))
        } else {
            None
        };

        // Parent ends and child ends of the standard streams.
        let mut parent_ends: [Option<File>; 3] = [None, None, None];
        let mut child_ends: [Option<OwnedFd>; 3] = [None, None, None];
        for (i, how) in self.stdio.iter().enumerate() {
            match how {
                Stdio::Inherit => {}
                Stdio::Null => {
                    let null = File::options()
                        .read(true)
                        .write(true)
                        .open("/dev/null")
                        .context(|| "open /dev/null".to_string())?;
                    child_ends[i] = Some(null.into());
                }
                Stdio::Piped => {
                    let (read, write) =
                        pipe2(OFlag::O_CLOEXEC).context(|| "create a pipe".to_string())?;
                    let (mine, theirs) = if i == 0 { (write, read) } else { (read, write) };
                    parent_ends[i] = Some(File::from(mine));
                    child_ends[i] = Some(theirs);
                }
            }
        }
        let child_fds: [i32; 3] =
            std::array::from_fn(|i| child_ends[i].as_ref().map_or(-1, |fd| fd.as_raw_fd()));
        // The child reports a failed execve through this pipe; a successful
        // execve closes it (O_CLOEXEC), so the parent reads end-of-file.
        let (err_read, err_write) =
            pipe2(OFlag::O_CLOEXEC).context(|| "create a pipe".to_string())?;
        let err_fd = err_write.as_raw_fd();
        let kill_with_parent = self.kill_with_parent;
        let new_session = self.new_session;

        let child = move || -> isize {
            // SAFETY: the child of clone(2) runs only raw system calls on
            // memory prepared before the clone (no allocation, no locks, so
            // no state another thread held at the clone can be touched).
            unsafe {
                if kill_with_parent {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                }
                if new_session {
                    libc::setsid();
                }
                if let Some((uid_map, gid_map)) = &user_maps {
                    // An unprivileged process may map only its own IDs, and
                    // must give up setgroups before it may write gid_map.
                    write_file(c"/proc/self/setgroups", b"deny");
                    write_file(c"/proc/self/uid_map", uid_map.as_bytes());
                    write_file(c"/proc/self/gid_map", gid_map.as_bytes());
                }
                for (target, fd) in child_fds.iter().enumerate() {
                    if *fd >= 0 {
                        libc::dup2(*fd, target as i32);
                    }
                }
                // The Rust runtime ignores SIGPIPE and the caller may block
                // signals: give the new program the defaults it expects.
                libc::signal(libc::SIGPIPE, libc::SIG_DFL);
                let mut empty: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut empty);
                libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
                libc::execv(c_program.as_ptr(), argv.as_ptr());
                let errno = *libc::__errno_location();
                libc::write(err_fd, (&raw const errno).cast(), size_of::<i32>());
                libc::_exit(127)
            }
        };

        let mut stack = vec![0u8; 256 * 1024];
        // SAFETY: the callback only makes async-signal-safe calls (see above)
        // and the stack outlives the call (the child has its own copy of it).
        let pid = unsafe {
            nix::sched::clone(
                Box::new(child),
                &mut stack,
                flags,
                Some(Signal::SIGCHLD as i32),
            )
        }
        .map_err(|errno| clone_error(errno, flags, &shown))?;
        drop(err_write);
        drop(child_ends);

        let mut report = Vec::new();
        File::from(err_read)
            .read_to_end(&mut report)
            .context(|| format!("read the start-up report of {shown}"))?;
        if report.len() >= 4 {
            let errno = Errno::from_raw(i32::from_ne_bytes(report[..4].try_into().unwrap()));
            let _ = waitpid(pid, None);
            return Err(Error::new(format!("start {shown}"), errno)
                .hint("check that the file exists and is executable"));
        }

        let [stdin, stdout, stderr] = parent_ends;
        Ok(NsChild {
            pid: pid.as_raw(),
            stdin,
            stdout,
            stderr,
            exit: None,
        })
    }

    /// Runs the child to completion, collecting its stdout and stderr.
    pub fn output(&mut self, timeout: Duration) -> Result<Output> {
        self.stdout(Stdio::Piped).stderr(Stdio::Piped);
        self.spawn()?.wait_with_output(timeout)
    }
}

fn cstring(bytes: &[u8], what: &str) -> Result<CString> {
    CString::new(bytes).map_err(|_| Error::BadInput {
        action: format!("use {what} {bytes:?}"),
        problem: "it contains a NUL byte".into(),
        fix: "pass arguments without NUL bytes",
    })
}

fn resolve_program(program: &Path) -> Result<PathBuf> {
    if program.components().count() > 1 || program.is_absolute() {
        return Ok(program.to_path_buf());
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            Error::new(
                format!("find program {}", program.display()),
                "not found in $PATH",
            )
            .hint("give its full path, or install it")
        })
}

/// Writes `data` to the file at `path`, with raw system calls only.
unsafe fn write_file(path: &std::ffi::CStr, data: &[u8]) {
    // SAFETY: path is NUL-terminated and data is a valid slice.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd >= 0 {
            libc::write(fd, data.as_ptr().cast(), data.len());
            libc::close(fd);
        }
    }
}

fn clone_error(errno: Errno, flags: CloneFlags, program: &str) -> Error {
    let err = Error::new(
        format!("start {program} in new namespaces ({flags:?})"),
        errno,
    );
    match errno {
        Errno::EPERM if flags.contains(CloneFlags::CLONE_NEWUSER) => err.hint(
            "unprivileged user namespaces are disabled here: run as root, or allow them \
             (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, \
             kernel.apparmor_restrict_unprivileged_userns=0)",
        ),
        Errno::EPERM => err.hint("creating namespaces needs root or a user namespace"),
        Errno::ENOSPC => {
            err.hint("the namespace limit is reached (see /proc/sys/user/max_*_namespaces)")
        }
        _ => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::{isolation, require};

    #[test]
    fn child_is_pid_1_of_its_new_pid_namespace() {
        let Some(_) = require("PID namespaces", isolation()) else {
            return;
        };
        let out = NsCommand::new("sh")
            .args(["-c", "echo $$; cat /proc/self/status | grep NSpid"])
            .namespaces(&[NsKind::Pid])
            .kill_with_parent(true)
            .output(Duration::from_secs(10))
            .unwrap();
        assert_eq!(out.exit, Exit::Code(0), "{out:?}");
        assert_eq!(out.stdout.lines().next(), Some("1"), "{out:?}");
    }

    #[test]
    fn missing_program_is_a_clear_error() {
        let err = NsCommand::new("/no/such/program").spawn().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/no/such/program"), "{text}");
        assert!(text.contains("ENOENT"), "{text}");
    }

    #[test]
    fn dropping_a_child_kills_and_reaps_it() {
        let child = NsCommand::new("sleep").arg("1000").spawn().unwrap();
        let pid = child.pid();
        drop(child);
        assert!(
            crate::procfs::status(pid).is_err(),
            "process {pid} survived"
        );
    }

    #[test]
    fn exit_codes_and_signals_are_reported() {
        let out = NsCommand::new("sh")
            .args(["-c", "echo out; echo err >&2; exit 3"])
            .output(Duration::from_secs(10))
            .unwrap();
        assert_eq!(
            (out.exit, out.stdout.as_str(), out.stderr.as_str()),
            (Exit::Code(3), "out\n", "err\n")
        );
        let mut child = NsCommand::new("sleep").arg("1000").spawn().unwrap();
        child.signal(Signal::SIGTERM).unwrap();
        let exit = child.wait_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(exit.signal(), Some(Signal::SIGTERM));
        assert_eq!(exit.shell_code(), 143);
    }
}
