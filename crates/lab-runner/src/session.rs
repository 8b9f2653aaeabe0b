//! One bash per run, its commands sent one by one like the transcripts'
//! replay shell (a later step sees `$!` and variables), but with stdout and
//! stderr on pipes of their own. After each step bash prints a marker with
//! a per-run nonce on both, and the exit status on stdout; the marker's
//! leading newline is not output (as in the replay shell).
//!
//! bash starts a session of its own (setsid), so the whole run is its
//! process group and its session, and can be killed as one.

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Which pipe a piece of output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pipe {
    Stdout,
    Stderr,
}

/// What the pipes deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(Pipe, String),
    /// A step's end marker; on stdout with the step's exit status.
    Mark(Pipe, Option<i32>),
    Closed(Pipe),
}

/// Finds `\n<mark> <rest>\n` in a byte stream given in arbitrary chunks,
/// and hands out the text around it as soon as it cannot be the start of
/// a marker, cut at UTF-8 character boundaries.
#[derive(Debug)]
pub struct Splitter {
    pattern: Vec<u8>,
    buf: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Split {
    Text(String),
    Mark(String),
}

impl Splitter {
    pub fn new(mark: &str) -> Splitter {
        Splitter {
            pattern: format!("\n{mark} ").into_bytes(),
            buf: Vec::new(),
        }
    }

    pub fn push(&mut self, bytes: &[u8]) -> Vec<Split> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        loop {
            if let Some(at) = find(&self.buf, &self.pattern) {
                let after = at + self.pattern.len();
                let Some(end) = self.buf[after..].iter().position(|&b| b == b'\n') else {
                    // The marker's line is not complete yet.
                    push_text(&mut out, &self.buf[..at]);
                    self.buf.drain(..at);
                    return out;
                };
                push_text(&mut out, &self.buf[..at]);
                let rest = String::from_utf8_lossy(&self.buf[after..after + end]).into_owned();
                out.push(Split::Mark(rest));
                self.buf.drain(..after + end + 1);
                continue;
            }
            // Hold back what may begin a marker, and a split character.
            let keep = held_back(&self.buf, &self.pattern);
            let mut cut = self.buf.len() - keep;
            if let Err(e) = std::str::from_utf8(&self.buf[..cut])
                && e.error_len().is_none()
            {
                cut = e.valid_up_to();
            }
            push_text(&mut out, &self.buf[..cut]);
            self.buf.drain(..cut);
            return out;
        }
    }

    /// What is left when the pipe closes.
    pub fn finish(&mut self) -> Option<Split> {
        let rest = std::mem::take(&mut self.buf);
        (!rest.is_empty()).then(|| Split::Text(String::from_utf8_lossy(&rest).into_owned()))
    }
}

