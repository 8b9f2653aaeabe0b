//! The console session the chapter shows lives in `transcripts/*.txt`. The
//! test replays it: every `$ ` line runs, in order, in one bash with this
//! crate's `pause` first in `$PATH` (stderr merged into stdout), and what
//! each prints must equal the lines below it. After a line that starts pause
//! in the background, the replay waits (unseen) until the handlers show in
//! `SigCgt`. `PAUSE_BLESS=1` rewrites the file from a real run instead.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const MARK: &str = "@@transcript-step@@";

/// `(command, expected output)` pairs of a transcript.
fn parse(text: &str) -> Vec<(String, String)> {
    let mut steps: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        match (line.strip_prefix("$ "), steps.last_mut()) {
            (Some(command), _) => steps.push((command.to_string(), String::new())),
            (None, Some((_, output))) => *output += &format!("{line}\n"),
            (None, None) => panic!("a transcript starts with a `$ ` line, not {line:?}"),
        }
    }
    steps
}

fn replay(file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("transcripts")
        .join(file);
    let steps = parse(&std::fs::read_to_string(&path).unwrap());
    // Leave no background pause behind, whatever happens.
    let mut script = String::from("exec 2>&1\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\n");
    for (command, _) in &steps {
        script += &format!("echo {MARK}\n{command}\n");
        if command.ends_with('&') {
            script += "until [ -r /proc/$!/status ] && \
                (( (0x$(sed -n 's/^SigCgt:\\t//p' /proc/$!/status) & 0x14002) == 0x14002 )); \
                do sleep 0.01; done\n";
        }
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_pause")).parent().unwrap();
    let path_var = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let mut bash = Command::new("bash")
        .args(["-c", &script])
        .env("PATH", path_var)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .process_group(0) // so that a timeout can kill bash and its jobs
        .spawn()
        .unwrap();
    let mut stdout = bash.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let status = nsproc::wait_until(Duration::from_secs(30), "the replay to end", || {
        bash.try_wait().unwrap()
    });
    if status.is_err() {
        let group = nix::unistd::Pid::from_raw(bash.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = bash.wait();
    }
    let output = reader.join().unwrap().unwrap();
    assert!(status.unwrap().success(), "the replay failed:\n{output}");
    let outputs: Vec<&str> = output.split(&format!("{MARK}\n")).skip(1).collect();
    assert_eq!(outputs.len(), steps.len(), "{output}");

    let mut fresh = String::new();
    for ((command, _), actual) in steps.iter().zip(&outputs) {
        fresh += &format!("$ {command}\n{actual}");
    }
    if std::env::var_os("PAUSE_BLESS").is_some() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    for ((command, expected), actual) in steps.iter().zip(outputs) {
        assert_eq!(actual, expected, "output of `{command}` in {file}");
    }
}

#[test]
fn transcript_signals() {
    replay("signals.txt");
}
