//! `tiny-blog [--port N] [--bind ADDR]`: serves the blog until SIGTERM/SIGINT.

use std::io::Write;
use std::net::TcpListener;
use std::process::exit;

use tiny_blog::options::{self, Request, USAGE};

/// Exits at once on SIGTERM or SIGINT. As PID 1 of its own PID namespace
/// (a pod without a shared PID namespace) the kernel would drop those
/// signals without a handler, and `docker stop` would wait 10 s to SIGKILL.
extern "C" fn quit(_signal: libc::c_int) {
    // SAFETY: _exit is async-signal-safe.
    unsafe { libc::_exit(0) }
}

fn install_quit_handlers() {
    for signal in [libc::SIGTERM, libc::SIGINT] {
        // SAFETY: `quit` only calls an async-signal-safe function.
        unsafe { libc::signal(signal, quit as *const () as libc::sighandler_t) };
    }
}

fn main() {
    let options = match options::parse(std::env::args().skip(1)) {
        Ok(Request::Serve(options)) => options,
        Ok(Request::Help) => {
            print!("{USAGE}");
            return;
        }
        Err(message) => {
            eprintln!("tiny-blog: {message}");
            exit(2);
        }
    };
    install_quit_handlers();
    let listener = match TcpListener::bind(options.address()) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "tiny-blog: cannot listen on {}: {e}; pick another --port or --bind",
                options.address()
            );
            exit(1);
        }
    };
    // The actual address (with --port 0, the chosen port): the readiness line.
    let address = listener.local_addr().unwrap_or(options.address());
    println!("tiny-blog listening on http://{address}");
    let _ = std::io::stdout().flush();
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                std::thread::spawn(move || {
                    if let Err(e) = tiny_blog::http::handle(stream) {
                        eprintln!("tiny-blog: connection: {e}");
                    }
                });
            }
            Err(e) => eprintln!("tiny-blog: accept: {e}"),
        }
    }
}
