//! The console transcripts the book shows (`transcripts/*.txt`, listed in
//! `transcripts/transcripts.toml`), replayed by the shared harness: each
//! `$ zombie-reaping ...` line runs the lab's binary (a leading `sudo` is
//! the reader's, not ours), and the output must equal the file after the
//! manifest's redactions. `PAUSE_BOOK_BLESS=1` rewrites the files.

mod common;

use std::process::Command;

use common::{bin, namespaces, pause, root};

/// Runs one transcript command line with the lab's binary.
fn run(command: &str) -> Result<String, String> {
    let command = command.strip_prefix("sudo ").unwrap_or(command);
    let mut words = command.split_whitespace();
    if words.next() != Some("zombie-reaping") {
        return Err(format!("not a zombie-reaping command: {command}"));
    }
    let mut run = Command::new(bin());
    run.args(words);
    if command.contains("--init pause") {
        run.env("PAUSE_BIN", pause().ok_or("no pause binary")?);
    }
    let out = run.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("{out:?}"));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

fn check(id: &str) {
    transcripts::assert_replay(env!("CARGO_MANIFEST_DIR"), id, run);
}

#[test]
fn demo_transcripts_match() {
    if !namespaces() || pause().is_none() {
        return;
    }
    check("demo-pause");
    check("demo-none");
    check("demo-once");
}

#[test]
fn subreaper_transcript_matches() {
    check("subreaper");
}

#[test]
fn pids_limit_transcripts_match() {
    if !root("root, to create a pids cgroup") || !namespaces() || pause().is_none() {
        return;
    }
    check("pids-limit-none");
    check("pids-limit-pause");
}

/// The manifest's redactions keep what the claims depend on: the final
/// count, and (for `once`) that zombies are left at all.
#[test]
fn redactions_keep_the_final_counts() {
    let lab = transcripts::Lab::open(env!("CARGO_MANIFEST_DIR")).unwrap();
    let redact = |id: &str, text: &str| lab.transcript(id).unwrap().redact(&[text]).remove(0);
    let pause_run = "after 0.00s: 412 zombies\nafter 0.05s: 0 zombies\nsettled after 0.10s: 0 zombies left of 1000 orphans\n";
    let other_run = "after 0.01s: 0 zombies\nsettled after 0.05s: 0 zombies left of 1000 orphans\n";
    assert_eq!(
        redact("demo-pause", pause_run),
        redact("demo-pause", other_run)
    );
    let leaked = "after 0.01s: 5 zombies\nsettled after 0.05s: 5 zombies left of 1000 orphans\n";
    assert_ne!(
        redact("demo-pause", leaked),
        redact("demo-pause", other_run)
    );
    let once =
        |n: usize| format!("after 0.00s: {n} zombies\nsettled after 0.2s: {n} zombies left\n");
    assert_eq!(
        redact("demo-once", &once(873)),
        redact("demo-once", &once(412))
    );
    assert_ne!(
        redact("demo-once", &once(0)),
        redact("demo-once", &once(412))
    );
    let subreaper = "PID 13381 (a subreaper): 100 orphans have parent 13381";
    let elsewhere = "PID 13381 (a subreaper): 100 orphans have parent 13380";
    assert_ne!(
        redact("subreaper", subreaper),
        redact("subreaper", elsewhere)
    );
}
