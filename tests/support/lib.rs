//! Helpers for the book-wide tests in tests/.
