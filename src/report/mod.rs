//! Rendering scorecards, sessions and reports for people. Pure functions from data to
//! text; the caller decides where the text goes.

pub mod gap;
pub mod scorecard;
pub mod session;
