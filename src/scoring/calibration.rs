//! Calibration: the few numbers that turn similarities and term matches into coverage,
//! and raw coverage into a 0-100 score on the graders' scale. Versioned, stored as TOML,
//! fitted by `grill calibrate`; the built-in one is models/calibration.toml.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const DEFAULT_TOML: &str = include_str!("../../models/calibration.toml");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Format version of this file.
    pub version: u32,
    /// What it was fitted on, for people reading it.
    pub fitted_on: String,
    /// Coverage of a criterion = sigmoid(slope * (similarity - threshold) + term_weight * terms).
    pub sim_threshold: f64,
    pub sim_slope: f64,
    pub term_weight: f64,
    /// Final score = clamp(intercept + gain * 100 * weighted coverage ^ power, 0, 100).
    pub intercept: f64,
    pub gain: f64,
    #[serde(default = "one")]
    pub power: f64,
    /// Points taken off per dismissive phrase per 100 words ("no need", "skip", "overkill").
    #[serde(default)]
    pub dismissive_penalty: f64,
    /// Points taken off for ruling out an idea a criterion asks for (see `RuledOut`).
    #[serde(default)]
    pub rejection_penalty: f64,
    /// The reference-answer model, when fitted on reference-graded data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<super::ReferenceModel>,
}

impl Default for Calibration {
    fn default() -> Self {
        toml::from_str(DEFAULT_TOML).expect("models/calibration.toml is valid (checked by a test)")
    }
}

impl Calibration {
    pub fn load(path: &Path) -> Result<Calibration> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read calibration file {}", path.display()))?;
        toml::from_str(&text).with_context(|| {
            format!("calibration file {} is not valid (run `grill calibrate` to write a new one)", path.display())
        })
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let text =
            format!("# grill score calibration, written by `grill calibrate`.\n{}", toml::to_string_pretty(self)?);
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Coverage of one criterion from its best similarity and its share of matched terms.
    pub fn coverage(&self, similarity: f64, terms: f64) -> f64 {
        sigmoid(self.sim_slope * (similarity - self.sim_threshold) + self.term_weight * terms)
    }

    /// Map weighted coverage (0 to 1) to the 0-100 score.
    pub fn score(&self, weighted_coverage: f64) -> f64 {
        (self.intercept + self.gain * 100.0 * weighted_coverage.max(0.0).powf(self.power)).clamp(0.0, 100.0)
    }
}

fn one() -> f64 {
    1.0
}

/// Most points a dismissive tone can cost.
pub const MAX_DISMISSIVE_PENALTY: f64 = 25.0;

impl Calibration {
    /// Points off for `count` dismissive phrases in an answer of `words` words.
    pub fn dismissive(&self, count: usize, words: usize) -> f64 {
        (self.dismissive_penalty * 100.0 * count as f64 / words.max(50) as f64).min(MAX_DISMISSIVE_PENALTY)
    }
}

pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}
