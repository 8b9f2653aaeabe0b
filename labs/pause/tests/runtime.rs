//! Why main.rs is `#![no_main]`: the start-up code of an ordinary Rust
//! program (`fn main`) installs SIGSEGV and SIGBUS handlers (to report stack
//! overflows) and ignores SIGPIPE. A pause built that way would not leave
//! "every other signal" at its default action. This test shows both sides.

use std::path::Path;
use std::process::Command;

use nix::sys::signal::Signal;
use nix::unistd::{AccessFlags, access, getuid};
use nsproc::procfs::signal_bit;

/// SigCgt and SigIgn of a program that prints its own /proc/self/status.
fn masks(status: &str) -> (u64, u64) {
    let field = |name: &str| {
        let line = status.lines().find_map(|l| l.strip_prefix(name)).unwrap();
        u64::from_str_radix(line.trim(), 16).unwrap()
    };
    (field("SigCgt:"), field("SigIgn:"))
}

#[test]
fn an_ordinary_rust_main_catches_segv_and_bus_and_ignores_pipe_but_pause_does_not() {
    // Cargo's scratch directory, or the system's when run as another user.
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = match access(scratch, AccessFlags::W_OK) {
        Ok(()) => scratch.to_path_buf(),
        Err(_) => std::env::temp_dir(),
    };
    let source = dir.join(format!("std_main-uid{}.rs", getuid()));
    let program = dir.join(format!("std-main-uid{}", getuid()));
    std::fs::write(
        &source,
        "fn main() { print!(\"{}\", std::fs::read_to_string(\"/proc/self/status\").unwrap()) }",
    )
    .unwrap();
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let built = Command::new(rustc)
        .args(["--edition", "2024", "-o"])
        .arg(&program)
        .arg(&source)
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"));
    let _ = std::fs::remove_file(&source);
    let Some(built) = testkit::require("rustc", built) else {
        return;
    };
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let out = Command::new(&program).output().unwrap();
    let _ = std::fs::remove_file(&program);
    let (caught, ignored) = masks(&String::from_utf8(out.stdout).unwrap());
    let runtime = signal_bit(Signal::SIGSEGV) | signal_bit(Signal::SIGBUS);
    assert_eq!(caught & runtime, runtime, "SigCgt {caught:#x}");
    assert_ne!(
        ignored & signal_bit(Signal::SIGPIPE),
        0,
        "SigIgn {ignored:#x}"
    );

    // Our pause, started the same way, has neither.
    let pause = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_pause"))
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let pid = pause.0.id() as i32;
    let handled = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGCHLD];
    nsproc::wait_for_handlers(pid, &handled, std::time::Duration::from_secs(10)).unwrap();
    let status = nsproc::procfs::status(pid).unwrap();
    assert_eq!(
        status.sig_caught & runtime,
        0,
        "SigCgt {:#x}",
        status.sig_caught
    );
    assert_eq!(status.sig_ignored & signal_bit(Signal::SIGPIPE), 0);
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
