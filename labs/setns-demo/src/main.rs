//! The `setns-demo` command line. Every failure is one line on stderr,
//! `setns-demo: <what went wrong and what to do>`, and a non-zero exit.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use nsproc::NsKind;
use setns_demo::error::{Error, Result};
use setns_demo::member::{EXIT_SETUP_FAILED, Member};
use setns_demo::network::Subnet;
use setns_demo::pod::{self, RunRequest};
use setns_demo::{forward, join, process, state, views};

/// Build a pod by hand: pause holds the namespaces, members join them with setns(2).
#[derive(Parser)]
#[command(name = "setns-demo", version)]
struct Cli {
    /// The pause binary to run [default: $SETNS_DEMO_PAUSE, $PAUSE_BIN, `pause`
    /// beside setns-demo, then `pause` in $PATH]
    #[arg(long, global = true, value_name = "PATH")]
    pause: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start pause as PID 1 of new net, ipc, uts and pid namespaces
    Run {
        name: String,
        /// Forward a host port into the pod: [HOST_IP:]HOST_PORT:POD_PORT
        /// (HOST_IP defaults to 127.0.0.1)
        #[arg(short, long, value_name = "SPEC")]
        publish: Vec<String>,
        /// The pod's hostname [default: the pod's name]
        #[arg(long)]
        hostname: Option<String>,
        /// Address range for pods, one /30 each [default: $SETNS_DEMO_SUBNET or 10.213.0.0/24]
        #[arg(long, value_name = "CIDR")]
        subnet: Option<String>,
    },
    /// Run a command inside the pod, joining pause's namespaces
    Exec {
        /// The namespaces to join, out of net, ipc, uts and pid; without pid
        /// the command is PID 1 of a PID namespace of its own
        #[arg(long, default_value = "net,ipc,uts,pid", value_name = "LIST")]
        share: String,
        /// Start it in the background (output to the pod's members.log)
        /// and print its host PID
        #[arg(short, long)]
        detach: bool,
        name: String,
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
    /// List the pod's processes, with the PIDs they see themselves as
    Ps { name: String },
    /// Show the namespace inodes of pause and every member
    Ns { name: String },
    /// List pods
    Ls,
    /// Stop a pod and remove everything it made
    Rm { name: String },
    /// (internal) The --publish forwarder daemon
    #[command(hide = true)]
    Forward {
        pause_pid: i32,
        listeners: Vec<String>,
    },
}

fn main() {
    let cli = Cli::parse();
    let code = match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("setns-demo: {err}");
            err.code
        }
    };
    std::process::exit(code);
}

fn dispatch(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Run {
            name,
            publish,
            hostname,
            subnet,
        } => {
            state::validate_name(&name)?;
            let publish = publish
                .iter()
                .map(|p| pod::parse_publish(p))
                .collect::<Result<Vec<_>>>()?;
            let subnet = match subnet {
                Some(text) => Subnet::parse(&text)?,
                None => Subnet::from_env()?,
            };
            let pause = find_pause(cli.pause)?;
            let pod = pod::run(RunRequest {
                name,
                hostname,
                publish,
                subnet,
                pause,
            })?;
            print!("{}", describe(&pod));
            Ok(0)
        }
        Command::Exec {
            share,
            detach,
            name,
            command,
        } => exec(&name, &share, detach, &command),
        Command::Ps { name } => {
            print!("{}", views::ps(&running(&name)?));
            Ok(0)
        }
        Command::Ns { name } => {
            print!("{}", views::ns(&running(&name)?));
            Ok(0)
        }
        Command::Ls => {
            print!("{}", views::list());
            Ok(0)
        }
        Command::Rm { name } => {
            let removal = pod::remove(&name)?;
            for line in &removal.found {
                println!("{line}");
            }
            if removal.left.is_empty() {
                println!("pod {name} removed");
                return Ok(0);
            }
            for line in &removal.left {
                eprintln!("setns-demo: {line}");
            }
            println!("pod {name} removed, except what is listed above");
            Ok(1)
        }
        Command::Forward {
            pause_pid,
            listeners,
        } => {
            let listeners = listeners
                .iter()
                .map(|l| forward::parse_listener(l))
                .collect::<Result<Vec<_>>>()?;
            forward::serve(pause_pid, &listeners)?;
            Ok(0)
        }
    }
}

