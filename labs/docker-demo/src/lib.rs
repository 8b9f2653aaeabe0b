//! The seed's Docker demo (pause + nginx + a blog in one "pod"), reproduced
//! on a real engine with images built here, offline.
//!
//! - [`docker`]: running the `docker` command line and reading its answers;
//! - [`images`]: assembling and building the three images `FROM scratch`;
//! - [`script`]: the chapter's commands, read from `commands/demo.sh`;
//! - [`error`]: what can go wrong, and what to do about it;
//!
//! The tests talk to the engine through `testcontainers` (a dev-dependency):
//! the library and `demo-images` need only std, so `cargo xtask images`
//! stays quick to build.

pub mod docker;
pub mod error;
pub mod images;
pub mod script;
