//! The one integration-test binary: each module drives the real `grill` executable.

mod util;

mod bank;
mod browse;
mod eval;
mod llm;
mod repl;
mod report;
mod score;
mod speech;
