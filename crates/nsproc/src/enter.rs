//! Running a program inside the namespaces of another process, the way
//! `docker run --net=container:pause` or `nsenter -t PID` do: `setns(2)` into
//! each namespace, then (for a PID namespace) fork, because `setns` into a PID
//! namespace only decides where the caller's *next child* will live.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::Command;

use crate::error::{Context, Result};
use crate::namespaces::{NsKind, ns_inode};

/// Options for [`CommandInNamespaces::in_namespaces_of_with`].
#[derive(Clone, Copy, Debug)]
pub struct EnterOptions {
    /// After joining a PID namespace, mount a fresh `/proc` in a private mount
    /// namespace, so that `ps` shows the joined namespace's processes.
    pub private_proc: bool,
}

impl Default for EnterOptions {
    fn default() -> Self {
        EnterOptions { private_proc: true }
    }
}

/// Makes a [`Command`] run inside the namespaces of another process.
pub trait CommandInNamespaces {
    /// Join the `kinds` namespaces of process `pid` before the program starts.
    ///
    /// The user namespace of `pid` is joined first, and implicitly, when it
    /// differs from ours (a rootless pod). With [`NsKind::Pid`] the spawned
    /// process is a small waiter that forks the program into the namespace and
    /// passes its exit status on; the program is killed if the waiter dies.
    fn in_namespaces_of(&mut self, pid: i32, kinds: &[NsKind]) -> Result<&mut Self> {
        self.in_namespaces_of_with(pid, kinds, EnterOptions::default())
    }

    fn in_namespaces_of_with(
        &mut self,
        pid: i32,
        kinds: &[NsKind],
        options: EnterOptions,
    ) -> Result<&mut Self>;
}

impl CommandInNamespaces for Command {
    fn in_namespaces_of_with(
        &mut self,
        pid: i32,
        kinds: &[NsKind],
        options: EnterOptions,
    ) -> Result<&mut Self> {
        let me = std::process::id() as i32;
        let mut order: Vec<NsKind> = Vec::new();
        if ns_inode(pid, NsKind::User)? != ns_inode(me, NsKind::User)? {
            order.push(NsKind::User);
        }
        // The mount namespace goes last: the other joins need no path lookups,
        // but nothing after it may depend on our view of the file system.
        for kind in [
            NsKind::Ipc,
            NsKind::Uts,
            NsKind::Net,
            NsKind::Cgroup,
            NsKind::Pid,
            NsKind::Mnt,
        ] {
            if kinds.contains(&kind) {
                order.push(kind);
            }
        }
        // Open every namespace file now: in the child we may not allocate.
        let mut targets: Vec<(File, NsKind)> = Vec::new();
        for kind in order {
            let path = format!("/proc/{pid}/ns/{}", kind.proc_name());
            let file = File::open(&path)
                .context(|| format!("open the {kind} namespace of process {pid} ({path})"))?;
            targets.push((file, kind));
        }
        let fork_into_pid = kinds.contains(&NsKind::Pid);
        let private_proc = options.private_proc && fork_into_pid;

        // SAFETY: the closure runs between fork and exec; it only makes raw
        // system calls on file descriptors and static strings.
        unsafe {
            self.pre_exec(move || {
                for (file, kind) in &targets {
                    if libc::setns(file.as_raw_fd(), kind.clone_flag().bits()) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                if fork_into_pid {
                    fork_and_wait()?;
                }
                if private_proc {
                    mount_private_proc()?;
                }
                Ok(())
            });
        }
        Ok(self)
    }
}

/// Forks; the child returns (and goes on to exec the program), the parent
/// waits for it and exits with its status.
unsafe fn fork_and_wait() -> std::io::Result<()> {
    // SAFETY: fork in a single-threaded child of Command; only raw calls follow.
    unsafe {
        match libc::fork() {
            -1 => Err(std::io::Error::last_os_error()),
            0 => {
                // Die with the waiter. (getppid() cannot tell whether it is
                // still there: from inside the new PID namespace it is 0.)
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            }
            child => {
                // The waiter never execs, so it must close what std's
                // spawn() watches (its exec-report pipe, O_CLOEXEC): else
                // spawn() would only return once the program had exited.
                libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32);
                // Nor does it get the exec that resets signal handlers: a
                // handler inherited from the caller (say, one that writes to
                // a self-pipe on SIGCHLD) would now meet a closed descriptor.
                for signal in 1..libc::SIGRTMAX() {
                    if signal != libc::SIGKILL && signal != libc::SIGSTOP {
                        libc::signal(signal, libc::SIG_DFL);
                    }
                }
                let mut status = 0;
                while libc::waitpid(child, &mut status, 0) < 0 {
                    if *libc::__errno_location() != libc::EINTR {
                        libc::_exit(127);
                    }
                }
                if libc::WIFSIGNALED(status) {
                    libc::_exit(128 + libc::WTERMSIG(status));
                }
                libc::_exit(libc::WEXITSTATUS(status));
            }
        }
    }
}

