//! The SIGCHLD handler: pause's reason to exist as PID 1 (exercise
//! `pause-reaper`). A signal handler may only make async-signal-safe calls:
//! see [`crate::handlers`].
//!
//! Exercise: write the body of `reap`. Check it with
//! `cargo xtask exercise check pause-reaper`; stuck? `cargo xtask exercise hint pause-reaper`.

// ANCHOR: reap
/// SIGCHLD: reap every child that has exited, not just one.
pub extern "C" fn reap(_: libc::c_int) {
    // The kernel calls this when one or more children of pause have ended.
    // Until someone waits for them, they stay in the process table as
    // zombies. Think about:
    // - which call collects an exited child (nix::sys::wait), and how to
    //   make it return at once instead of blocking when nobody has exited;
    // - how many children one SIGCHLD may stand for;
    // - the two ways that call tells you to stop;
    // - what the code this handler interrupted might read afterwards.
    todo!("reap the children that have exited")
}
// ANCHOR_END: reap
