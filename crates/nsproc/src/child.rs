//! A process started by [`crate::spawn::NsCommand`]: its PID, its pipes,
//! and how it ended. Dropping it kills and reaps it, so a test that fails
//! half-way leaves no process behind.

use std::fs::File;
use std::io::Read;
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use crate::error::{Context, Error, Result};
use crate::wait::wait_until;

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signaled(Signal),
}

impl Exit {
    pub fn code(self) -> Option<i32> {
        match self {
            Exit::Code(code) => Some(code),
            Exit::Signaled(_) => None,
        }
    }

    pub fn signal(self) -> Option<Signal> {
        match self {
            Exit::Signaled(signal) => Some(signal),
            Exit::Code(_) => None,
        }
    }

    /// The shell's convention: the exit code, or 128 + the signal number.
    pub fn shell_code(self) -> i32 {
        match self {
            Exit::Code(code) => code,
            Exit::Signaled(signal) => 128 + signal as i32,
        }
    }
}

/// What a finished child printed, and how it ended.
#[derive(Clone, Debug)]
pub struct Output {
    pub exit: Exit,
    pub stdout: String,
    pub stderr: String,
}

/// A process started by [`NsCommand`]. Dropping it SIGKILLs and reaps the
/// process if it is still running, which for a PID 1 also ends every other
/// process of its PID namespace.
#[derive(Debug)]
pub struct NsChild {
    pub(crate) pid: i32,
    pub stdin: Option<File>,
    pub stdout: Option<File>,
    pub stderr: Option<File>,
    pub(crate) exit: Option<Exit>,
}

impl NsChild {
    /// The child's PID as the caller (the host) sees it.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// Sends `signal` from the caller's namespace.
    pub fn signal(&self, signal: Signal) -> Result<()> {
        if self.exit.is_some() {
            return Err(Error::new(
                format!("send {signal} to process {}", self.pid),
                "it has already exited and been reaped",
            ));
        }
        kill(Pid::from_raw(self.pid), signal)
            .context(|| format!("send {signal} to process {}", self.pid))
    }

    /// Reaps the child if it has exited; never blocks.
    pub fn try_wait(&mut self) -> Result<Option<Exit>> {
        if let Some(exit) = self.exit {
            return Ok(Some(exit));
        }
        let status = waitpid(Pid::from_raw(self.pid), Some(WaitPidFlag::WNOHANG))
            .context(|| format!("wait for process {}", self.pid))?;
        self.exit = match status {
            WaitStatus::Exited(_, code) => Some(Exit::Code(code)),
            WaitStatus::Signaled(_, signal, _) => Some(Exit::Signaled(signal)),
            _ => None,
        };
        Ok(self.exit)
    }

    /// Waits up to `timeout` for the child to exit.
    pub fn wait_timeout(&mut self, timeout: Duration) -> Result<Exit> {
        let pid = self.pid;
        wait_until(timeout, &format!("process {pid} to exit"), || {
            self.try_wait().ok().flatten()
        })
    }

    /// Waits up to `timeout` for the child to exit, reading its piped stdout
    /// and stderr meanwhile.
    pub fn wait_with_output(mut self, timeout: Duration) -> Result<Output> {
        let readers: Vec<_> = [self.stdout.take(), self.stderr.take()]
            .into_iter()
            .map(|stream| {
                std::thread::spawn(move || {
                    let mut text = String::new();
                    if let Some(mut stream) = stream {
                        let _ = stream.read_to_string(&mut text);
                    }
                    text
                })
            })
            .collect();
        let exit = self.wait_timeout(timeout);
        if exit.is_err() {
            let _ = self.signal(Signal::SIGKILL);
            let _ = self.wait_timeout(Duration::from_secs(5));
        }
        let mut texts = readers.into_iter().map(|r| r.join().unwrap_or_default());
        let stdout = texts.next().unwrap_or_default();
        let stderr = texts.next().unwrap_or_default();
        Ok(Output {
            exit: exit?,
            stdout,
            stderr,
        })
    }
}

impl Drop for NsChild {
    fn drop(&mut self) {
        if self.exit.is_none() {
            let _ = kill(Pid::from_raw(self.pid), Signal::SIGKILL);
            let _ = waitpid(Pid::from_raw(self.pid), None);
        }
    }
}
