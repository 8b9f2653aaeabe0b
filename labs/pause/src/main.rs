use std::process::exit;

fn main() {
    if pause::wants_version(std::env::args_os().skip(1)) {
        println!("pause.rs {}", pause::VERSION);
        exit(0);
    }
    if std::process::id() != 1 {
        eprintln!("Warning: pause should be the first process");
    }
    if let Err(code) = pause::handlers::install() {
        exit(code);
    }
    loop {
        nix::unistd::pause();
    }
}
