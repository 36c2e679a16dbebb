//! The terminal front end of practice and mock sessions (rustyline).

use crate::cli::{MockArgs, PracticeArgs};
use crate::config::Config;
use anyhow::Result;

pub fn practice(_cfg: &Config, _args: &PracticeArgs) -> Result<()> {
    anyhow::bail!("practice is being built")
}

pub fn mock(_cfg: &Config, _args: &MockArgs) -> Result<()> {
    anyhow::bail!("mock is being built")
}
