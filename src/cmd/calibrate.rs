//! `grill calibrate --dataset FILE.jsonl [-o FILE]`: fit the calibration on graded
//! answers, report leave-one-question-out figures, and write it.

use super::eval::{print_figures, progress_bar, write_rows};
use crate::cli::CalibrateArgs;
use crate::config::Config;
use crate::engine::Engine;
use crate::eval;
use crate::ui::Painter;
use anyhow::Result;

pub fn run(cfg: &Config, args: &CalibrateArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let rows = eval::load_rows(&args.dataset, args.split.as_deref())?;
    let mut engine = Engine::load(cfg)?;
    let pb = progress_bar(rows.len(), "scoring");
    let analyses = eval::analyse_rows(&bank, &mut engine.scorer(), &rows, || pb.inc(1))?;
    pb.finish_and_clear();
    let p = Painter { color: cfg.color };
    let cv = eval::cross_validate(&rows, &analyses, &engine.calibration);
    print_figures(
        "Cross-validated by question (each question scored by a fit on other questions)",
        &eval::figures(&rows, &cv),
        p,
    );
    if let Some(path) = &args.rows {
        write_rows(path, &rows, &analyses, &cv)?;
    }
    let name = args.dataset.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let label = format!(
        "{name}{} ({} rows)",
        args.split.as_deref().map(|s| format!(" split {s}")).unwrap_or_default(),
        rows.len()
    );
    let cal = eval::fit_all(&rows, &analyses, &label, &engine.calibration);
    let out = args.output.clone().unwrap_or_else(|| cfg.data_dir.join("calibration.toml"));
    cal.save(&out)?;
    println!(
        "\nwrote {} (threshold {:.3}, slope {:.1}, term weight {:.1}, intercept {:.1}, gain {:.2}, tone {:.1}, ruling out {:.1}{})",
        out.display(),
        cal.sim_threshold,
        cal.sim_slope,
        cal.term_weight,
        cal.intercept,
        cal.gain,
        cal.dismissive_penalty,
        cal.rejection_penalty,
        if cal.reference.is_some() { ", with a reference-answer model" } else { "" }
    );
    Ok(())
}
