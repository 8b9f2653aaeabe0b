//! `pod-ns [--pid PID] [KIND...]`: prints `kind  kind:[inode]` for each namespace.

use std::path::Path;

use tiny_blog::namespaces::{KINDS, report};

fn usage() -> String {
    format!(
        "usage: pod-ns [--pid PID] [KIND...]\n  KIND: {} (default: all)\n",
        KINDS.join(", ")
    )
}

fn main() {
    let mut pid = "self".to_string();
    let mut kinds = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pid" => match args.next() {
                Some(value) if value.parse::<u32>().is_ok() => pid = value,
                _ => {
                    eprintln!("pod-ns: --pid needs a number\n{}", usage());
                    std::process::exit(2);
                }
            },
            "-h" | "--help" => {
                print!("{}", usage());
                return;
            }
            _ => kinds.push(arg),
        }
    }
    match report(Path::new("/proc"), &pid, &kinds) {
        Ok(text) => print!("{text}"),
        Err(message) => {
            eprintln!("pod-ns: {message}");
            std::process::exit(1);
        }
    }
}
