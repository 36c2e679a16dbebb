//! `grill practice` and `grill mock`: the interactive sessions.

use crate::cli::{MockArgs, PracticeArgs};
use crate::config::Config;
use anyhow::Result;

pub fn practice(cfg: &Config, args: &PracticeArgs) -> Result<()> {
    crate::repl::practice(cfg, args)
}

pub fn mock(cfg: &Config, args: &MockArgs) -> Result<()> {
    crate::repl::mock(cfg, args)
}
