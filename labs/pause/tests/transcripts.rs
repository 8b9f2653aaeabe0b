//! The console session the chapter shows (`transcripts/signals.txt`,
//! listed in `transcripts/transcripts.toml`), replayed by the shared
//! harness: the commands run one by one in one bash session, with this
//! crate's `pause` first in `$PATH`. After a command that starts pause in
//! the background, the step runs the manifest's `settle` (unseen): it waits
//! until that pause's handlers show in `SigCgt`, as the in-page runner does. `PAUSE_BOOK_BLESS=1` rewrites the file from a real run.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[test]
fn transcript_signals() {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_pause")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let mut bash = Command::new("bash");
    bash.env("PATH", path);
    let mut shell = transcripts::Shell::start(bash, Duration::from_secs(30)).unwrap();
    let lab = transcripts::Lab::open(env!("CARGO_MANIFEST_DIR")).unwrap();
    let entry = lab.transcript("signals").unwrap().entry;
    transcripts::assert_replay(env!("CARGO_MANIFEST_DIR"), "signals", |command| match entry
        .settle_after(command)
    {
        Some(settle) => shell.run(&format!("{command}\n{settle}")),
        None => shell.run(command),
    });
}
