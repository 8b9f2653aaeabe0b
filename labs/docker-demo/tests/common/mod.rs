//! Shared by the demo's tests: the engine check, the images (built once per
//! test process and untagged when it exits), free ports and plain HTTP.

#![allow(dead_code)] // each test file uses a different part

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use docker_demo::docker::{available, docker};
use docker_demo::images::{self, ImageSet};

/// The engine, or a skip (a failure under PAUSE_BOOK_STRICT=1).
pub fn engine() -> Option<String> {
    testkit::require(
        "a Docker engine (`docker info`)",
        available().map_err(String::from),
    )
}

/// Root, needed to read other users' /proc/PID/ns links.
pub fn root() -> Option<()> {
    let check = if is_root() {
        Ok(())
    } else {
        Err("reading the containers' /proc/PID/ns needs root".to_string())
    };
    testkit::require("root", check)
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

static IMAGES: OnceLock<Result<ImageSet, String>> = OnceLock::new();

/// Untags this process's images when it exits (after every test, passed or
/// failed: the test harness ends with exit(3), which runs atexit handlers).
extern "C" fn remove_images_at_exit() {
    if let Some(Ok(set)) = IMAGES.get() {
        let _ = images::remove(set);
    }
}

/// Removes the images of test processes that are gone (killed before their
/// atexit handler could run): their tag is `test-<pid>`.
fn sweep_stale_images() {
    let Ok(names) = images::list_built() else {
        return;
    };
    for name in names {
        let Some(pid) = name.rsplit_once(":test-").map(|(_, pid)| pid) else {
            continue;
        };
        let alive = pid.parse::<u32>().is_ok_and(|pid| {
            pid == std::process::id() || std::path::Path::new(&format!("/proc/{pid}")).exists()
        });
        if !alive {
            let _ = docker(["rmi", &name]);
        }
    }
}

/// The demo images, built once for this test process as `...:test-<pid>`.
pub fn images() -> &'static ImageSet {
    let built = IMAGES.get_or_init(|| {
        sweep_stale_images();
        let set = ImageSet::tagged(&format!("test-{}", std::process::id()));
        // SAFETY: registering a plain extern "C" function.
        unsafe { libc::atexit(remove_images_at_exit) };
        images::build(&set).map(|()| set).map_err(String::from)
    });
    match built {
        Ok(set) => set,
        Err(e) => panic!("building the demo images failed: {e}"),
    }
}

/// A TCP port free on the host right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// An HTTP answer: status code, headers and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

/// `GET path` on 127.0.0.1:port with HTTP/1.0 (the server closes).
pub fn http_get(port: u16, path: &str) -> Result<Answer, String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect :{port}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").map_err(|e| e.to_string())?;
    let mut text = String::new();
    stream
        .read_to_string(&mut text)
        .map_err(|e| format!("read :{port}: {e}"))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no HTTP answer: {text:?}"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    Ok(Answer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    })
}

/// Waits until `GET /` on the port answers `status`.
pub fn wait_for_status(port: u16, status: u16, what: &str) -> Answer {
    nsproc::wait_until(Duration::from_secs(30), what, || {
        http_get(port, "/").ok().filter(|a| a.status == status)
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The namespace link `/proc/<pid>/ns/<kind>` of a host PID.
pub fn ns_link(pid: u32, kind: &str) -> String {
    std::fs::read_link(format!("/proc/{pid}/ns/{kind}"))
        .unwrap_or_else(|e| panic!("readlink /proc/{pid}/ns/{kind}: {e}"))
        .to_string_lossy()
        .into_owned()
}