/// A mount namespace of our own with `/proc` showing our PID namespace.
unsafe fn mount_private_proc() -> std::io::Result<()> {
    let check = |rc: i32| {
        if rc == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    };
    // SAFETY: static, NUL-terminated strings; raw system calls only.
    unsafe {
        check(libc::unshare(libc::CLONE_NEWNS))?;
        // Keep our mounts from propagating back to the namespace we copied.
        check(libc::mount(
            std::ptr::null(),
            c"/".as_ptr(),
            std::ptr::null(),
            libc::MS_REC | libc::MS_PRIVATE,
            std::ptr::null(),
        ))?;
        check(libc::mount(
            c"proc".as_ptr(),
            c"/proc".as_ptr(),
            c"proc".as_ptr(),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            std::ptr::null(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spawn::{NsChild, NsCommand, Stdio};
    use testkit::{isolation, require};

    /// A `sleep` as PID 1 of new `kinds` namespaces, killed with the test.
    fn sleeping_init(kinds: &[NsKind]) -> NsChild {
        NsCommand::new("sleep")
            .arg("1000")
            .namespaces(kinds)
            .stdout(Stdio::Null)
            .kill_with_parent(true)
            .spawn()
            .unwrap()
    }

    #[test]
    fn a_joined_process_shares_the_namespaces_and_sees_pid_1() {
        let Some(_) = require("PID namespaces", isolation()) else {
            return;
        };
        let init = sleeping_init(&[NsKind::Pid, NsKind::Net, NsKind::Uts]);
        let net = ns_inode(init.pid(), NsKind::Net).unwrap();
        let out = Command::new("sh")
            .args([
                "-c",
                "readlink /proc/self/ns/net; cat /proc/1/comm; echo $$",
            ])
            .in_namespaces_of(init.pid(), &[NsKind::Pid, NsKind::Net, NsKind::Uts])
            .unwrap()
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(lines[0], format!("net:[{net}]"));
        assert_eq!(lines[1], "sleep");
        assert_ne!(lines[2], "1");
    }

    #[test]
    fn exit_code_passes_through_the_waiter() {
        let Some(_) = require("PID namespaces", isolation()) else {
            return;
        };
        let init = sleeping_init(&[NsKind::Pid]);
        let status = Command::new("sh")
            .args(["-c", "exit 7"])
            .in_namespaces_of(init.pid(), &[NsKind::Pid])
            .unwrap()
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(7));
    }

    #[test]
    fn spawn_returns_while_the_joined_program_still_runs() {
        let Some(_) = require("PID namespaces", isolation()) else {
            return;
        };
        let init = sleeping_init(&[NsKind::Pid]);
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let pid = init.pid();
        std::thread::spawn(move || {
            let child = Command::new("sleep")
                .arg("1000")
                .in_namespaces_of(pid, &[NsKind::Pid])
                .unwrap()
                .spawn();
            let _ = done_tx.send(child);
        });
        let mut child = done_rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("spawn() blocked until the program exited")
            .unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }

    static SELF_PIPE: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

    extern "C" fn write_to_self_pipe(_: libc::c_int) {
        let fd = SELF_PIPE.load(std::sync::atomic::Ordering::Relaxed);
        // SAFETY: write(2) is async-signal-safe. Like crates that wait with a
        // timeout, abort if the descriptor is gone.
        unsafe {
            if libc::write(fd, b"x".as_ptr().cast(), 1) < 0
                && *libc::__errno_location() == libc::EBADF
            {
                libc::abort();
            }
        }
    }

    #[test]
    fn the_waiter_does_not_run_the_callers_signal_handlers() {
        let Some(_) = require("PID namespaces", isolation()) else {
            return;
        };
        let init = sleeping_init(&[NsKind::Pid]);
        let (_read, write) = nix::unistd::pipe().unwrap();
        SELF_PIPE.store(write.as_raw_fd(), std::sync::atomic::Ordering::Relaxed);
        let handler = nix::sys::signal::SigAction::new(
            nix::sys::signal::SigHandler::Handler(write_to_self_pipe),
            nix::sys::signal::SaFlags::SA_RESTART,
            nix::sys::signal::SigSet::empty(),
        );
        // SAFETY: the handler only calls write(2) and abort(3).
        let old =
            unsafe { nix::sys::signal::sigaction(nix::sys::signal::Signal::SIGCHLD, &handler) }
                .unwrap();
        let status = Command::new("true")
            .in_namespaces_of(init.pid(), &[NsKind::Pid])
            .unwrap()
            .status();
        // SAFETY: restores the previous disposition.
        unsafe { nix::sys::signal::sigaction(nix::sys::signal::Signal::SIGCHLD, &old) }.unwrap();
        assert_eq!(status.unwrap().code(), Some(0), "the waiter died");
    }

    #[test]
    fn joining_a_missing_process_fails_clearly() {
        let err = Command::new("true")
            .in_namespaces_of(i32::MAX, &[NsKind::Net])
            .expect_err("joining a missing process should fail")
            .to_string();
        assert!(err.contains("2147483647"), "{err}");
    }
}
