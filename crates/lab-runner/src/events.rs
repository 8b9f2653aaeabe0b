//! A run's events, kept in order so that an events connection made late
//! (or made again: `Last-Event-ID`) gets all of them, and streamed as
//! server-sent events. The log is bounded: past [`MAX_OUTPUT`] bytes of
//! output, one note says so and further output is dropped.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::response::sse;
use futures_util::Stream;
use serde_json::{Value, json};
use tokio::sync::watch;

/// Output bytes a run may log.
pub const MAX_OUTPUT: usize = 4 << 20;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Failed,
    Stopped,
    Timeout,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Stopped => "stopped",
            Status::Timeout => "timeout",
        }
    }
}

/// One event of the protocol.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Step { index: usize, command: String },
    Stdout { index: usize, text: String },
    Stderr { index: usize, text: String },
    Exit { index: usize, code: i32 },
    Done { status: Status, code: i32 },
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::Step { .. } => "step",
            Event::Stdout { .. } => "stdout",
            Event::Stderr { .. } => "stderr",
            Event::Exit { .. } => "exit",
            Event::Done { .. } => "done",
        }
    }

    pub fn data(&self) -> Value {
        match self {
            Event::Step { index, command } => json!({"index": index, "command": command}),
            Event::Stdout { index, text } | Event::Stderr { index, text } => {
                json!({"index": index, "text": text})
            }
            Event::Exit { index, code } => json!({"index": index, "code": code}),
            Event::Done { status, code } => json!({"status": status.name(), "code": code}),
        }
    }
}

#[derive(Debug, Default)]
struct Log {
    events: Vec<Event>,
    output: usize,
    cut: bool,
}

/// The events of one run, and who is listening.
#[derive(Debug)]
pub struct Events {
    log: Mutex<Log>,
    /// How many events there are; listeners wait on it.
    count: watch::Sender<usize>,
    /// How many events connections are open.
    listeners: watch::Sender<usize>,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            log: Mutex::default(),
            count: watch::Sender::new(0),
            listeners: watch::Sender::new(0),
        }
    }
}

impl Events {
    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds an event; output past the bound is dropped (after one note).
    /// Nothing is added after `done`.
    pub fn push(&self, event: Event) {
        let mut log = self.log();
        if matches!(log.events.last(), Some(Event::Done { .. })) {
            return;
        }
        if let Event::Stdout { index, text } | Event::Stderr { index, text } = &event {
            if log.cut {
                return;
            }
            log.output += text.len();
            if log.output > MAX_OUTPUT {
                log.cut = true;
                let note = format!("[lab-runner: output cut after {} MiB]\n", MAX_OUTPUT >> 20);
                log.events.push(Event::Stderr {
                    index: *index,
                    text: note,
                });
                self.count.send_replace(log.events.len());
                return;
            }
        }
        log.events.push(event);
        self.count.send_replace(log.events.len());
    }

    pub fn is_done(&self) -> bool {
        matches!(self.log().events.last(), Some(Event::Done { .. }))
    }

    /// Events from `from` on, and whether the last of them is `done`.
    pub fn since(&self, from: usize) -> (Vec<Event>, bool) {
        let log = self.log();
        let events = log.events.get(from..).unwrap_or_default().to_vec();
        (
            events,
            matches!(log.events.last(), Some(Event::Done { .. })),
        )
    }

    /// Open events connections, watched by the run's watchdog.
    pub fn listeners(&self) -> watch::Receiver<usize> {
        self.listeners.subscribe()
    }

    /// The stream of one events connection, from event `from` on. It
    /// counts as a listener until it is dropped (the connection closed).
    pub fn stream(
        self: Arc<Self>,
        from: usize,
    ) -> impl Stream<Item = Result<sse::Event, Infallible>> + Send + 'static {
        self.listeners.send_modify(|n| *n += 1);
        let listener = Listener(self.clone());
        let count = self.count.subscribe();
        let state = (listener, count, from, Vec::<(usize, Event)>::new(), false);
        futures_util::stream::unfold(
            state,
            |(listener, mut count, mut next, mut queue, mut ended)| async move {
                loop {
                    if let Some((id, event)) = (!queue.is_empty()).then(|| queue.remove(0)) {
                        let sse = sse::Event::default()
                            .id(id.to_string())
                            .event(event.name())
                            .data(event.data().to_string());
                        return Some((Ok(sse), (listener, count, next, queue, ended)));
                    }
                    if ended {
                        return None;
                    }
                    count.mark_unchanged();
                    let (events, done) = listener.0.since(next);
                    queue = (next..).zip(events).collect();
                    next += queue.len();
                    ended = done;
                    if queue.is_empty() && !ended && count.changed().await.is_err() {
                        return None;
                    }
                }
            },
        )
    }
}

/// One open events connection.
struct Listener(Arc<Events>);

impl Drop for Listener {
    fn drop(&mut self) {
        self.0.listeners.send_modify(|n| *n = n.saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn late_listeners_get_everything_and_the_stream_ends_after_done() {
        let events = Arc::new(Events::default());
        events.push(Event::Step {
            index: 0,
            command: "echo hi".into(),
        });
        let stream = events.clone().stream(0);
        assert_eq!(*events.listeners().borrow(), 1);
        events.push(Event::Exit { index: 0, code: 0 });
        events.push(Event::Done {
            status: Status::Ok,
            code: 0,
        });
        events.push(Event::Exit { index: 9, code: 9 });
        let got: Vec<_> = stream.collect().await;
        assert_eq!(got.len(), 3);
        assert_eq!(*events.listeners().borrow(), 0);
        let (all, done) = events.since(1);
        assert!(done);
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn output_past_the_bound_is_cut_with_one_note() {
        let events = Events::default();
        let text = "x".repeat(MAX_OUTPUT / 2 + 1);
        for _ in 0..4 {
            events.push(Event::Stdout {
                index: 0,
                text: text.clone(),
            });
        }
        let (all, _) = events.since(0);
        assert_eq!(all.len(), 2);
        assert!(matches!(&all[1], Event::Stderr { text, .. } if text.contains("output cut")));
    }
}
