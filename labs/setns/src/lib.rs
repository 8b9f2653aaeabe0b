//! `setns-demo`: a pod built by hand. pause is started as PID 1 of new
//! net, ipc, uts and pid namespaces; members join them with `setns(2)`.
//!
//! One idea per module:
//! - [`join`]: the heart, opening pause's namespaces and joining them;
//! - [`member`]: forking a member into the pod, with a mount namespace of its own;
//! - [`pod`]: making (`run`) and unmaking (`rm`) a pod;
//! - [`network`]: the veth pair and the pod's address range;
//! - [`forward`]: `--publish` in user space;
//! - [`views`]: `ls`, `ps` and `ns`, read from /proc;
//! - [`state`]: one directory per pod;
//! - [`process`]: telling live processes from dead or reused PIDs.

pub mod error;
pub mod forward;
pub mod join;
pub mod member;
pub mod network;
pub mod pod;
pub mod process;
pub mod state;
pub mod views;

pub use error::{Error, Result};
