//! The in-page lab runner: serves the built book on 127.0.0.1 and runs,
//! for its pages, the labs' transcripts marked `runnable`, by id only,
//! behind a per-start token and Host/Origin checks. The protocol is in
//! this crate's README.md.
//!
//! One idea per module: [`config`] (the command line), [`auth`] (token,
//! Host, Origin), [`allowlist`] (what may run), [`labenv`] (the
//! environment of a lab's commands), [`session`] (bash with split pipes),
//! [`events`] (a run's events, as SSE), [`lifecycle`] (one run, start to
//! cleanup), [`cleanup`] (removing what a run made), [`runs`] (the
//! registry and its caps), [`pod`] (the /proc view of a run's pods),
//! [`static_book`] (the book's files, token injected), [`http`] (the router).

pub mod allowlist;
pub mod auth;
pub mod cleanup;
pub mod config;
mod error;
pub mod events;
pub mod http;
pub mod labenv;
pub mod lifecycle;
pub mod pod;
pub mod runs;
pub mod session;
pub mod static_book;

use std::io::{ErrorKind, Write};
use std::sync::Arc;
use std::time::Duration;

pub use error::Error;

use config::{Args, Settings};

/// Binds 127.0.0.1:`port` (never another address).
pub fn bind(port: u16) -> Result<std::net::TcpListener, Error> {
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => Ok(listener),
        Err(e) if e.kind() == ErrorKind::AddrInUse => Err(Error::PortTaken { port }),
        Err(source) => Err(Error::Listen { port, source }),
    }
}

/// Runs the runner until SIGINT or SIGTERM; then stops every run, waits
/// for their cleanup, and returns.
pub async fn run(args: Args) -> Result<(), Error> {
    let settings = Settings::from_args(&args).map_err(Error::io("find the runner's folders"))?;
    if !settings.book.join("index.html").is_file() {
        return Err(Error::NoBook {
            path: settings.book.clone(),
        });
    }
    let allowlist = Arc::new(allowlist::Allowlist::load(
        &settings.root,
        args.extra_transcripts.as_deref(),
        &settings.bin_dir,
        settings.is_root,
    )?);
    let listener = bind(args.port)?;
    listener
        .set_nonblocking(true)
        .map_err(Error::io("set up the listening socket"))?;
    let port = listener
        .local_addr()
        .map_err(Error::io("read the listening address"))?
        .port();
    let listener =
        tokio::net::TcpListener::from_std(listener).map_err(Error::io("listen with tokio"))?;
    let mut signals = Signals::new()?;
    let settings = Arc::new(settings);
    let registry = runs::Registry::new(settings.clone(), allowlist.clone());
    let app = http::App {
        token: auth::Token::generate()?,
        port,
        book: settings.book.clone(),
        allowlist: allowlist.clone(),
        runs: registry.clone(),
    };
    let (quit, quitting) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, http::router(app))
        .with_graceful_shutdown(async {
            let _ = quitting.await;
        })
        .into_future();
    let server = tokio::spawn(server);
    announce(port, allowlist.len(), &settings);
    let signal = signals.next().await;
    eprintln!("lab-runner: {signal}: stopping every run and removing what it made");
    let stopped = registry.shutdown(Duration::from_secs(60)).await;
    let _ = quit.send(());
    // Open event streams end with their runs; give the rest a moment.
    let _ = tokio::time::timeout(Duration::from_secs(3), server).await;
    eprintln!("lab-runner: stopped ({stopped} runs were going; nothing of theirs is left)");
    Ok(())
}

fn announce(port: u16, runnable: usize, settings: &Settings) {
    let base = format!("http://127.0.0.1:{port}");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "lab-runner: serving the book at {base}/");
    let _ = writeln!(out, "  简体中文  {base}/zh/index.html");
    let _ = writeln!(out, "  English   {base}/en/index.html");
    let _ = writeln!(
        out,
        "  {runnable} runnable transcripts; lab binaries from {}{}",
        settings.bin_dir.display(),
        if settings.is_root {
            ""
        } else {
            " (not root: commands that need root are refused)"
        }
    );
    let _ = writeln!(
        out,
        "Ctrl-C stops the runner and removes everything its runs made"
    );
    let _ = out.flush();
}

/// SIGINT and SIGTERM.
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Signals, Error> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            int: signal(SignalKind::interrupt()).map_err(Error::io("catch SIGINT"))?,
            term: signal(SignalKind::terminate()).map_err(Error::io("catch SIGTERM"))?,
        })
    }

    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.int.recv() => "SIGINT",
            _ = self.term.recv() => "SIGTERM",
        }
    }
}