fn push_text(out: &mut Vec<Split>, bytes: &[u8]) {
    if !bytes.is_empty() {
        out.push(Split::Text(String::from_utf8_lossy(bytes).into_owned()));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The length of the longest end of `buf` that begins `pattern`.
fn held_back(buf: &[u8], pattern: &[u8]) -> usize {
    (1..pattern.len().min(buf.len() + 1))
        .rev()
        .find(|&n| buf[buf.len() - n..] == pattern[..n])
        .unwrap_or(0)
}

/// A running bash.
#[derive(Debug)]
pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    pieces: mpsc::Receiver<Piece>,
    readers: Vec<JoinHandle<()>>,
    mark: String,
    pid: i32,
    /// Sent with the first step.
    preamble: Option<&'static str>,
}

impl Session {
    /// Starts `bash` as `command` sets it up; `nonce` makes the marker.
    pub fn start(mut command: Command, nonce: &str) -> std::io::Result<Session> {
        command
            .args(["--noprofile", "--norc"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // SAFETY: the closure runs in the child between fork and exec and
        // only calls setsid(2), which is async-signal-safe.
        unsafe {
            command.pre_exec(|| {
                nix::unistd::setsid()
                    .map(drop)
                    .map_err(std::io::Error::from)
            });
        }
        let mut child = command.spawn()?;
        let pid = child
            .id()
            .and_then(|p| i32::try_from(p).ok())
            .ok_or_else(|| std::io::Error::other("bash ended at once"))?;
        let mark = format!("@@lab-runner-step-done-{nonce}@@");
        let (send, pieces) = mpsc::channel(64);
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(tokio::spawn(read(
                out,
                Pipe::Stdout,
                mark.clone(),
                send.clone(),
            )));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(tokio::spawn(read(err, Pipe::Stderr, mark.clone(), send)));
        }
        let stdin = child.stdin.take();
        Ok(Session {
            child,
            stdin,
            pieces,
            readers,
            mark,
            pid,
            // Background jobs end with the session.
            preamble: Some("trap 'kill $(jobs -p) 2>/dev/null' EXIT\n"),
        })
    }

    /// bash's PID: its process group and session id too.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// Sends one step; `settle` runs unseen after it, before the marker.
    pub async fn send(&mut self, command: &str, settle: Option<&str>) -> std::io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("bash's input is closed"))?;
        let settle = settle.map(|s| format!("{s}\n")).unwrap_or_default();
        let mark = &self.mark;
        // The braces keep `$!` and variables in this shell; stdin is not
        // the script's, so a command that reads it cannot eat later steps.
        let preamble = self.preamble.take().unwrap_or_default();
        let script = format!(
            "{preamble}{{\n{command}\n}} </dev/null\n__lab_rc=$?\n{settle}\
             printf '\\n%s %s\\n' '{mark}' \"$__lab_rc\"\nprintf '\\n%s \\n' '{mark}' >&2\n"
        );
        stdin.write_all(script.as_bytes()).await?;
        stdin.flush().await
    }

    /// The next piece of output; None once both pipes have closed.
    pub async fn next(&mut self) -> Option<Piece> {
        self.pieces.recv().await
    }

    /// Closes bash's input: it runs its EXIT trap and ends.
    pub fn close_input(&mut self) {
        drop(self.stdin.take());
    }

    /// bash's exit status as a code (128 + signal when killed), if it ended.
    pub fn try_status(&mut self) -> Option<i32> {
        let status = self.child.try_wait().ok()??;
        Some(
            status
                .code()
                .or(status.signal().map(|s| 128 + s))
                .unwrap_or(-1),
        )
    }

    /// Waits for bash itself, so that it leaves no zombie.
    pub async fn reap(&mut self) {
        let _ = self.child.wait().await;
    }

    /// Stops reading the pipes (a leftover process may hold them open).
    pub fn stop_reading(&mut self) {
        for reader in self.readers.drain(..) {
            reader.abort();
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop_reading();
    }
}

async fn read(
    mut pipe: impl AsyncReadExt + Unpin,
    which: Pipe,
    mark: String,
    send: mpsc::Sender<Piece>,
) {
    let mut splitter = Splitter::new(&mark);
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match pipe.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for split in splitter.push(&buf[..n]) {
            let piece = match split {
                Split::Text(text) => Piece::Text(which, text),
                Split::Mark(rest) => Piece::Mark(which, rest.trim().parse().ok()),
            };
            if send.send(piece).await.is_err() {
                return;
            }
        }
    }
    if let Some(Split::Text(text)) = splitter.finish() {
        let _ = send.send(Piece::Text(which, text)).await;
    }
    let _ = send.send(Piece::Closed(which)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<Split> {
        let mut s = Splitter::new("@@M@@");
        let mut out: Vec<Split> = chunks.iter().flat_map(|c| s.push(c)).collect();
        out.extend(s.finish());
        // Merge neighbouring texts, as a reader sees them.
        let mut merged: Vec<Split> = Vec::new();
        for split in out {
            match (merged.last_mut(), split) {
                (Some(Split::Text(a)), Split::Text(b)) => a.push_str(&b),
                (_, split) => merged.push(split),
            }
        }
        merged
    }

    #[test]
    fn markers_split_steps_in_any_chunking() {
        let stream = b"hello\n\n@@M@@ 0\nno newline\n@@M@@ 3\n\n@@M@@ 0\n";
        let want = vec![
            Split::Text("hello\n".into()),
            Split::Mark("0".into()),
            Split::Text("no newline".into()),
            Split::Mark("3".into()),
            Split::Mark("0".into()),
        ];
        assert_eq!(all(&[stream]), want);
        for size in 1..stream.len() {
            let chunks: Vec<&[u8]> = stream.chunks(size).collect();
            assert_eq!(all(&chunks), want, "chunks of {size}");
        }
    }

    #[test]
    fn text_goes_out_at_once_unless_it_may_begin_a_marker() {
        let mut s = Splitter::new("@@M@@");
        assert_eq!(s.push(b"abc"), vec![Split::Text("abc".into())]);
        assert_eq!(s.push(b"x\n@@"), vec![Split::Text("x".into())]);
        assert_eq!(s.push(b"N"), vec![Split::Text("\n@@N".into())]);
        // A character split over two reads goes out whole.
        let snow = "雪".as_bytes();
        assert_eq!(s.push(&snow[..1]), vec![]);
        assert_eq!(s.push(&snow[1..]), vec![Split::Text("雪".into())]);
        assert_eq!(s.finish(), None);
    }
}
