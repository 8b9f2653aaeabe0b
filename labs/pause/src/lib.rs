//! Kubernetes' pause (build/pause/linux/pause.c), rewritten in Rust behaviour
//! for behaviour. The heart is in three modules: [`reaper`] (the SIGCHLD
//! reaping loop), [`shutdown`] (SIGINT, SIGTERM and `-v`) and [`handlers`]
//! (installing them); `main.rs` is the program around it.

pub mod handlers;
pub mod reaper;
pub mod shutdown;

pub use shutdown::wants_version;

/// What `-v` prints after `pause.rs `.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

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
