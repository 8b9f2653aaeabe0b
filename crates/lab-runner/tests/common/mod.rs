//! Helpers for the runner's tests: the real `lab-runner` binary on a free
//! loopback port with a tiny book, a raw HTTP/1.0 client (so a test can
//! send any Host and Origin it likes), SSE reading, and a labs-like folder
//! of test transcripts (`--extra-transcripts`). Every process and folder a
//! test makes is removed by a guard, also when the test fails.
#![allow(dead_code)] // each test file uses a different part

mod procs;
mod sse;

pub use procs::*;
pub use sse::*;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_lab-runner");

pub use testkit::workspace_root;

/// Polls `check` until it gives a value, or panics after `timeout`.
pub fn wait_until<T>(timeout: Duration, what: &str, check: impl FnMut() -> Option<T>) -> T {
    nsproc::wait_until(timeout, what, check).unwrap_or_else(|err| panic!("{err}"))
}

/// A folder under the temp dir, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(what: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("lab-runner-test-{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A test transcript: id, needs (TOML list items), its steps as
/// (command, output).
pub type Transcript<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// A labs-like folder: `lab/transcripts/` with a manifest of runnable
/// transcripts, each given as (id, needs, [(command, output)]).
pub fn extra_labs(lab: &str, transcripts: &[Transcript]) -> TempDir {
    let dir = TempDir::new("labs");
    let folder = dir.path().join(lab).join("transcripts");
    std::fs::create_dir_all(&folder).unwrap();
    let mut manifest = String::new();
    for (id, needs, steps) in transcripts {
        manifest +=
            &format!("[[transcript]]\nid = \"{id}\"\nneeds = [{needs}]\nrunnable = true\n\n");
        let mut text = String::new();
        for (command, output) in *steps {
            text += &format!("$ {command}\n{output}");
        }
        std::fs::write(folder.join(format!("{id}.txt")), text).unwrap();
    }
    std::fs::write(folder.join("transcripts.toml"), manifest).unwrap();
    dir
}

/// A reply of the raw client.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

/// Sends one HTTP/1.0 request as given (`headers` are whole lines).
pub fn raw(port: u16, method: &str, path: &str, headers: &[String], body: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the runner");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut request = format!("{method} {path} HTTP/1.0\r\n");
    for line in headers {
        request += &format!("{line}\r\n");
    }
    request += &format!("Content-Length: {}\r\n\r\n{body}", body.len());
    stream.write_all(request.as_bytes()).unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).expect("read the reply");
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

/// How a runner is started.
#[derive(Default)]
pub struct Options<'a> {
    pub extra: Option<&'a Path>,
    pub bin_dir: Option<&'a Path>,
    pub step_timeout: Option<u64>,
    pub run_timeout: Option<u64>,
    pub port: Option<u16>,
    /// Start the runner as this uid and gid instead of the caller's.
    pub user: Option<u32>,
    /// The workspace whose transcripts make the allowlist (default: ours).
    pub root: Option<&'a Path>,
    /// The runner executable to start (default: the one cargo built).
    pub program: Option<&'a Path>,
}

/// The real `lab-runner`, stopped with SIGTERM (then SIGKILL) when dropped.
pub struct Runner {
    pub child: Child,
    pub port: u16,
    pub token: String,
    _book: TempDir,
}

impl Runner {
    pub fn start(options: Options) -> Runner {
        let book = TempDir::new("book");
        std::fs::write(
            book.path().join("index.html"),
            "<!DOCTYPE html>\n<html><head><title>book</title></head><body>hi</body></html>\n",
        )
        .unwrap();
        std::fs::write(book.path().join("book.js"), "console.log('hi');\n").unwrap();
        let mut command = Command::new(options.program.unwrap_or(Path::new(BIN)));
        command
            .arg("--book")
            .arg(book.path())
            .arg("--root")
            .arg(options.root.map_or_else(workspace_root, Path::to_path_buf))
            .args(["--port", &options.port.unwrap_or(0).to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        if let Some(extra) = options.extra {
            command.arg("--extra-transcripts").arg(extra);
        }
        if let Some(dir) = options.bin_dir {
            command.arg("--bin-dir").arg(dir);
        }
        if let Some(id) = options.user {
            use std::os::unix::process::CommandExt;
            command
                .uid(id)
                .gid(id)
                .env("HOME", "/")
                .env("TMPDIR", "/tmp");
        }
        if let Some(seconds) = options.step_timeout {
            command.args(["--step-timeout", &seconds.to_string()]);
        }
        if let Some(seconds) = options.run_timeout {
            command.args(["--run-timeout", &seconds.to_string()]);
        }
        let mut child = command.spawn().expect("start lab-runner");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let port = first
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no URL in the runner's first line {first:?}"));
        // Keep reading its output, so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let mut runner = Runner {
            child,
            port,
            token: String::new(),
            _book: book,
        };
        let page = runner.get("/", &[]);
        runner.token = page
            .body
            .split("name=\"lab-runner-token\" content=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no token in {page:?}"))
            .to_string();
        runner
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn host(&self) -> String {
        format!("Host: 127.0.0.1:{}", self.port)
    }

    pub fn token_header(&self) -> String {
        format!("X-Lab-Runner-Token: {}", self.token)
    }

    /// GET with our Host and the given extra headers.
    pub fn get(&self, path: &str, extra: &[String]) -> Reply {
        let mut headers = vec![self.host()];
        headers.extend_from_slice(extra);
        raw(self.port, "GET", path, &headers, "")
    }

    /// A request as the page makes it: our Host and Origin, the token.
    pub fn api(&self, method: &str, path: &str, body: &str) -> Reply {
        let headers = [
            self.host(),
            format!("Origin: http://127.0.0.1:{}", self.port),
            self.token_header(),
            "Content-Type: application/json".to_string(),
        ];
        raw(self.port, method, path, &headers, body)
    }

    /// POST /api/runs for transcript `id` and page `page`; the reply.
    pub fn start_run(&self, id: &str, page: &str) -> Reply {
        let body = serde_json::json!({"id": id, "page": page}).to_string();
        self.api("POST", "/api/runs", &body)
    }

    /// Starts a run and returns its id, asserting 201.
    pub fn run(&self, id: &str, page: &str) -> String {
        let reply = self.start_run(id, page);
        assert_eq!(reply.status, 201, "{reply:?}");
        reply.json()["run"].as_str().unwrap().to_string()
    }

    /// Opens the run's event stream as EventSource does (token in query).
    pub fn events(&self, run: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let request = format!(
            "GET /api/runs/{run}/events?token={} HTTP/1.0\r\n{}\r\nOrigin: http://127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
            self.token,
            self.host(),
            self.port
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.contains(" 200 "), "events: {status}");
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
        }
        Events::new(reader)
    }

    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid()), signal).unwrap();
    }

    /// Waits for the runner to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        wait_until(timeout, "the runner to exit", || {
            self.child.try_wait().unwrap()
        })
    }

    /// Open file descriptors of the runner.
    pub fn fds(&self) -> usize {
        nsproc::procfs::open_files(self.pid()).map_or(0, |open| open.len())
    }

    /// The runner's child processes.
    pub fn children(&self) -> Vec<i32> {
        children_of(self.pid())
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        self.signal(nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
