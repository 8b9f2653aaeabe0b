//! Bad input: one-line errors, a non-zero exit, nothing left running.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

use assert_cmd::Command;

use common::bin;

/// Processes running the binary under test (there should be none between
/// commands: this is the only test of this file, so nothing runs in parallel).
fn still_running(binary: &std::path::Path) -> Vec<i32> {
    nsproc::procfs::all_pids()
        .unwrap()
        .into_iter()
        .filter(|p| std::fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|exe| exe == binary))
        .collect()
}

fn assert_one_line_error(out: &std::process::Output, expected: &str, case: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{case}: succeeded: {out:?}");
    assert_eq!(stderr.lines().count(), 1, "{case}: {stderr}");
    assert!(stderr.starts_with("zombie-reaping: "), "{case}: {stderr}");
    assert!(
        stderr.contains(expected),
        "{case}: {stderr:?} lacks {expected:?}"
    );
    assert!(out.stdout.is_empty(), "{case}: {out:?}");
}

#[test]
fn bad_input_gives_one_line_errors_and_leaves_nothing_running() {
    let cases: &[(&[&str], &str)] = &[
        (&["orphans", "0"], "0 orphans would show nothing"),
        (&["orphans", "-5"], "is negative"),
        (&["orphans", "ten"], "not a number of orphans"),
        (&["demo", "--init", "none", "--orphans", "0"], "0 orphans"),
        (
            &["demo", "--init", "pause", "--orphans", "-1"],
            "is negative",
        ),
        (
            &["demo", "--init", "zombie", "--orphans", "10"],
            "unknown init \"zombie\"",
        ),
        (&["demo", "--init", "none"], "--orphans"),
        (
            &[
                "demo",
                "--init",
                "pause",
                "--orphans",
                "5",
                "--pause",
                "/no/such/pause",
            ],
            "does not exist",
        ),
        (&["count", "--pid", "0"], "not a process ID"),
        (&["count", "--pid", "-4"], "not a process ID"),
        (&["count", "--pid", "abc"], "not a process ID"),
        (
            &["count", "--pid", "2147483647"],
            "there is no process 2147483647",
        ),
        (&["pids-limit", "--limit", "2"], "give 4 or more"),
        (&["bench", "--init", "c=/no/such/pause"], "does not exist"),
        (&["explode"], "unrecognized subcommand"),
    ];
    for (args, expected) in cases {
        let out = Command::new(bin()).args(*args).output().unwrap();
        assert_one_line_error(&out, expected, &args.join(" "));
        assert_eq!(still_running(&bin()), Vec::<i32>::new(), "after {args:?}");
    }

    // An absurd count is capped, and the user told, before anything starts.
    let out = Command::new(bin())
        .args([
            "demo",
            "--init",
            "pause",
            "--orphans",
            "99999999999999999999",
        ])
        .args(["--pause", "/no/such/pause"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let cap = zombie_reaping::input::orphan_cap();
    assert!(
        stderr
            .lines()
            .next()
            .unwrap_or("")
            .contains(&format!("capping 99999999999999999999 orphans at {cap}")),
        "{stderr}"
    );
    assert!(!out.status.success());

    // A process we may not inspect: PID 1 of the host, seen by `nobody`.
    let dir = std::env::temp_dir().join(format!("zombie-reaping-nobody-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let copy = dir.join("zombie-reaping");
    std::fs::copy(bin(), &copy).unwrap();
    let mut command = std::process::Command::new(&copy);
    command.args(["count", "--pid", "1"]);
    if nix::unistd::geteuid().is_root() {
        command.uid(65534).gid(65534);
    }
    let out = command.output();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_one_line_error(
        &out.unwrap(),
        "we may not inspect process 1",
        "count --pid 1 as nobody",
    );
}
