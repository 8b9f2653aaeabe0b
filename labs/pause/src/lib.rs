//! Kubernetes' pause (build/pause/linux/pause.c), rewritten in Rust behaviour
//! for behaviour. The heart, the signal handlers and the reaping loop, lives
//! in [`handlers`]; `main.rs` is the program around it.

pub mod handlers;

/// What `-v` prints after `pause.rs `.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

// ANCHOR: wants_version
/// Like pause.c, look at every argument, case-insensitively, for `-v`;
/// every other argument is ignored.
pub fn wants_version<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(args: I) -> bool {
    args.into_iter()
        .any(|arg| arg.as_ref().eq_ignore_ascii_case(b"-v"))
}
// ANCHOR_END: wants_version

#[cfg(test)]
mod tests {
    use super::wants_version;

    #[test]
    fn finds_v_in_any_case_and_position() {
        assert!(wants_version(["-v"]));
        assert!(wants_version(["x", "-V", "y"]));
        assert!(!wants_version(["--version", "-vv", "v"]));
        assert!(!wants_version::<[&str; 0], &str>([]));
    }
}
