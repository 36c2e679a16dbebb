//! `grill calibrate --dataset FILE.jsonl [-o FILE]`: fit the calibration on graded
//! answers, report leave-one-question-out figures, and write it.

use super::eval::{print_figures, progress_bar};
use crate::cli::CalibrateArgs;
use crate::config::Config;
use crate::engine::Engine;
use crate::eval::{self, fit};
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
    let loqo = eval::leave_one_question_out(&rows, &analyses);
    print_figures("Leave-one-question-out (each question scored by a fit on the others)", &eval::figures(&rows, &loqo), p);
    let name = args.dataset.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let label = format!("{name}{} ({} rows)", args.split.as_deref().map(|s| format!(" split {s}")).unwrap_or_default(), rows.len());
    let cal = fit::fit(&rows, &analyses, &label);
    let out = args.output.clone().unwrap_or_else(|| cfg.data_dir.join("calibration.toml"));
    cal.save(&out)?;
    println!(
        "\nwrote {} (threshold {:.3}, slope {:.1}, term weight {:.1}, intercept {:.1}, gain {:.2})",
        out.display(),
        cal.sim_threshold,
        cal.sim_slope,
        cal.term_weight,
        cal.intercept,
        cal.gain
    );
    Ok(())
}
