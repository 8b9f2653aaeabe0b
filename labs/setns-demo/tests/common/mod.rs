//! Helpers for the integration tests: they run the real `setns-demo`
//! binary, and every pod they make is removed by a guard, also on failure.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use setns_demo::process::ProcessId;
use setns_demo::state::{self, PodState};

pub const BIN: &str = env!("CARGO_BIN_EXE_setns-demo");

/// The workspace's pause binary, built once per test process.
pub fn pause_binary() -> PathBuf {
    static PAUSE: OnceLock<PathBuf> = OnceLock::new();
    PAUSE
        .get_or_init(|| testkit::workspace_binary("pause", "pause").expect("build pause"))
        .clone()
}

/// The shared tiny blog (the seed's Ghost stand-in).
pub fn tiny_blog() -> PathBuf {
    static BLOG: OnceLock<PathBuf> = OnceLock::new();
    BLOG.get_or_init(|| {
        testkit::workspace_binary("tiny-blog", "tiny-blog").expect("build tiny-blog")
    })
    .clone()
}

/// Whether pods can be made here (root, or user namespaces); None = skip.
pub fn can_make_pods() -> bool {
    testkit::require("root or user namespaces", testkit::isolation()).is_some()
}

/// Root is needed for what a rootless pod cannot have (the veth pair).
pub fn is_root() -> bool {
    let check = if nix::unistd::geteuid().is_root() {
        Ok(())
    } else {
        Err("not root: a veth pair to the host needs CAP_NET_ADMIN on the host".to_string())
    };
    testkit::require("root", check).is_some()
}

/// A `setns-demo` command that finds the workspace's pause.
pub fn setns_demo() -> Command {
    let mut command = Command::new(BIN);
    command.env("SETNS_DEMO_PAUSE", pause_binary());
    command
}

/// Runs `setns-demo ARGS`, collecting its output.
pub fn run_cli(args: &[&str]) -> Output {
    setns_demo()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run setns-demo")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A unique pod name for this test process: `<what>-<pid>`.
pub fn unique_name(what: &str) -> String {
    format!("{what}-{}", std::process::id())
}

/// A TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free port")
}

/// A running pod, removed (with `setns-demo rm`) when dropped.
pub struct Pod {
    pub name: String,
}

impl Pod {
    /// `setns-demo run NAME EXTRA...`; panics with its stderr if it fails.
    pub fn run(what: &str, extra: &[&str]) -> Pod {
        let name = unique_name(what);
        let mut args = vec!["run", name.as_str()];
        args.extend_from_slice(extra);
        let out = run_cli(&args);
        let pod = Pod { name };
        assert!(out.status.success(), "run failed: {}", stderr(&out));
        pod
    }

    pub fn state(&self) -> PodState {
        state::load(&self.name).expect("load the pod's state")
    }

    pub fn pause(&self) -> ProcessId {
        self.state().pause.expect("pause recorded")
    }

    /// `setns-demo exec [OPTIONS] NAME -- CMD...`, waited for.
    pub fn exec(&self, options: &[&str], command: &[&str]) -> Output {
        let mut args = vec!["exec"];
        args.extend_from_slice(options);
        args.push(&self.name);
        args.push("--");
        args.extend_from_slice(command);
        run_cli(&args)
    }

    /// Like [`Pod::exec`], asserting success; returns stdout.
    pub fn exec_ok(&self, options: &[&str], command: &[&str]) -> String {
        let out = self.exec(options, command);
        assert!(out.status.success(), "exec {command:?}: {out:?}");
        stdout(&out)
    }

    /// Starts a member in the background; returns it.
    pub fn start(&self, options: &[&str], command: &[&str]) -> ProcessId {
        let mut opts = vec!["--detach"];
        opts.extend_from_slice(options);
        let text = self.exec_ok(&opts, command);
        // "member running: host PID 4242, PID 2 in its PID namespace"
        let pid: i32 = text
            .split("host PID ")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .and_then(|pid| pid.trim().parse().ok())
            .unwrap_or_else(|| panic!("no host PID in {text:?}"));
        ProcessId::of(pid).expect("the member is running")
    }
}

impl Drop for Pod {
    fn drop(&mut self) {
        let _ = run_cli(&["rm", &self.name]);
    }
}

/// The inode of namespace `kind` of `pid`.
pub fn inode(pid: i32, kind: &str) -> u64 {
    nsproc::ns_inode(pid, nsproc::NsKind::parse(kind).unwrap()).unwrap()
}

/// Sends an HTTP GET for / to 127.0.0.1:port, returns the whole response.
pub fn http_get(port: u16) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut text = String::new();
    stream.read_to_string(&mut text)?;
    Ok(text)
}

/// Polls until a GET through `port` answers with a page containing `needle`.
pub fn wait_for_page(port: u16, needle: &str) -> String {
    nsproc::wait_until(
        Duration::from_secs(10),
        &format!("a page with {needle:?}"),
        || http_get(port).ok().filter(|page| page.contains(needle)),
    )
    .unwrap()
}

/// The bash line a member runs to GET / from 127.0.0.1:port in the pod.
pub fn bash_get(port: u16) -> String {
    format!(
        "exec 3<>/dev/tcp/127.0.0.1/{port} && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3"
    )
}
