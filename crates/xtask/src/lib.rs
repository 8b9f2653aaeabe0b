//! The part of `cargo xtask` others use too: the book's pinned tools
//! ([`tools`]), which the book-wide tests (tests/support) check as well.

pub mod tools;
