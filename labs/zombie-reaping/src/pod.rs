//! A minimal pod: an init as PID 1 of a new PID namespace, and a way to run
//! this program's orphan maker inside it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::Signal;
use nsproc::{CommandInNamespaces, EnterOptions, NsChild, NsCommand, NsKind, procfs};

use crate::inits::{NONE_READY, ONCE_READY};
use crate::reaping_init::LOOP_READY;
use crate::{Error, Result};

/// How long an init may take to install its handlers.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// Which program is PID 1 of the pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InitKind {
    /// Kubernetes' pause (this book's Rust one, or any `--pause` binary).
    Pause,
    /// An init that never waits.
    None,
    /// An init that reaps one child per SIGCHLD.
    Once,
    /// An init that reaps every exited child on each SIGCHLD (an exercise).
    Loop,
}

impl InitKind {
    /// The init named `name` (clap's value parser for `--init`).
    pub fn parse(name: &str) -> Result<InitKind> {
        <InitKind as clap::ValueEnum>::from_str(name, false).map_err(|_| {
            Error::input(format!(
                "unknown init {name:?}: use pause, none, once or loop"
            ))
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            InitKind::Pause => "pause",
            InitKind::None => "none",
            InitKind::Once => "once",
            InitKind::Loop => "loop",
        }
    }
}

// ANCHOR: locate
/// Finds the pause binary: `--pause PATH`, else `$PAUSE_BIN`, else a `pause`
/// next to this program (cargo builds both into the same directory), else
/// `pause` in `$PATH`.
pub fn locate_pause(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return executable(path, "--pause");
    }
    if let Some(path) = std::env::var_os("PAUSE_BIN") {
        return executable(Path::new(&path), "$PAUSE_BIN");
    }
    if let Some(sibling) = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join("pause")))
        .filter(|p| p.is_file())
    {
        return Ok(sibling);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("pause"))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Error::new(
                "could not find the pause binary: give --pause PATH, set PAUSE_BIN, \
                 or build it next to this program (cargo build -p pause)",
            )
        })
}
// ANCHOR_END: locate

fn executable(path: &Path, from: &str) -> Result<PathBuf> {
    if path.is_file() {
        Ok(path.to_path_buf())
    } else {
        Err(Error::new(format!(
            "the pause binary given by {from} does not exist: {}",
            path.display()
        )))
    }
}

/// This very program, to run its hidden init modes and its orphan maker.
pub fn this_program() -> Result<PathBuf> {
    std::env::current_exe().map_err(|e| Error::new(format!("could not find this program: {e}")))
}

/// A pod: `init` is PID 1 of a new PID namespace (and of the other
/// namespaces asked for). Dropping it kills the init, and with it the pod.
pub struct Pod {
    pub kind: InitKind,
    pub init: NsChild,
}

impl Pod {
    /// Starts the init and waits until it is ready to reap and to handle
    /// signals (a signal sent earlier would be lost).
    pub fn start(kind: InitKind, pause: Option<&Path>, extra: &[NsKind]) -> Result<Pod> {
        Pod::start_program(kind, &init_program(kind, pause)?, extra)
    }

    /// Like [`Pod::start`], with the program given (for the benchmark).
    pub fn start_program(kind: InitKind, program: &InitProgram, extra: &[NsKind]) -> Result<Pod> {
        let mut namespaces = vec![NsKind::Pid];
        namespaces.extend_from_slice(extra);
        let init = NsCommand::new(&program.path)
            .args(program.args.iter().cloned())
            .namespaces(&namespaces)
            .stdout(nsproc::Stdio::Null)
            .stderr(nsproc::Stdio::Null)
            .kill_with_parent(true)
            .spawn()
            .map_err(|e| Error::new(format!("could not start the {} init: {e}", kind.name())))?;
        let pid = init.pid();
        let ready = match kind {
            InitKind::Pause => nsproc::wait_for_handlers(
                pid,
                &[Signal::SIGTERM, Signal::SIGINT, Signal::SIGCHLD],
                READY_TIMEOUT,
            ),
            InitKind::None => wait_for_name(pid, NONE_READY),
            InitKind::Once => wait_for_name(pid, ONCE_READY),
            InitKind::Loop => wait_for_name(pid, LOOP_READY),
        };
        ready.map_err(|e| Error::new(format!("the {} init never got ready: {e}", kind.name())))?;
        Ok(Pod { kind, init })
    }

    /// The init's PID as the host sees it.
    pub fn pid(&self) -> i32 {
        self.init.pid()
    }

    /// A command that runs this program with `args` inside the pod's PID
    /// namespace (its parent, a small waiter, stays outside).
    pub fn command_inside(&self, args: &[&str]) -> Result<Command> {
        let mut command = Command::new(this_program()?);
        command.args(args).stdin(Stdio::null());
        self.enter(command)
    }

    /// Makes `command` run inside the pod's PID namespace. Hooks the caller
    /// set with `pre_exec` before run first, still outside.
    pub fn enter(&self, mut command: Command) -> Result<Command> {
        command
            .in_namespaces_of_with(
                self.pid(),
                &[NsKind::Pid],
                EnterOptions {
                    private_proc: false,
                },
            )
            .map_err(|e| Error::new(format!("could not enter the pod: {e}")))?;
        Ok(command)
    }
}

/// A program to start as init, with its arguments.
#[derive(Clone, Debug)]
pub struct InitProgram {
    pub path: PathBuf,
    pub args: Vec<String>,
}

fn init_program(kind: InitKind, pause: Option<&Path>) -> Result<InitProgram> {
    Ok(match kind {
        InitKind::Pause => InitProgram {
            path: locate_pause(pause)?,
            args: Vec::new(),
        },
        InitKind::None => InitProgram {
            path: this_program()?,
            args: vec!["init-none".into()],
        },
        InitKind::Once => InitProgram {
            path: this_program()?,
            args: vec!["init-once".into()],
        },
        InitKind::Loop => InitProgram {
            path: this_program()?,
            args: vec!["init-loop".into()],
        },
    })
}

fn wait_for_name(pid: i32, name: &str) -> nsproc::Result<()> {
    nsproc::wait_until(
        READY_TIMEOUT,
        &format!("process {pid} to call itself {name}"),
        || {
            procfs::status(pid)
                .ok()
                .filter(|s| s.name == name)
                .map(|_| ())
        },
    )
}
