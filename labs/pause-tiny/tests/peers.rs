//! The figures the chapter compares pause-tiny with, checked on this
//! machine: our C pause (labs/pause/c/pause.c) built like upstream's, and
//! what its memory looks like as PID 1.

mod common;

use std::path::{Path, PathBuf};

use common::{TIMEOUT, tiny_binary};
use nix::sys::signal::Signal;
use nsproc::procfs::kb_field;
use nsproc::{NsCommand, NsKind};

/// Compiles the C pause like upstream (`testkit::c_pause::CFLAGS`:
/// `-Os -Wall -Werror -static -s`); Err if `cc` cannot.
fn c_pause(cc: &str) -> Result<PathBuf, String> {
    // One file per call: each test gets a binary of its own.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("pause-{cc}-{}-{call}", std::process::id()));
    testkit::c_pause::compile(cc, &testkit::c_pause::source(), &out).map_err(String::from)
}

/// Upstream's way (glibc, -Os -static, stripped) gives the 682,728 bytes the
/// chapter states (within 10%: glibc's size moves a little between Debian
/// updates); musl gives about 30 KB; pause-tiny under 1 KiB.
#[test]
fn glibc_static_pause_is_about_700_kb_and_musl_about_30_kb() {
    let Some(glibc) = testkit::require("gcc with static glibc (libc6-dev)", c_pause("gcc")) else {
        return;
    };
    let glibc_bytes = std::fs::metadata(&glibc).unwrap().len();
    eprintln!("C pause, glibc static: {glibc_bytes} bytes");
    assert!(
        (614_455..=751_000).contains(&glibc_bytes),
        "{glibc_bytes} bytes is more than 10% away from the 682,728 the chapter states"
    );
    if let Some(musl) = testkit::require("musl-gcc (Debian musl-tools)", c_pause("musl-gcc")) {
        let musl_bytes = std::fs::metadata(&musl).unwrap().len();
        eprintln!("C pause, musl static: {musl_bytes} bytes");
        assert!(
            (27_000..=33_000).contains(&musl_bytes),
            "{musl_bytes} bytes: the chapter says about 30 KB"
        );
    }
    let tiny_bytes = std::fs::metadata(tiny_binary(None).unwrap()).unwrap().len();
    assert!(
        tiny_bytes * 100 < glibc_bytes,
        "pause-tiny is not 100 times smaller"
    );
}

/// VmRSS of a glibc-static pause counts its resident text (file pages,
/// shared through the page cache); RssAnon, its own private memory, is
/// more than ten times smaller.
#[test]
fn glibc_static_text_shows_in_vm_rss_not_in_rss_anon() {
    let Some(glibc) = testkit::require("gcc with static glibc (libc6-dev)", c_pause("gcc")) else {
        return;
    };
    if testkit::require("PID namespaces", testkit::isolation()).is_none() {
        return;
    }
    let mut pause = NsCommand::new(&glibc)
        .namespaces(&[NsKind::Pid])
        .kill_with_parent(true)
        .spawn()
        .unwrap();
    let pid = pause.pid();
    nsproc::wait_for_handlers(pid, &[Signal::SIGTERM, Signal::SIGCHLD], TIMEOUT).unwrap();
    let vm_rss = kb_field(&format!("/proc/{pid}/status"), "VmRSS").unwrap();
    let rss_file = kb_field(&format!("/proc/{pid}/status"), "RssFile").unwrap();
    let rss_anon = kb_field(&format!("/proc/{pid}/smaps_rollup"), "Anonymous").unwrap();
    eprintln!(
        "C pause (glibc static) as PID 1: VmRSS {vm_rss} kB, RssFile {rss_file} kB, RssAnon {rss_anon} kB"
    );
    assert!(
        rss_anon * 10 < vm_rss,
        "RssAnon {rss_anon} kB vs VmRSS {vm_rss} kB"
    );
    assert!(
        rss_file > rss_anon,
        "the text (file pages) is most of VmRSS"
    );
    pause.signal(Signal::SIGTERM).unwrap();
    assert_eq!(pause.wait_timeout(TIMEOUT).unwrap().code(), Some(0));
}

/// "Always paused" is a sleep in pause(2), state S (interruptible): not the
/// frozen state `docker pause` puts a container in.
#[test]
fn idle_pause_tiny_sleeps_in_pause_syscall() {
    if testkit::require("PID namespaces", testkit::isolation()).is_none() {
        return;
    }
    let bin = tiny_binary(None).unwrap();
    let mut pause = NsCommand::new(&bin)
        .namespaces(&[NsKind::Pid])
        .kill_with_parent(true)
        .spawn()
        .unwrap();
    let pid = pause.pid();
    nsproc::wait_for_handlers(pid, &[Signal::SIGTERM, Signal::SIGCHLD], TIMEOUT).unwrap();
    let wchan = nsproc::wait_until(TIMEOUT, "pause-tiny to sleep in pause(2)", || {
        let status = nsproc::procfs::status(pid).ok()?;
        let wchan = std::fs::read_to_string(format!("/proc/{pid}/wchan")).ok()?;
        (status.state == 'S' && wchan.contains("pause")).then_some(wchan)
    })
    .unwrap();
    eprintln!("pause-tiny sleeps in {wchan}, state S");
    pause.signal(Signal::SIGTERM).unwrap();
    assert_eq!(pause.wait_timeout(TIMEOUT).unwrap().code(), Some(0));
}
