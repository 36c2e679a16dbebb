//! `grill history` and `grill replay`.

use crate::cli::{JsonArgs, ReplayArgs};
use crate::config::Config;
use anyhow::Result;

pub fn history(_cfg: &Config, _args: &JsonArgs) -> Result<()> {
    anyhow::bail!("history is being built")
}

pub fn replay(_cfg: &Config, _args: &ReplayArgs) -> Result<()> {
    anyhow::bail!("replay is being built")
}
