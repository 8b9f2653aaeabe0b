//! pause on a real node: what the kubelet does through CRI, done from Rust
//! against a private containerd whose sandbox image is our pause, and the
//! same pod run by Podman's `kube play`.
//!
//! One idea per module:
//! - [`config`]: the private containerd's config.toml and CNI network;
//! - [`containerd`]: starting it, importing images, stopping it cleanly;
//! - [`cleanup`]: finding and removing whatever a runtime left behind;
//! - [`cri`]: a blocking CRI client (k8s-cri + tonic over the unix socket);
//! - [`pod`]: the CRI messages for a pod and its containers;
//! - [`listing`]: crictl-shaped tables (`pods`, `ps`);
//! - [`inspect`]: crictl-shaped JSON of one sandbox (`inspectp`);
//! - [`images`]: the FROM-scratch images, built offline;
//! - [`podman`]: a private Podman and its `kube play`;
//! - [`error`]: what can go wrong in all of them, and what to do.

pub mod cleanup;
pub mod config;
pub mod containerd;
pub mod cri;
pub mod error;
pub mod images;
pub mod inspect;
pub mod listing;
pub mod pod;
pub mod podman;

pub use error::{Error, Result};
