//! The console sessions the chapter shows live in `transcripts/*.txt`. Each
//! test replays one: every `$ ` line is run with bash (stderr merged into
//! stdout), and what it prints must match the lines below it, once the
//! numbers that change from run to run (PIDs, inodes, ports), addresses,
//! MACs and paths are normalised on both sides. `SETNS_DEMO_BLESS=1`
//! rewrites the files from a real run instead.

mod common;

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const LAB: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn transcript_pod_by_hand() {
    if can_make_pods() && is_root() {
        replay("pod-by-hand.txt");
    }
}

#[test]
fn transcript_share_process_namespace() {
    if can_make_pods() && is_root() {
        replay("share-process-namespace.txt");
    }
}

#[test]
fn transcript_seed_demo() {
    if can_make_pods() && is_root() && has_program("nginx") && has_program("curl") {
        replay("seed-demo.txt");
    }
}

fn has_program(name: &str) -> bool {
    let found = setns_demo::process::find_in_path(name)
        .or_else(|| Some(Path::new("/usr/sbin").join(name)).filter(|p| p.is_file()));
    nsproc::require(name, found.ok_or(format!("{name} is not installed"))).is_some()
}

/// Removes the pods a transcript made, also when the test fails.
struct Cleanup(Vec<String>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = run_cli(&["rm", name]);
        }
    }
}

fn replay(file: &str) {
    let path = Path::new(LAB).join("transcripts").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let steps = parse(&text);
    let _cleanup = Cleanup(
        steps
            .iter()
            .filter_map(|(command, _)| command.strip_prefix("setns-demo run "))
            .filter_map(|rest| rest.split_whitespace().next().map(str::to_string))
            .collect(),
    );
    // The seed's port 8880 may be taken here: use a free one instead.
    let port = free_port().to_string();
    let mut written = String::new();
    let mut mismatches = Vec::new();
    for (command, expected) in &steps {
        let actual = run_step(&command.replace("8880", &port));
        written += &format!("$ {command}\n{actual}");
        if normalise(expected) != normalise(&actual) {
            mismatches.push(format!(
                "$ {command}\n--- expected\n{expected}--- got\n{actual}"
            ));
        }
    }
    if std::env::var_os("SETNS_DEMO_BLESS").is_some() {
        std::fs::write(&path, written.replace(&port, "8880")).unwrap();
        return;
    }
    assert!(
        mismatches.is_empty(),
        "{}:\n{}",
        path.display(),
        mismatches.join("\n")
    );
}

/// (command, expected output) pairs.
fn parse(text: &str) -> Vec<(String, String)> {
    let mut steps: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        match line.strip_prefix("$ ") {
            Some(command) => steps.push((command.to_string(), String::new())),
            None => {
                if let Some((_, output)) = steps.last_mut() {
                    *output += line;
                    output.push('\n');
                }
            }
        }
    }
    steps
}

fn run_step(command: &str) -> String {
    let bin_dir = |path: PathBuf| path.parent().unwrap().to_path_buf();
    let dirs = [
        bin_dir(PathBuf::from(BIN)),
        bin_dir(tiny_blog()),
        PathBuf::from("/usr/sbin"),
    ];
    let path = std::env::join_paths(dirs.into_iter().chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let out = Command::new("bash")
        .args(["-c", &format!("exec 2>&1; {command}")])
        .current_dir(LAB)
        .env("PATH", path)
        .env("SETNS_DEMO_PAUSE", pause_binary())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Lines with single spaces, where varying values become placeholders.
fn normalise(text: &str) -> Vec<String> {
    text.replace(LAB, "$PWD")
        .lines()
        .map(|line| {
            line.split_whitespace()
                .map(token)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|line| !line.is_empty())
        .collect()
}

fn token(word: &str) -> String {
    if word.ends_with("/pause") {
        return "PAUSE".into();
    }
    // The lab's own files, wherever the checkout was when the file was made.
    if let Some((_, file)) = word.split_once("/labs/setns/") {
        return format!("$PWD/{file}");
    }
    let hex = |s: &str| s.chars().all(|c| c.is_ascii_hexdigit());
    let parts: Vec<&str> = word.split(':').collect();
    if parts.len() == 6 && parts.iter().all(|p| p.len() == 2 && hex(p)) {
        return "MAC".into();
    }
    if word.len() == 10 && word.starts_with("sd") && hex(&word[2..]) {
        return "IF".into();
    }
    // `ip -br` names a veth end with its peer's index: eth0@if54.
    if let Some((name, peer)) = word.split_once("@if")
        && peer.chars().all(|c| c.is_ascii_digit())
    {
        return format!("{name}@ifN");
    }
    // Runs of digits and dots: a non-loopback IPv4 address becomes IP, and
    // numbers of three digits or more (PIDs, inodes, ports) become N.
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        match run.trim_end_matches('.').parse::<Ipv4Addr>() {
            Ok(ip) if !ip.is_loopback() => {
                out.push_str("IP");
                if run.ends_with('.') {
                    out.push('.');
                }
            }
            Ok(_) => out.push_str(run),
            _ => {
                for (i, piece) in run.split('.').enumerate() {
                    if i > 0 {
                        out.push('.');
                    }
                    out.push_str(if piece.len() >= 3 { "N" } else { piece });
                }
            }
        }
        run.clear();
    };
    for c in word.chars() {
        if c.is_ascii_digit() || c == '.' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[test]
fn normalising_hides_what_varies_and_keeps_the_rest() {
    assert_eq!(
        normalise("  1   4711  pod   /x/debug/pause\n"),
        ["1 N pod PAUSE"]
    );
    assert_eq!(
        normalise("eth0  10.213.0.6/30 02:42:0a:d5:00:06 (host side sd0ad50004 10.213.0.5/30)"),
        ["eth0 IP/30 MAC (host side IF IP/30)"]
    );
    assert_eq!(
        normalise("net:[4026532182] 127.0.0.1:8880"),
        ["net:[N] 127.0.0.1:N"]
    );
    assert_eq!(normalise("eth0@if54 UP"), ["eth0@ifN UP"]);
    assert_ne!(normalise("PID 1 in the pod"), normalise("PID 2 in the pod"));
}
