//! Kubernetes' pause (build/pause/linux/pause.c), rewritten in Rust behaviour
//! for behaviour. The heart, the signal handlers and the reaping loop, lives
//! in [`handlers`]; this file is the program around it.

pub mod handlers;

/// What `-v` prints after `pause.rs `.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Upstream checks every argument, case-insensitively, for `-v`; every other
/// argument is ignored.
pub fn wants_version<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(args: I) -> bool {
    args.into_iter()
        .any(|arg| arg.as_ref().eq_ignore_ascii_case("-v"))
}
