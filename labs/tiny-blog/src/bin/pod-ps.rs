//! `pod-ps`: the processes this PID namespace shows, `ps aux`-style.

use std::path::Path;

use tiny_blog::processes::{format_table, list, parse_passwd};

fn main() {
    if std::env::args().len() > 1 {
        eprintln!("usage: pod-ps   (lists PID, USER and COMMAND of every process in /proc)");
        std::process::exit(2);
    }
    // FROM-scratch images may have no /etc/passwd: then users are numbers.
    let users = std::fs::read_to_string("/etc/passwd")
        .map(|text| parse_passwd(&text))
        .unwrap_or_default();
    match list(Path::new("/proc")) {
        Ok(processes) => print!("{}", format_table(&processes, &users)),
        Err(message) => {
            eprintln!("pod-ps: {message}");
            std::process::exit(1);
        }
    }
}
