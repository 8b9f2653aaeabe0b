//! Reading server-sent events from a raw connection.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;

use serde_json::Value;

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: Value,
}

/// An open events connection; dropping it closes the connection.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    pub fn new(reader: BufReader<TcpStream>) -> Events {
        Events { reader }
    }

    /// The next event (keep-alive comments skipped); None at the end.
    pub fn next(&mut self) -> Option<Event> {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).ok()? == 0 {
                return None;
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !name.is_empty() {
                    let data = serde_json::from_str(&data).unwrap_or(Value::Null);
                    return Some(Event { name, data });
                }
                continue;
            }
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                data += v.trim_start();
            }
        }
    }

    /// Events until (and with) the first one named `name`.
    pub fn until(&mut self, name: &str) -> Vec<Event> {
        let mut seen = Vec::new();
        while let Some(event) = self.next() {
            let last = event.name == name;
            seen.push(event);
            if last {
                return seen;
            }
        }
        panic!("the stream ended before a {name} event: {seen:?}");
    }

    /// Everything up to the end of the stream.
    pub fn rest(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.next()).collect()
    }
}

/// The text of every `stdout` (or `stderr`) event of step `index`.
pub fn output(events: &[Event], pipe: &str, index: u64) -> String {
    events
        .iter()
        .filter(|e| e.name == pipe && e.data["index"] == index)
        .map(|e| e.data["text"].as_str().unwrap_or_default())
        .collect()
}

/// The `done` event's status.
pub fn done_status(events: &[Event]) -> String {
    let done = events
        .iter()
        .find(|e| e.name == "done")
        .unwrap_or_else(|| panic!("no done event in {events:?}"));
    done.data["status"].as_str().unwrap().to_string()
}
