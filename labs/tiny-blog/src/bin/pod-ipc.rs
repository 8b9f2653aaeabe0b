//! `pod-ipc create KEY [BYTES] | list | remove KEY`: SysV shared memory in
//! this IPC namespace.

use std::path::Path;

use tiny_blog::Error;
use tiny_blog::ipc::{create, format_segments, list, parse_key, remove};

const USAGE: &str = "usage: pod-ipc create KEY [BYTES] | list | remove KEY
  KEY: a SysV IPC key such as 0x70617573; BYTES defaults to 4096
";

fn run(args: &[String]) -> tiny_blog::Result<String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["list"] => Ok(format_segments(&list(Path::new("/proc"))?)),
        ["create", key, rest @ ..] if rest.len() <= 1 => {
            let key = parse_key(key)?;
            let bytes = match rest.first() {
                Some(text) => text.parse().map_err(|_| {
                    Error::BadInput(format!("BYTES {text:?}: expected a positive number"))
                })?,
                None => 4096,
            };
            create(key, bytes)?;
            Ok(format!("created {:#010x} ({bytes} bytes)\n", key as u32))
        }
        ["remove", key] => {
            let key = parse_key(key)?;
            remove(key)?;
            Ok(format!("removed {:#010x}\n", key as u32))
        }
        _ => Err(Error::BadInput(USAGE.to_string())),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(text) => print!("{text}"),
        Err(message) => {
            eprintln!("pod-ipc: {message}");
            std::process::exit(2);
        }
    }
}
