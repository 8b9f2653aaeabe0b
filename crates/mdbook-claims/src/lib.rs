//! The pause book's mdBook preprocessor.
//!
//! - [`registry`]: loads and checks the claims registry (src/claims.toml);
//! - [`markers`]: finds `{{#claim id}}` / `{{#claims-ledger}}` outside code;
//! - [`lang`]: the two languages, twin pages and the switch between them;
//! - [`evidence`]: verdicts and evidence in each language (shared by badges
//!   and ledger);
//! - [`badge`]: the badge a `{{#claim id}}` becomes;
//! - [`ledger`]: the claims ledger;
//! - [`html`]: the one HTML escaper;
//! - [`book`]: walks mdBook's JSON book, checks twins, rewrites pages;
//! - [`quiz`]: `{{#quiz <file>}}` markers, rendered by the `book-quiz` crate;
//! - [`run_button`]: a Run button after each listing of a runnable
//!   transcript (drawn by theme/runner.js, run by crates/lab-runner);
//! - [`diagnostic`]: errors that name a file and a line.

pub mod badge;
pub mod book;
pub mod diagnostic;
pub mod evidence;
pub mod html;
pub mod lang;
pub mod ledger;
pub mod markers;
pub mod quiz;
pub mod registry;
pub mod run_button;

pub use diagnostic::Diagnostic;
