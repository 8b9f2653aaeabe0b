//! The chapter's commands, run exactly as `commands/demo.sh` has them, with
//! their console output compared to the transcripts the chapter shows
//! (`transcripts/<part>.txt`: the part's commands with their output, listed
//! in `transcripts/transcripts.toml`; format and redactions: crates/transcripts).
//!
//! `PAUSE_BOOK_BLESS=1 cargo test -p docker-demo --test commands` rewrites
//! the transcripts from a real run (with the script's own names and port).

mod common;

use std::process::Command;
use std::time::Duration;

use docker_demo::docker::{docker, inspect};
use docker_demo::script::{Run, Script};

/// The script's variables as this run sets them.
struct Values {
    pod: String,
    port: String,
    overrides: Vec<(&'static str, String)>,
}

impl Values {
    fn new() -> Values {
        let images = common::images();
        let pod = format!("pbt{}", std::process::id());
        let port = common::free_port().to_string();
        let overrides = vec![
            ("POD", pod.clone()),
            ("HOST_PORT", port.clone()),
            ("PAUSE_IMAGE", images.pause.clone()),
            ("NGINX_IMAGE", images.nginx.clone()),
            ("BLOG_IMAGE", images.blog.clone()),
        ];
        Values {
            pod,
            port,
            overrides,
        }
    }
}

/// Removes every container the script may have made, also on panic.
struct Cleanup<'a>(&'a Values);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for c in ["solo", "blog", "nginx", "pause"] {
            let _ = docker(["rm", "-f", &format!("{}-{c}", self.0.pod)]);
        }
    }
}

fn run(script: &Script, values: &Values, part: &str) -> Run {
    let run = script
        .run(part, &values.overrides)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        run.success,
        "part {part} of demo.sh failed:\n{}{}",
        run.stdout, run.stderr
    );
    run
}

/// The output as the reader would see it with the script's own values.
fn as_in_the_book(script: &Script, values: &Values, text: &str) -> String {
    let defaults = script.variables().unwrap();
    let mut text = text.to_string();
    for (name, ours) in &values.overrides {
        let (_, theirs) = defaults.iter().find(|(n, _)| n == name).unwrap();
        text = text.replace(ours.as_str(), theirs);
    }
    text
}

