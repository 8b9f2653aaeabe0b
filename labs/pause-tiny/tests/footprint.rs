//! The footprint targets of issue 7: a static binary of at most 4 KiB with
//! no program interpreter, and at most 16 kB of anonymous memory when idle
//! as PID 1 of a PID namespace.

mod common;

use common::{TIMEOUT, tiny_binary};
use nix::sys::signal::Signal;
use nsproc::procfs::kb_field;
use nsproc::{NsCommand, NsKind, Stdio};

const MAX_BYTES: u64 = 4096;
const MAX_RSS_ANON_KB: u64 = 16;

#[test]
fn binary_fits_in_4_kib() {
    let bin = tiny_binary(None).unwrap();
    let bytes = std::fs::metadata(&bin).unwrap().len();
    eprintln!("{}: {bytes} bytes", bin.display());
    assert!(bytes <= MAX_BYTES, "{bytes} bytes > {MAX_BYTES}");
}

/// No PT_INTERP program header: the kernel runs it with no dynamic loader,
/// which a FROM-scratch image does not have.
#[test]
fn binary_is_static_elf_without_interpreter() {
    let elf = std::fs::read(tiny_binary(None).unwrap()).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    assert_eq!(elf[4], 2, "64-bit");
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let phoff = u64::from_le_bytes(elf[32..40].try_into().unwrap()) as usize;
    let (phentsize, phnum) = (u16_at(54), u16_at(56));
    assert_eq!(
        u16_at(16),
        2,
        "ET_EXEC: not position-independent, nothing to relocate"
    );
    for i in 0..phnum {
        let p_type = u32::from_le_bytes(elf[phoff + i * phentsize..][..4].try_into().unwrap());
        assert_ne!(p_type, 3, "PT_INTERP found: it needs a dynamic loader");
        assert_ne!(p_type, 2, "PT_DYNAMIC found: it is dynamically linked");
    }
}

#[test]
fn idle_rss_anon_as_pid_1_is_at_most_16_kb() {
    let bin = tiny_binary(None).unwrap();
    let Some(_) = nsproc::require("PID namespaces", nsproc::isolation()) else {
        return;
    };
    let mut child = NsCommand::new(&bin)
        .namespaces(&[NsKind::Pid])
        .stderr(Stdio::Piped)
        .kill_with_parent(true)
        .spawn()
        .unwrap();
    let pid = child.pid();
    nsproc::wait_for_handlers(
        pid,
        &[Signal::SIGTERM, Signal::SIGINT, Signal::SIGCHLD],
        TIMEOUT,
    )
    .unwrap();
    let status = nsproc::procfs::status(pid).unwrap();
    assert_eq!(
        status.state, 'S',
        "asleep in pause(2), not stopped or frozen"
    );
    let rss_anon = kb_field(&format!("/proc/{pid}/smaps_rollup"), "Anonymous").unwrap();
    let vm_rss = kb_field(&format!("/proc/{pid}/status"), "VmRSS").unwrap();
    eprintln!("pause-tiny as PID 1: RssAnon {rss_anon} kB, VmRSS {vm_rss} kB");
    assert!(rss_anon <= MAX_RSS_ANON_KB, "RssAnon {rss_anon} kB");
    assert!(vm_rss <= MAX_RSS_ANON_KB, "VmRSS {vm_rss} kB");
    child.signal(Signal::SIGTERM).unwrap();
    assert_eq!(child.wait_timeout(TIMEOUT).unwrap().code(), Some(0));
}
