//! The console transcripts the book shows (labs/zombies/transcripts/*.txt)
//! are what the commands print: each file starts with `$ <command>`, and the
//! test runs that command and compares, after blanking what varies from run
//! to run (PIDs, times, and for `once` how many SIGCHLDs coalesced).

mod common;

use std::path::Path;
use std::process::Command;

use common::{bin, namespaces, pause, root};

/// Digits right after `marker` become `N`.
fn blank_after(line: &str, marker: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(marker) {
        let (before, after) = rest.split_at(at + marker.len());
        out.push_str(before);
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push('N');
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Decimal numbers (times) become `T`.
fn blank_times(line: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            out.push_str(if number.contains('.') { "T" } else { &number });
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn normalise(text: &str, extra: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut line = blank_times(line.trim_end());
        for marker in ["PID ", "zombie-reaping-", "parent "].iter().chain(extra) {
            line = blank_after(&line, marker);
        }
        // cgroup v1 or v2, whichever the machine has: the version and the
        // path differ, pids.max does not.
        if let Some(at) = line
            .find(": pids.max")
            .filter(|_| line.starts_with("pids cgroup "))
        {
            line = format!("pids cgroup CGROUP{}", &line[at..]);
        }
        // The timeline's samples depend on timing: keep their shape only.
        if line.starts_with("after Ts: ") {
            line = blank_after(&line, "after Ts: ");
        }
        if lines.last() != Some(&line) {
            lines.push(line);
        }
    }
    lines
}

fn check(name: &str, extra: &[&str]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("transcripts")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let (first, expected) = text.split_once('\n').unwrap();
    let command = first
        .strip_prefix("$ ")
        .expect("a transcript starts with `$ `");
    let command = command.strip_prefix("sudo ").unwrap_or(command);
    let mut words = command.split_whitespace();
    assert_eq!(words.next(), Some("zombie-reaping"), "{name}");
    let mut run = Command::new(bin());
    run.args(words);
    if command.contains("--init pause") {
        run.env("PAUSE_BIN", pause().expect("the pause binary"));
    }
    let out = run.output().unwrap();
    assert!(out.status.success(), "{name}: {out:?}");
    let actual = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        normalise(&actual, extra),
        normalise(expected, extra),
        "{name} no longer matches; the command now prints:\n{actual}"
    );
}

#[test]
fn normalising_keeps_what_matters() {
    assert_eq!(blank_after("host PID 4711)", "PID "), "host PID N)");
    assert_eq!(
        blank_times("after 0.05s: 12 zombies"),
        "after Ts: 12 zombies"
    );
    let a = normalise(
        "after 0.00s: 412 zombies\nafter 0.05s: 0 zombies\nsettled after 0.10s: 0 zombies left",
        &[],
    );
    let b = normalise(
        "after 0.01s: 0 zombies\nsettled after 0.05s: 0 zombies left",
        &[],
    );
    assert_eq!(a, b);
    let c = normalise("settled after 0.05s: 5 zombies left", &[]);
    assert_ne!(b[1], c[0], "the final count must still be compared");
}

#[test]
fn demo_transcripts_match() {
    if !namespaces() || pause().is_none() {
        return;
    }
    check("demo-pause.txt", &[]);
    check("demo-none.txt", &[]);
    check("demo-once.txt", &["settled after Ts: "]);
}

#[test]
fn subreaper_transcript_matches() {
    check("subreaper.txt", &[]);
}

#[test]
fn pids_limit_transcripts_match() {
    if !root("root, to create a pids cgroup") || !namespaces() || pause().is_none() {
        return;
    }
    check("pids-limit-none.txt", &[]);
    check("pids-limit-pause.txt", &[]);
}
