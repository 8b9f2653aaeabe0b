//! The labs as a course: the exercise format ([`manifest`]), the course
//! tree ([`course`]), the checker ([`check`], [`runner`], which ends what
//! the tests leave running: [`leftovers`]), the progress
//! file ([`progress`]), the student edition ([`edition`]) and the command
//! line ([`cli`]). Every sentence for students is in [`messages`]; what can
//! go wrong is an [`Error`], told in the student's language.

pub mod check;
pub mod cli;
pub mod course;
pub mod edition;
pub mod error;
pub mod leftovers;
pub mod manifest;
pub mod messages;
pub mod outcome;
pub mod progress;
pub mod runner;
pub mod watch;

pub use cli::main_with;
pub use error::{Error, Invalid};
