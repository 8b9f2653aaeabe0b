//! The console session the chapter shows (`transcripts/signals.txt`,
//! listed in `transcripts/transcripts.toml`), replayed by the shared
//! harness: the commands run one by one in one bash session, with this
//! crate's `pause` first in `$PATH`. After a command that starts pause in
//! the background, the step waits (unseen) until its handlers show in
//! `SigCgt`. `PAUSE_BOOK_BLESS=1` rewrites the file from a real run.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// SIGINT, SIGTERM and SIGCHLD caught: pause is ready for signals.
const WAIT_FOR_HANDLERS: &str = "until [ -r /proc/$!/status ] && \
    (( (0x$(sed -n 's/^SigCgt:\\t//p' /proc/$!/status) & 0x14002) == 0x14002 )); \
    do sleep 0.01; done";

#[test]
fn transcript_signals() {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_pause")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let mut bash = Command::new("bash");
    bash.env("PATH", path);
    let mut shell = transcripts::Shell::start(bash, Duration::from_secs(30)).unwrap();
    transcripts::assert_replay(env!("CARGO_MANIFEST_DIR"), "signals", |command| {
        if command.ends_with('&') {
            shell.run(&format!("{command}\n{WAIT_FOR_HANDLERS}"))
        } else {
            shell.run(command)
        }
    });
}
