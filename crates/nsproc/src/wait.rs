//! Waiting on readiness, never on a fixed sleep.

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::error::{Error, Result};
use crate::procfs;

/// Polls `probe` until it returns `Some`, starting at 1 ms and backing off to
/// 20 ms between tries; fails after `timeout` naming `what` we waited for.
pub fn wait_until<T>(
    timeout: Duration,
    what: &str,
    mut probe: impl FnMut() -> Option<T>,
) -> Result<T> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(value) = probe() {
            return Ok(value);
        }
        if start.elapsed() >= timeout {
            return Err(Error::TimedOut {
                what: what.to_string(),
                timeout,
            });
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// Waits until process `pid` has a handler installed for every signal in
/// `signals` (its `SigCgt` mask in `/proc/PID/status`). A signal sent before
/// that moment would meet the default action, or be dropped for a PID 1.
pub fn wait_for_handlers(pid: i32, signals: &[Signal], timeout: Duration) -> Result<()> {
    let names: Vec<&str> = signals.iter().map(|s| s.as_str()).collect();
    let what = format!("process {pid} to install handlers for {}", names.join(", "));
    // A process that has ended will never install them: say so at once
    // instead of waiting out the timeout.
    let ended = wait_until(timeout, &what, || match procfs::status(pid) {
        Err(_) => Some(true),
        Ok(status) if status.state == 'Z' || status.state == 'X' => Some(true),
        Ok(status) => signals.iter().all(|&s| status.catches(s)).then_some(false),
    })?;
    if ended {
        return Err(Error::new(
            format!("wait for {what}"),
            "it exited before installing them (see its output for why)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_as_soon_as_the_probe_succeeds() {
        let mut calls = 0;
        let got = wait_until(Duration::from_secs(1), "third call", || {
            calls += 1;
            (calls == 3).then_some(calls)
        })
        .unwrap();
        assert_eq!(got, 3);
    }

    #[test]
    fn a_process_that_exits_is_reported_at_once() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id() as i32;
        // Wait until it is a zombie (not reaped yet) or gone.
        wait_until(Duration::from_secs(10), "true to exit", || {
            procfs::status(pid).map_or(Some(()), |s| (s.state == 'Z').then_some(()))
        })
        .unwrap();
        let started = std::time::Instant::now();
        let err = wait_for_handlers(pid, &[Signal::SIGTERM], Duration::from_secs(30))
            .unwrap_err()
            .to_string();
        assert!(err.contains("exited before installing"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5), "{err}");
        child.wait().unwrap();
    }

    #[test]
    fn times_out_naming_what_it_waited_for() {
        let err = wait_until(Duration::from_millis(30), "the moon", || None::<()>)
            .unwrap_err()
            .to_string();
        assert!(err.contains("wait for the moon"), "{err}");
    }
}