/// Replays transcript `name`, whose commands must be exactly part `name`
/// of the script: each runs with `sh -eu` after the (overridden) variables,
/// and must print what the transcript shows, with the script's own values.
/// Returns what the part printed, as printed.
fn replay(script: &Script, values: &Values, name: &str) -> String {
    let lab = transcripts::Lab::open(env!("CARGO_MANIFEST_DIR")).unwrap();
    let transcript = lab.transcript(name).unwrap_or_else(|e| panic!("{e}"));
    let part = script.part(name).unwrap();
    assert_eq!(
        transcript.commands().join("\n") + "\n",
        part,
        "{} must show exactly the commands of demo.sh's part {name}",
        transcript.path.display()
    );
    let vars = script.vars_with(&values.overrides).unwrap();
    let mut printed = String::new();
    let replayed = transcript.replay(|command| {
        let out = Command::new("sh")
            .args(["-eu", "-c", &format!("exec 2>&1\n{vars}{command}")])
            .output()
            .map_err(|e| format!("cannot run sh: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            return Err(format!("part {name} of demo.sh failed:\n{stdout}"));
        }
        printed += &stdout;
        Ok(as_in_the_book(script, values, &stdout).replace('\r', ""))
    });
    replayed.unwrap_or_else(|e| panic!("{e}"));
    printed
}

fn wait_for_http(values: &Values, status: u16) {
    let port: u16 = values.port.parse().unwrap();
    common::wait_for_status(port, status, &format!("GET / answering {status}"));
}

fn container_state(values: &Values, name: &str) -> String {
    inspect(&format!("{}-{name}", values.pod), "{{.State.Status}}").unwrap()
}

#[test]
fn the_chapters_commands_build_a_working_pod() {
    if common::engine().is_none() || common::root().is_none() {
        return;
    }
    let script = Script::load().unwrap();
    let values = Values::new();
    let _cleanup = Cleanup(&values);

    // Steps 1-3: pause publishes the port, nginx and the blog join it.
    for part in ["pause", "nginx", "blog"] {
        run(&script, &values, part);
    }
    wait_for_http(&values, 200);

    // The request to the published port reached the blog through nginx.
    let curl = replay(&script, &values, "curl");
    assert!(curl.contains("Server: nginx/"), "{}", curl);
    assert!(curl.starts_with("HTTP/1.1 200 OK\r\n"), "{}", curl);
    assert!(
        curl.contains("\r\n\r\n<!DOCTYPE html>")
            && curl.contains("<h1>tiny-blog: notes from inside a pod</h1>"),
        "the front page is not the blog's: {}",
        curl
    );

    // To Docker, pause is one more container; only it publishes the port.
    let listed = replay(&script, &values, "docker-ps");
    let names: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    let pod = &values.pod;
    assert_eq!(
        names,
        [
            format!("{pod}-blog"),
            format!("{pod}-nginx"),
            format!("{pod}-pause")
        ]
    );

    // On the host, pause is an ordinary process: /pause, run as 65535.
    let host_ps = replay(&script, &values, "host-ps");
    let row = host_ps.lines().nth(1).unwrap_or_default();
    assert_eq!(
        row.split_whitespace().skip(1).collect::<Vec<_>>(),
        ["65535", "/pause"]
    );

    // One PID namespace: /pause is PID 1, nginx and the blog are beside it.
    let ps = replay(&script, &values, "ps");
    let first = ps.lines().nth(1).unwrap_or_default();
    assert_eq!(
        first.split_whitespace().collect::<Vec<_>>(),
        ["1", "65535", "/pause"]
    );

    // Equal net, ipc and pid inodes; the mount namespaces differ.
    let ns = replay(&script, &values, "ns");
    let rows: Vec<Vec<&str>> = ns.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 3, "{}", ns);
    for column in 1..=3 {
        assert!(rows.iter().all(|r| r[column] == rows[0][column]), "{}", ns);
    }
    assert!(rows[1][4] != rows[0][4] && rows[2][4] != rows[1][4]);

    // A SysV segment made in the blog is seen by a container that joins
    // pause's IPC namespace, not by one with an IPC namespace of its own.
    let ipc = replay(&script, &values, "ipc");
    assert_eq!(
        ipc,
        "created 0x70617573 (4096 bytes)\n0x70617573 4096 bytes\nno SysV shared memory segments\n"
    );

    // Kubernetes' default: no shared PID namespace, the app is its own PID 1.
    run(&script, &values, "solo");
    let solo = replay(&script, &values, "solo-ps");
    let first = solo.lines().nth(1).unwrap_or_default();
    assert_eq!(
        first.split_whitespace().collect::<Vec<_>>(),
        ["1", "nobody", "/usr/local/bin/tiny-blog", "--port", "2369"]
    );
    assert!(!solo.contains("/pause") && !solo.contains("nginx"));

    // The blog removed: nginx answers 502; started again: 200.
    let replace = replay(&script, &values, "replace");
    assert!(replace.ends_with("502\n"), "{}", replace);
    run(&script, &values, "blog");
    wait_for_http(&values, 200);

    // Stopping pause ends every process of its PID namespace.
    run(&script, &values, "stop");
    nsproc::wait_until(Duration::from_secs(20), "nginx and blog exited", || {
        (container_state(&values, "nginx") == "exited"
            && container_state(&values, "blog") == "exited")
            .then_some(())
    })
    .unwrap();
    replay(&script, &values, "after-stop");
    assert_eq!(container_state(&values, "solo"), "running");

    // Pause first, then the others: the service comes back.
    run(&script, &values, "restart");
    wait_for_http(&values, 200);

    run(&script, &values, "cleanup");
    for c in ["pause", "nginx", "blog", "solo"] {
        assert!(inspect(&format!("{}-{c}", values.pod), "{{.Id}}").is_err());
    }
}
