//! `setns-demo`: a pod built by hand. pause is started as PID 1 of new
//! net, ipc, uts and pid namespaces; members join them with `setns(2)`.
//!
//! One idea per module:
//! - [`join`]: the heart, opening pause's namespaces and joining them;
//! - [`pid_entry`]: entering the pod's PID namespace: join, then fork;
//! - [`member`]: forking a member into the pod, with a mount namespace of its own;
//! - [`pod`]: making (`run`) and unmaking (`rm`) a pod;
//! - [`netns_mount`]: keeping a network namespace alive with a bind mount;
//! - [`network`]: the veth pair and the pod's address range, over [`netlink`];
//! - [`discover`]: what provably belongs to a pod, whatever its state says;
//! - [`forward`]: `--publish` in user space;
//! - [`views`]: `ls`, `ps` and `ns`, read from /proc;
//! - [`state`]: one directory per pod, private ([`files`], [`lock`]);
//! - [`process`]: telling live processes from dead or reused PIDs;
//! - [`visit`]: doing one thing in a namespace from the calling thread, and coming back.

pub mod discover;
pub mod error;
pub mod files;
pub mod forward;
pub mod join;
pub mod lock;
pub mod member;
pub mod netlink;
pub mod netns_mount;
pub mod network;
pub mod pid_entry;
pub mod pod;
pub mod process;
pub mod state;
pub mod views;
pub mod visit;

pub use error::{Error, Result};
