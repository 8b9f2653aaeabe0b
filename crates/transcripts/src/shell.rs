//! A bash session that runs a transcript's commands one by one, so that a
//! later command sees what an earlier one left (`$!`, variables, jobs).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const MARK: &str = "@@transcripts-step-done@@";

/// One `bash` with stdout and stderr merged, in a process group of its own
/// so that dropping it ends bash and every job it started.
#[derive(Debug)]
pub struct Shell {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    timeout: Duration,
}

impl Shell {
    /// Starts `bash` as `command` sets it up (PATH, current dir, env).
    /// Each step may take up to `timeout`.
    pub fn start(mut command: Command, timeout: Duration) -> std::io::Result<Shell> {
        command
            .args(["--noprofile", "--norc"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0);
        let mut child = command.spawn()?;
        let mut stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let (send, lines) = channel();
        if let Some(stdout) = stdout {
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).split(b'\n').map_while(Result::ok) {
                    let line = String::from_utf8_lossy(&line).into_owned();
                    if send.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        if let Some(stdin) = stdin.as_mut() {
            // Background jobs end with the session.
            stdin.write_all(b"exec 2>&1\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\n")?;
        }
        Ok(Shell {
            child,
            stdin,
            lines,
            timeout,
        })
    }

    /// Runs one command line; returns what it printed.
    pub fn run(&mut self, command: &str) -> std::io::Result<String> {
        let broken = || std::io::Error::other("bash ended before the command finished");
        let stdin = self.stdin.as_mut().ok_or_else(broken)?;
        stdin.write_all(format!("{command}\nprintf '\\n{MARK}\\n'\n").as_bytes())?;
        stdin.flush()?;
        let deadline = Instant::now() + self.timeout;
        let mut output = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line == MARK => break,
                Ok(line) => {
                    output.push_str(&line);
                    output.push('\n');
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(std::io::Error::other(format!(
                        "no end after {:?}; printed so far:\n{output}",
                        self.timeout
                    )));
                }
                Err(RecvTimeoutError::Disconnected) => return Err(broken()),
            }
        }
        // The marker's own leading newline.
        output.pop();
        Ok(output)
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        // EOF lets bash run its EXIT trap; then the whole group goes.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Ok(group) = i32::try_from(self.child.id()) {
            // SAFETY: killpg takes plain integers and touches no memory.
            unsafe { libc::killpg(group, libc::SIGKILL) };
        }
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bash() -> Shell {
        Shell::start(Command::new("bash"), Duration::from_secs(10)).unwrap()
    }

    #[test]
    fn steps_share_one_session() {
        let mut shell = bash();
        assert_eq!(shell.run("x=41; echo start").unwrap(), "start\n");
        assert_eq!(
            shell.run("echo $((x + 1)); echo oops >&2").unwrap(),
            "42\noops\n"
        );
        assert_eq!(shell.run("true").unwrap(), "");
        assert_eq!(shell.run("printf 'no newline'").unwrap(), "no newline");
    }

    #[test]
    fn a_hanging_step_times_out_and_its_jobs_end_with_the_shell() {
        let mut shell = Shell::start(Command::new("bash"), Duration::from_millis(300)).unwrap();
        let job = shell.run("sleep 1000 & echo $!").unwrap();
        let pid = job.trim().to_string();
        assert!(shell.run("sleep 5").is_err());
        drop(shell);
        // SIGKILL takes effect when the job next runs: wait for it to go.
        let stat = std::path::Path::new("/proc").join(&pid).join("stat");
        let deadline = Instant::now() + Duration::from_secs(10);
        let gone = || {
            let state = std::fs::read_to_string(&stat).unwrap_or_default();
            state.is_empty() || state.contains(") Z")
        };
        while !gone() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(gone(), "sleep {pid} survived its shell");
    }
}
