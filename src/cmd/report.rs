//! `grill report` (the gap plan) and `grill export`.

use crate::cli::{ExportArgs, ReportArgs};
use crate::config::Config;
use anyhow::Result;

pub fn report(_cfg: &Config, _args: &ReportArgs) -> Result<()> {
    anyhow::bail!("the gap plan report is being built")
}

pub fn export(_cfg: &Config, _args: &ExportArgs) -> Result<()> {
    anyhow::bail!("export is being built")
}
