//! The same conformance checks, run against the C pause in `c/pause.c`
//! (compiled here with gcc, as upstream builds it). The suite passing on two
//! independent implementations shows it tests behaviour, not our code.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use nix::sys::signal::Signal;
use nix::unistd::{AccessFlags, access, getuid};

/// Compiles c/pause.c once (like upstream: `testkit::c_pause::CFLAGS`);
/// `None` (after printing why) when gcc cannot build it here.
fn c_pause() -> Option<&'static Path> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| compile("pause-c", None));
    let built = built.as_deref().map_err(String::clone);
    testkit::require("gcc, to build c/pause.c", built)
}

/// Compiles c/pause.c, with one text replacement (`from` -> `to`) if given.
fn compile(name: &str, change: Option<(&str, &str)>) -> Result<PathBuf, String> {
    let mut source = std::fs::read_to_string(SOURCE).map_err(|e| e.to_string())?;
    if let Some((from, to)) = change {
        assert!(
            source.contains(from),
            "c/pause.c no longer contains {from:?}"
        );
        source = source.replace(from, to);
    }
    // Cargo's scratch directory, or (for a run as another user, e.g.
    // `nobody`) the system's, under a name of that user's own.
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = match access(scratch, AccessFlags::W_OK) {
        Ok(()) => scratch.to_path_buf(),
        Err(_) => std::env::temp_dir(),
    };
    let output = dir.join(format!("{name}-uid{}", getuid()));
    let c_file = output.with_extension("c");
    std::fs::write(&c_file, source).map_err(|e| e.to_string())?;
    let built = testkit::c_pause::compile("gcc", &c_file, &output);
    let _ = std::fs::remove_file(&c_file);
    built.map_err(String::from)
}

const SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/c/pause.c");

#[test]
fn c_pause_prints_its_version() {
    let Some(bin) = c_pause() else { return };
    common::check_version_flag(bin, Some("pause.c HEAD"));
}

#[test]
fn c_pause_not_pid1() {
    let Some(bin) = c_pause() else { return };
    common::check_shutdown_not_pid1(bin, Signal::SIGTERM, "Terminated");
    common::check_shutdown_not_pid1(bin, Signal::SIGINT, "Interrupt");
    common::check_sighup_kills_not_pid1(bin);
}

#[test]
fn c_pause_as_pid1() {
    let Some(bin) = c_pause() else { return };
    common::check_pid1_sigterm_from_parent(bin);
    common::check_pid1_ignores_unhandled_signals(bin);
    common::check_pid1_reaps_orphans(bin, 1000);
    common::check_pid1_sleeps_again_with_children_left(bin);
    common::check_pid1_exit_kills_namespace(bin);
}

#[test]
fn c_pause_idles() {
    let Some(bin) = c_pause() else { return };
    common::check_idle(bin, Duration::from_secs(2));
}

/// A suite that cannot fail proves nothing: each broken variant of the C
/// pause must fail the check that covers what was broken.
#[test]
fn broken_pauses_fail_the_matching_checks() {
    if c_pause().is_none() || !can_make_pid_namespaces() {
        return;
    }
    type Check = fn(&Path);
    let variants: [(&str, &str, &str, Check); 4] = [
        (
            "pause-c-reaps-one",
            "while (waitpid(-1, NULL, WNOHANG) > 0)\n    ;",
            "waitpid(-1, NULL, WNOHANG);",
            |bin| {
                common::check_pid1_reaps_orphans(bin, 1000);
            },
        ),
        (
            "pause-c-case-sensitive",
            "strcasecmp(argv[i]",
            "strcmp(argv[i]",
            |bin| common::check_version_flag(bin, None),
        ),
        (
            "pause-c-catches-segv",
            "  if (catch(SIGTERM",
            "  catch(SIGSEGV, shut_down, 0);\n  if (catch(SIGTERM",
            |bin| common::check_shutdown_not_pid1(bin, Signal::SIGTERM, "Terminated"),
        ),
        (
            "pause-c-ignores-hup",
            "  for (;;)",
            "  signal(SIGHUP, SIG_IGN);\n  for (;;)",
            common::check_sighup_kills_not_pid1,
        ),
    ];
    // In parallel: most broken variants fail by timing out (BOUND).
    std::thread::scope(|scope| {
        let runs: Vec<_> = variants
            .into_iter()
            .map(|(name, from, to, check)| {
                let bin = compile(name, Some((from, to))).unwrap();
                (name, bin.clone(), scope.spawn(move || check(&bin)))
            })
            .collect();
        for (name, bin, run) in runs {
            let outcome = run.join();
            let _ = std::fs::remove_file(&bin);
            assert!(
                outcome.is_err(),
                "{name} passed the check meant to catch it"
            );
        }
    });
}

fn can_make_pid_namespaces() -> bool {
    testkit::require("a new PID namespace", testkit::isolation()).is_some()
}
