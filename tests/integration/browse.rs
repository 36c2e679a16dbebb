//! Integration tests: browse.
