//! Entering a pod's PID namespace. `setns(2)` on a PID namespace moves
//! nobody, not even the caller: it only decides where the caller's next
//! child is born. So a member is joined *and then forked*; the child is the
//! first process that really lives in the pod's PID namespace (or, without
//! PID sharing, is PID 1 of a namespace of its own).
//!
//! Exercise: write `fork_inside` (the TODO below). Check it with
//! `cargo xtask exercise check setns-pid-fork`.

#[allow(unused_imports)]
use nix::sched::{CloneFlags, unshare};
#[allow(unused_imports)]
use nix::unistd::{ForkResult, Pid, fork};

#[allow(unused_imports)]
use crate::error::{Error, Result};
use crate::join::Joins;
#[allow(unused_imports)]
use crate::member::EXIT_SETUP_FAILED;

// ANCHOR: fork_inside
/// Joins the pod's namespaces, then forks: the child runs `in_child` and
/// leaves with the code it returns; the parent gets the child's host PID.
/// With `share_pid` false the child is PID 1 of a new PID namespace, like a
/// container of a default pod. Must be called single-threaded; `in_child`
/// may only make system calls (no allocation after a fork).
pub fn fork_inside(joins: &Joins, share_pid: bool, in_child: impl FnOnce() -> i32) -> Result<Pid> {
    // TODO: make `in_child` run in a process of the pod.
    // - `joins.enter()` joins the pod's namespaces (an `nix::Result`): turn
    //   its error into an `Error` with code EXIT_SETUP_FAILED, saying which
    //   kinds (`joins.kinds()`) could not be joined and what to do.
    // - After setns on a PID namespace, which process is in it: the caller,
    //   or only the caller's next child?
    // - Without `share_pid`, the member is PID 1 of a PID namespace of its
    //   own (`unshare(CloneFlags::CLONE_NEWPID)`): the same question holds.
    // - The child runs `in_child()` and leaves with `libc::_exit(code)`;
    //   the parent returns the child's PID.
    let _ = (joins, share_pid, in_child);
    todo!("join, then make the member")
}
// ANCHOR_END: fork_inside
