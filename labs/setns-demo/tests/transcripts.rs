//! The console sessions the chapter shows (`transcripts/*.txt`, listed in
//! `transcripts/transcripts.toml`), replayed by the shared harness: every
//! `$ ` line runs in bash (stderr merged into stdout) from the lab folder,
//! with this lab's `setns-demo`, the workspace's pause and tiny-blog in
//! `$PATH`, and must print what the file shows after the manifest's
//! redactions. `PAUSE_BOOK_BLESS=1` rewrites the files from a real run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

const LAB: &str = env!("CARGO_MANIFEST_DIR");

/// The seed's port; it may be taken here, so the run uses a free one.
const SEED_PORT: &str = "8880";

#[test]
fn transcript_pod_by_hand() {
    if can_make_pods() && is_root() {
        replay("pod-by-hand");
    }
}

#[test]
fn transcript_share_process_namespace() {
    if can_make_pods() && is_root() {
        replay("share-process-namespace");
    }
}

#[test]
fn transcript_seed_demo() {
    if can_make_pods() && is_root() && has_program("nginx") && has_program("curl") {
        replay("seed-demo");
    }
}

fn has_program(name: &str) -> bool {
    let found = setns_demo::process::find_in_path(name)
        .or_else(|| Some(Path::new("/usr/sbin").join(name)).filter(|p| p.is_file()));
    testkit::require(name, found.ok_or(format!("{name} is not installed"))).is_some()
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

fn replay(id: &str) {
    let lab = transcripts::Lab::open(LAB).unwrap();
    let transcript = lab.transcript(id).unwrap_or_else(|e| panic!("{e}"));
    let _cleanup = Cleanup(
        transcript
            .commands()
            .iter()
            .filter_map(|command| command.strip_prefix("setns-demo run "))
            .filter_map(|rest| rest.split_whitespace().next().map(str::to_string))
            .collect(),
    );
    let port = free_port().to_string();
    let replayed = transcript.replay(|command| {
        run_step(&command.replace(SEED_PORT, &port)).map(|out| out.replace(&port, SEED_PORT))
    });
    replayed.unwrap_or_else(|e| panic!("{e}"));
}

fn run_step(command: &str) -> std::io::Result<String> {
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
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The `ns` table of a pod whose members share the namespaces, and of one
/// where they do not, must differ after redaction: the redaction keeps
/// which inodes are equal.
#[test]
fn redacted_ns_tables_still_show_which_inodes_are_shared() {
    let lab = transcripts::Lab::open(LAB).unwrap();
    let transcript = lab.transcript("pod-by-hand").unwrap();
    let table = |member_net: &str| {
        format!(
            "HOST-PID  NET        IPC        COMMAND\n   32554  4026532183 4026532181 pause\n   32566  {member_net} 4026532181 sleep\n"
        )
    };
    let shared = transcript.redact(&[&table("4026532183")]);
    let apart = transcript.redact(&[&table("4026532999")]);
    assert_ne!(shared, apart);
    assert!(
        shared[0].contains("   PID-B  ns-A       ns-B       sleep"),
        "{}",
        shared[0]
    );
}
