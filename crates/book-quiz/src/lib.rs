//! The book's quizzes.
//!
//! Question files keep mdbook-quiz's TOML format and are parsed with its
//! schema crate, so they stay portable; this crate renders them itself, as
//! plain HTML with the interface in the page's language (theme/quiz.js makes
//! them answerable; no second tool, no network).
//!
//! - [`load`]: reads a file, checks it, names file and line on a problem;
//! - [`model`]: the questions as the page shows them (choices in order);
//! - [`render`]: the HTML of one quiz;
//! - [`parity`]: what must agree between a chapter's zh and en quizzes;
//! - [`ui`]: the interface's words in both languages.
//!
//! One extension to mdbook-quiz's format: a `Tracing` question may name a
//! lab transcript (`transcript = "<lab>/<id>"`); its `prompt.program` is then
//! a command of that transcript and the expected output is taken from the
//! checked transcript, so the answer cannot drift from what the lab prints.

pub mod error;
pub mod load;
pub mod model;
pub mod order;
pub mod parity;
pub mod render;
pub mod ui;

pub use error::{Problem, QuizError, TranscriptError};
pub use load::{TranscriptLookup, load_file, load_str};
pub use model::{Kind, Question, Quiz};
pub use render::render;
pub use ui::Lang;
