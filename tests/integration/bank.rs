//! Integration tests: bank.
