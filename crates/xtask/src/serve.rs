//! `cargo xtask serve [--port N] [--open]`: install the pinned book tools if
//! needed, then `mdbook serve` the book at the repository's root.

use crate::tools;
use std::path::PathBuf;
use std::process::Command;

const USAGE: &str = "usage: cargo xtask serve [--port N] [--open]
  --port N, -p N   port to serve on (default 3000)
  --open, -o       open the book in the default web browser";

#[derive(Debug, PartialEq, Eq)]
struct Options {
    port: u16,
    open: bool,
}

fn parse(args: &[String]) -> Result<Option<Options>, String> {
    let mut options = Options {
        port: 3000,
        open: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        match flag {
            "--port" | "-p" => {
                let value = inline_value
                    .or_else(|| args.next().cloned())
                    .ok_or_else(|| format!("{flag} needs a port number\n{USAGE}"))?;
                options.port = value
                    .parse()
                    .ok()
                    .filter(|port| *port != 0)
                    .ok_or_else(|| format!("{value:?} is not a port (1-65535)\n{USAGE}"))?;
            }
            "--open" | "-o" if inline_value.is_none() => options.open = true,
            "--help" | "-h" => return Ok(None),
            _ => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
        }
    }
    Ok(Some(options))
}

/// The repository's root, where book.toml is.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let Some(options) = parse(args)? else {
        println!("{USAGE}");
        return Ok(());
    };
    tools::ensure_book_tools()?;
    let root = repo_root();
    let base = format!("http://localhost:{}", options.port);
    println!("Serving the book from {} (Ctrl-C stops):", root.display());
    println!("  简体中文: {base}/zh/index.html");
    println!("  English:  {base}/en/index.html");
    println!("(the first build also compiles the mdbook-claims preprocessor: about a minute)");
    let mut command = Command::new(tools::tool_program(&tools::BOOK_TOOLS[0]));
    command
        .arg("serve")
        .arg("--port")
        .arg(options.port.to_string())
        .current_dir(&root)
        .env("PATH", tools::path_with_cargo_bin());
    if options.open {
        command.arg("--open");
    }
    let status = command
        .status()
        .map_err(|err| format!("cannot run mdbook: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "mdbook serve ended with {status}; if the port is taken, try --port {}",
            options.port.wrapping_add(1).max(1)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_and_flags() {
        assert_eq!(
            parse(&[]).unwrap(),
            Some(Options {
                port: 3000,
                open: false
            })
        );
        assert_eq!(
            parse(&args(&["--port", "8080", "--open"])).unwrap(),
            Some(Options {
                port: 8080,
                open: true
            })
        );
        assert_eq!(parse(&args(&["-p=4000"])).unwrap().unwrap().port, 4000);
        assert_eq!(parse(&args(&["--help"])).unwrap(), None);
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert!(
            parse(&args(&["--port"]))
                .unwrap_err()
                .contains("needs a port number")
        );
        assert!(
            parse(&args(&["--port", "0"]))
                .unwrap_err()
                .contains("is not a port")
        );
        assert!(
            parse(&args(&["--port", "http"]))
                .unwrap_err()
                .contains("is not a port")
        );
        assert!(
            parse(&args(&["--bind", "x"]))
                .unwrap_err()
                .contains("unknown argument \"--bind\"")
        );
        assert!(
            parse(&args(&["--open=yes"]))
                .unwrap_err()
                .contains("unknown argument")
        );
    }
}
