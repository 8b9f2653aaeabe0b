//! The pause book's mdBook preprocessor.
//!
//! - [`registry`]: loads and checks the claims registry (src/claims.toml);
//! - [`markers`]: finds `{{#claim id}}` / `{{#claims-ledger}}` outside code;
//! - [`render`]: the HTML of badges, the ledger and the language switch;
//! - [`book`]: walks mdBook's JSON book, checks twins, rewrites pages;
//! - [`diagnostic`]: errors that name a file and a line.

pub mod book;
pub mod diagnostic;
pub mod markers;
pub mod registry;
pub mod render;

pub use diagnostic::Diagnostic;
