//! One run from start to end: its steps sent one by one to its bash, the
//! output turned into events, the per-step and per-run timeouts, stop
//! requests and the watchdog that stops a run nobody watches any more;
//! then, whatever happened (the driver may even have panicked), the
//! cleanup, and `done` last, once everything the run made is gone.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use tokio::sync::watch;
use tokio::time::{Instant, sleep_until, timeout};

use crate::allowlist::Runnable;
use crate::cleanup;
use crate::config::Settings;
use crate::events::{Event, Events, Status};
use crate::labenv::{self, RunPlace};
use crate::session::{Piece, Pipe, Session};

/// The `done` code of a run that was stopped (128 + SIGTERM), and of one
/// that timed out (as timeout(1) reports it).
pub const STOPPED_CODE: i32 = 143;
pub const TIMEOUT_CODE: i32 = 124;

/// A run, as the registry and the handlers see it.
#[derive(Debug)]
pub struct Run {
    pub id: String,
    pub page: String,
    pub entry: Runnable,
    pub place: RunPlace,
    pub slot: usize,
    pub events: Arc<Events>,
    stop: watch::Sender<bool>,
    /// bash's PID (its process group and session), once it runs.
    session: AtomicI32,
}

impl Run {
    pub fn new(id: String, page: String, entry: Runnable, place: RunPlace, slot: usize) -> Run {
        Run {
            id,
            page,
            entry,
            place,
            slot,
            events: Arc::default(),
            stop: watch::Sender::new(false),
            session: AtomicI32::new(0),
        }
    }

    /// Asks the run to stop; it ends with `done` status "stopped".
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }
}

/// Drives `run` to its end and cleans up after it; returns its status.
pub async fn supervise(run: Arc<Run>, settings: Arc<Settings>) -> Status {
    let watchdog = tokio::spawn(watchdog(run.clone(), settings.clone()));
    let driver = tokio::spawn(drive(run.clone(), settings));
    let (status, code, session) = match driver.await {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!("lab-runner: run {} crashed: {e}", run.entry.id);
            (Status::Failed, -1, None)
        }
    };
    watchdog.abort();
    let sid = run.session.load(Ordering::SeqCst);
    if sid > 0 {
        cleanup::kill_session(sid).await;
    }
    if let Some(mut session) = session {
        session.stop_reading();
        session.reap().await;
    }
    cleanup::remove_pods_and_state(&run.place).await;
    run.events.push(Event::Done { status, code });
    status
}

/// Stops the run when no events connection opens in time, or when the
/// last one closed and none came back within the grace.
async fn watchdog(run: Arc<Run>, settings: Arc<Settings>) {
    let mut listeners = run.events.listeners();
    let first = timeout(settings.connect_grace, listeners.wait_for(|n| *n > 0))
        .await
        .is_ok_and(|r| r.is_ok());
    if !first {
        run.stop();
        return;
    }
    loop {
        if listeners.wait_for(|n| *n == 0).await.map(drop).is_err() {
            return;
        }
        let back = timeout(settings.reconnect_grace, listeners.wait_for(|n| *n > 0))
            .await
            .is_ok_and(|r| r.is_ok());
        if !back {
            run.stop();
            return;
        }
    }
}

type Outcome = (Status, i32, Option<Session>);

async fn drive(run: Arc<Run>, settings: Arc<Settings>) -> Outcome {
    let events = &run.events;
    let started = crate::auth::random_hex(16)
        .map_err(|e| e.to_string())
        .and_then(|nonce| {
            Session::start(labenv::bash(&run.place), &nonce).map_err(|e| e.to_string())
        });
    let mut session = match started {
        Ok(session) => session,
        Err(e) => {
            events.push(Event::Stderr {
                index: 0,
                text: format!("lab-runner: cannot start bash: {e}\n"),
            });
            return (Status::Failed, -1, None);
        }
    };
    run.session.store(session.pid(), Ordering::SeqCst);
    let run_deadline = Instant::now() + settings.run_timeout;
    let mut stop = run.stop.subscribe();
    for (index, command) in run.entry.commands.iter().enumerate() {
        events.push(Event::Step {
            index,
            command: command.clone(),
        });
        let settle = transcripts::settle_after(run.entry.settle.as_deref(), command);
        if let Err(e) = session.send(command, settle).await {
            events.push(Event::Stderr {
                index,
                text: format!("lab-runner: bash ended: {e}\n"),
            });
            return (Status::Failed, -1, Some(session));
        }
        let deadline = run_deadline.min(Instant::now() + settings.step_timeout);
        let (mut code, mut err_mark, mut closed) = (None, false, 0);
        let ended = loop {
            tokio::select! {
                piece = session.next() => match piece {
                    Some(Piece::Text(Pipe::Stdout, text)) => events.push(Event::Stdout { index, text }),
                    Some(Piece::Text(Pipe::Stderr, text)) => events.push(Event::Stderr { index, text }),
                    Some(Piece::Mark(Pipe::Stdout, rc)) => code = Some(rc.unwrap_or(-1)),
                    Some(Piece::Mark(Pipe::Stderr, _)) => err_mark = true,
                    Some(Piece::Closed(_)) => closed += 1,
                    None => closed = 2,
                },
                () = sleep_until(deadline) => break Some((Status::Timeout, TIMEOUT_CODE)),
                _ = stop.wait_for(|s| *s) => break Some((Status::Stopped, STOPPED_CODE)),
            }
            if let (Some(code), true) = (code, err_mark) {
                events.push(Event::Exit { index, code });
                break (code != 0).then_some((Status::Failed, code));
            }
            if closed == 2 {
                // bash is gone (an `exit`, or it crashed) before the step ended.
                events.push(Event::Stderr {
                    index,
                    text: "lab-runner: bash ended before the command finished\n".into(),
                });
                break Some((Status::Failed, -1));
            }
        };
        if let Some((status, code)) = ended {
            return (status, code, Some(session));
        }
    }
    session.close_input();
    (Status::Ok, 0, Some(session))
}
