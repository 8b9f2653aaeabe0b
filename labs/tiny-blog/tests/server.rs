//! The built binaries, run for real: the server answers over TCP, the tools
//! print what /proc says.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// Kills the server when the test ends, also on panic.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts tiny-blog on a free port; returns it once it prints its address.
fn start() -> (Server, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_tiny-blog"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .strip_prefix("tiny-blog listening on http://")
        .unwrap_or_else(|| panic!("unexpected readiness line {line:?}"))
        .to_string();
    (server, address)
}

fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    text
}

#[test]
fn serves_posts_and_health_on_loopback() {
    let (_server, address) = start();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let page = get(&address, "/");
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(page.contains("<h2>Why not Ghost?</h2>"));
    assert!(get(&address, "/healthz").ends_with("\r\n\r\nok\n"));
    assert!(get(&address, "/nope").starts_with("HTTP/1.1 404"));
}

#[test]
fn sigterm_stops_it_cleanly() {
    let (mut server, _address) = start();
    let pid = server.0.id() as libc::pid_t;
    // SAFETY: plain kill(2) on our own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = server.0.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn busy_port_is_reported() {
    let (_server, address) = start();
    let port = address.rsplit(':').next().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tiny-blog"))
        .args(["--port", port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen"));
}

#[test]
fn pod_ps_lists_itself() {
    let out = Command::new(env!("CARGO_BIN_EXE_pod-ps")).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("  PID USER     COMMAND\n"));
    assert!(text.lines().any(|l| l.ends_with("pod-ps")), "{text}");
}

#[test]
fn pod_ns_prints_its_own_net_namespace() {
    let out = Command::new(env!("CARGO_BIN_EXE_pod-ns"))
        .args(["net", "pid"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let expected = format!(
        "net               {}\npid               {}\n",
        std::fs::read_link("/proc/self/ns/net").unwrap().display(),
        std::fs::read_link("/proc/self/ns/pid").unwrap().display()
    );
    // The test and its child share the host's namespaces.
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}
