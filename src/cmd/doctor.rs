//! `grill doctor`: what works, what does not, and what to do about it.

use crate::config::Config;
use crate::embed::{runtime, Embedder, Encoder};
use crate::engine::load_calibration;
use crate::ui::Painter;
use anyhow::{bail, Result};

pub fn run(cfg: &Config) -> Result<()> {
    let p = Painter { color: cfg.color };
    let ok = |s: &str| println!("{} {s}", p.green("ok  "));
    let bad = |s: &str| println!("{} {s}", p.red("FAIL"));
    let mut failures = 0;

    match cfg.load_bank() {
        Ok(b) => {
            let (a, r) = b.completeness();
            ok(&format!(
                "bank: {} questions ({}), {a} with a model answer, {r} with a rubric",
                b.questions.len(),
                b.origin
            ));
        }
        Err(e) => {
            failures += 1;
            bad(&format!("bank: {e}"));
        }
    }
    match runtime::locate(cfg.ort_library.as_deref()) {
        Ok(path) => ok(&format!("ONNX Runtime library: {}", path.display())),
        Err(e) => {
            failures += 1;
            bad(&format!("ONNX Runtime library: {e}"));
        }
    }
    match Embedder::load(cfg.model_dir.as_deref(), cfg.ort_library.as_deref(), None) {
        Ok(mut e) => {
            let info = e.info().clone();
            match e.embed(&["model rollback with kubectl rollout undo"]) {
                Ok(v) if v.first().is_some_and(|x| x.len() == crate::embed::DIM) => ok(&format!(
                    "embedding model: {} ({}), sha256 {}…, {}-dimensional vectors",
                    info.name,
                    info.source,
                    &info.sha256[..16],
                    crate::embed::DIM
                )),
                Ok(_) => {
                    failures += 1;
                    bad("embedding model: unexpected output shape");
                }
                Err(err) => {
                    failures += 1;
                    bad(&format!("embedding model: {err}"));
                }
            }
        }
        Err(e) => {
            failures += 1;
            bad(&format!("embedding model: {e:#}"));
        }
    }
    match load_calibration(cfg) {
        Ok((c, src)) => ok(&format!("calibration: {src} (fitted on {})", c.fitted_on)),
        Err(e) => {
            failures += 1;
            bad(&format!("calibration: {e:#}"));
        }
    }
    match crate::store::Store::open(&cfg.db_path()) {
        Ok(_) => ok(&format!("session store: {}", cfg.db_path().display())),
        Err(e) => {
            failures += 1;
            bad(&format!("session store: {e:#}"));
        }
    }
    if llm_check(cfg, p).is_err() {
        failures += 1;
    }
    if failures > 0 {
        bail!("{failures} check(s) failed; see the hints above");
    }
    Ok(())
}

/// The optional LLM endpoint: off, or what answers (models, streaming, the key's source).
fn llm_check(cfg: &Config, p: Painter) -> Result<(), ()> {
    let llm = &cfg.llm;
    if !llm.is_configured() {
        println!(
            "{} LLM feedback: off (set llm_base_url in the config file or GRILL_LLM_BASE_URL to an OpenAI-compatible endpoint)",
            p.dim("off ")
        );
        return Ok(());
    }
    let key = match &llm.api_key {
        Some(_) => format!("API key from ${}", llm.api_key_env),
        None => format!("no API key (${} is unset)", llm.api_key_env),
    };
    match crate::llm::check_endpoint(llm) {
        Ok(c) => {
            let listed = if c.models.contains(&c.model) { "" } else { ", not among the listed models" };
            println!(
                "{} LLM feedback: {} lists {} model(s) ({}); streaming chat works with {}{listed} (first token in {} ms); {key}",
                p.green("ok  "),
                c.api_root,
                c.models.len(),
                c.models.join(", "),
                c.model,
                c.first_token.as_millis()
            );
            Ok(())
        }
        Err(e) => {
            println!("{} LLM feedback: {e}; {key}", p.red("FAIL"));
            Err(())
        }
    }
}