/// The pod's state, if its pause is still running and we may look into it.
fn running(name: &str) -> Result<state::PodState> {
    let pod = state::load(name)?;
    match views::status(&pod) {
        "running" => {}
        "starting" => {
            return Err(Error::new(format!(
                "pod {name:?} is not ready (its `run` has not finished, or was killed): wait, \
                 or remove it with `setns-demo rm {name}`"
            )));
        }
        _ => {
            return Err(Error::new(format!(
                "pod {name:?} is not running (its pause exited): remove it with `setns-demo rm {name}`"
            )));
        }
    }
    let pause = pod.pause.map_or(0, |p| p.pid);
    if let Err(e) = std::fs::read_link(format!("/proc/{pause}/ns/pid")) {
        return Err(Error::new(format!(
            "we may not look into pod {name:?} (/proc/{pause}/ns of its pause: {e}): run as \
             the user who made it, or as root"
        )));
    }
    Ok(pod)
}

fn exec(name: &str, share: &str, detach: bool, command: &[String]) -> Result<i32> {
    let kinds = parse_share(share).map_err(|e| e.with_code(EXIT_SETUP_FAILED))?;
    let pod = running(name).map_err(|e| e.with_code(EXIT_SETUP_FAILED))?;
    let pause = pod.pause.expect("a running pod has a pause").pid;
    let joins = join::open(pause, &kinds).map_err(|e| e.with_code(EXIT_SETUP_FAILED))?;
    let member = Member {
        joins: &joins,
        share_pid: kinds.contains(&NsKind::Pid),
        argv: command,
        record_in: Some(name),
    };
    if detach {
        let log = state::pod_dir(name)?.join("members.log");
        let pid = member.run_detached(&log)?;
        let inner = process::pid_in_own_namespace(pid).map_or("?".into(), |p| p.to_string());
        println!("member running: host PID {pid}, PID {inner} in its PID namespace");
        Ok(0)
    } else {
        member.run()
    }
}

fn parse_share(text: &str) -> Result<Vec<NsKind>> {
    let bad = |what: &str| {
        Error::new(format!(
            "invalid --share {text:?}: {what}; list some of net,ipc,uts,pid (the mount \
             namespace is never shared)"
        ))
    };
    let mut kinds = Vec::new();
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match NsKind::parse(word) {
            Ok(kind @ (NsKind::Net | NsKind::Ipc | NsKind::Uts | NsKind::Pid)) => kinds.push(kind),
            _ => return Err(bad(&format!("{word:?} cannot be shared"))),
        }
    }
    if kinds.is_empty() {
        return Err(bad("nothing to share"));
    }
    Ok(kinds)
}

/// Where pause is: --pause, $SETNS_DEMO_PAUSE, $PAUSE_BIN, beside us, $PATH.
fn find_pause(explicit: Option<PathBuf>) -> Result<PathBuf> {
    let from_env = |var: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let given = explicit
        .map(|p| ("--pause", p))
        .or_else(|| from_env("SETNS_DEMO_PAUSE").map(|p| ("$SETNS_DEMO_PAUSE", p)))
        .or_else(|| from_env("PAUSE_BIN").map(|p| ("$PAUSE_BIN", p)));
    if let Some((source, path)) = given {
        if path.is_file() {
            return Ok(path);
        }
        return Err(Error::new(format!(
            "{source} names {}, which is not a file: give the path of a pause binary",
            path.display()
        )));
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("pause")))
        .filter(|p| p.is_file());
    beside
        .or_else(|| process::find_in_path("pause"))
        .ok_or_else(|| {
            Error::new(
                "cannot find the pause binary: pass --pause PATH or set SETNS_DEMO_PAUSE \
                 (build one with `cargo build -p pause`)",
            )
        })
}

/// What `run` prints.
fn describe(pod: &state::PodState) -> String {
    let pause = pod.pause.map_or(0, |p| p.pid);
    let mut out = format!(
        "pod {} running: pause is PID {pause} on the host, PID 1 in the pod\n",
        pod.name
    );
    if let Some(ns) = pod.namespaces {
        out += &format!(
            "  namespaces  net:[{}] ipc:[{}] uts:[{}] pid:[{}]\n",
            ns.net, ns.ipc, ns.uts, ns.pid
        );
    }
    out += &format!("  hostname    {}\n", pod.hostname);
    match &pod.network {
        Some(net) => {
            out += &format!(
                "  eth0        {}/{} {} (host side {} {}/{})\n",
                net.pod_ip, net.prefix, net.mac, net.host_if, net.host_ip, net.prefix
            )
        }
        None => out += "  network     loopback only (rootless: no veth to the host)\n",
    }
    for p in &pod.publish {
        out += &format!(
            "  publish     {}:{} -> 127.0.0.1:{} in the pod\n",
            p.host_ip, p.host_port, p.pod_port
        );
    }
    out
}
