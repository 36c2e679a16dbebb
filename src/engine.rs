//! The scoring engine as the commands use it: the embedding model on ONNX Runtime plus
//! the calibration in force, loaded from the settings.

use crate::bank::{Question, Rubric};
use crate::config::Config;
use crate::embed::Embedder;
use crate::scoring::{Analysis, Calibration, Scorecard, Scorer};
use anyhow::{anyhow, Result};

pub struct Engine {
    pub embedder: Embedder,
    pub calibration: Calibration,
    /// Where the calibration came from.
    pub calibration_source: String,
}

/// The calibration in force: the setting, else the data directory's, else the built-in one.
pub fn load_calibration(cfg: &Config) -> Result<(Calibration, String)> {
    if let Some(p) = &cfg.calibration {
        return Ok((Calibration::load(p)?, p.display().to_string()));
    }
    let local = cfg.data_dir.join("calibration.toml");
    if local.is_file() {
        return Ok((Calibration::load(&local)?, local.display().to_string()));
    }
    Ok((Calibration::default(), "built in (models/calibration.toml)".to_string()))
}

impl Engine {
    pub fn load(cfg: &Config) -> Result<Engine> {
        let (calibration, calibration_source) = load_calibration(cfg)?;
        let embedder =
            Embedder::load(cfg.model_dir.as_deref(), cfg.ort_library.as_deref(), Some(cfg.data_dir.join("cache")))?;
        if cfg.verbose {
            let i = embedder.info();
            eprintln!("model: {} ({}), sha256 {}", i.name, i.source, &i.sha256[..16]);
            eprintln!("ONNX Runtime: {}", i.runtime_library.display());
            eprintln!("calibration: {calibration_source}");
        }
        Ok(Engine { embedder, calibration, calibration_source })
    }

    pub fn scorer(&mut self) -> Scorer<'_> {
        Scorer::new(&mut self.embedder, self.calibration.clone())
    }

    /// Score an answer to a bank question against its rubric, or, for a question with a
    /// model answer but no rubric, in reference-only mode against the model answer.
    pub fn score(&mut self, q: &Question, rubric: Option<&Rubric>, answer: &str) -> Result<Scorecard> {
        let cal = self.calibration.clone();
        match (rubric, q.answer.as_deref()) {
            (Some(r), _) => self.scorer().score(&q.scenario, q.answer.as_deref(), r, answer),
            (None, Some(reference)) => Ok(self.scorer().analyse_reference(&q.id, &q.scenario, &[reference], answer)?.scorecard(&cal)),
            (None, None) => Err(anyhow!(
                "{} has neither a rubric nor a model answer yet, so it cannot be scored (pick another question, or write rubrics/{}.toml)",
                q.id,
                q.id
            )),
        }
    }

    pub fn analyse(&mut self, q: &Question, rubric: &Rubric, answer: &str) -> Result<Analysis> {
        self.scorer().analyse(&q.scenario, q.answer.as_deref(), rubric, answer)
    }
}
