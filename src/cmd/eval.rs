//! `grill eval --dataset FILE.jsonl`: agreement of the scorer with human grades.

use super::print_json;
use crate::cli::EvalArgs;
use crate::config::Config;
use crate::engine::Engine;
use crate::eval::{self, Figures, Row};
use crate::scoring::Analysis;
use crate::ui::Painter;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

pub fn progress_bar(n: usize, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || n < 20 {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(n as u64);
    pb.set_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.set_message(what.to_string());
    pb
}

pub fn print_figures(title: &str, f: &Figures, p: Painter) {
    println!("{}", p.bold(title));
    println!("  n                    {}", f.n);
    println!("  Spearman             {:.3}", f.spearman);
    println!("  Pearson              {:.3}", f.pearson);
    println!("  quadratic kappa      {:.3}", f.qwk);
    println!("  RMSE (0-100 scale)   {:.1}", f.rmse);
    println!("  pairwise ordering    {:.3} (within a question)", f.pairwise_accuracy);
    if let Some(m) = f.macro_f1 {
        println!("  macro-F1 (2-way)     {m:.3}");
    }
    println!("  mean score by human grade (0-100):");
    for (g, s) in &f.mean_by_grade {
        println!("    {:>5}  {s:>5.1}", g.trim_start_matches('0'));
    }
    if !f.mean_by_level.is_empty() {
        println!("  mean score by level:");
        for (l, s) in &f.mean_by_level {
            println!("    {l:>5}  {s:>5.1}");
        }
    }
}

/// One JSON line per row: its prediction, human grade and the scorer's features,
/// for looking at where the scorer and the graders disagree.
pub fn write_rows(path: &Path, rows: &[Row], analyses: &[Analysis], pred: &[f64]) -> Result<()> {
    let mut out = String::new();
    for ((row, a), p) in rows.iter().zip(analyses).zip(pred) {
        let line = serde_json::json!({
            "id": row.id, "question": row.group_key(), "level": row.level, "human": row.human(), "predicted": p,
            "words": a.words, "relevance": a.relevance, "function_ratio": a.function_ratio, "fragment_ratio": a.fragment_ratio,
            "caps": a.caps.iter().map(|c| &c.reason).collect::<Vec<_>>(), "red_flags": a.red_flags.iter().map(|f| serde_json::json!({"statement": f.statement, "evidence": f.evidence})).collect::<Vec<_>>(), "flag_similarity": a.flag_similarity,
            "ruled_out": a.ruled_out.as_ref().map(|r| serde_json::json!({"strength": r.strength, "idea": r.idea, "evidence": r.evidence})),
            "criteria": a.rubric.criteria.iter().zip(&a.features).map(|(c, f)| serde_json::json!({"id": c.id, "weight": c.weight, "similarity": f.similarity, "terms": f.terms})).collect::<Vec<_>>(),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))
}

pub fn run(cfg: &Config, args: &EvalArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let rows = eval::load_rows(&args.dataset, args.split.as_deref())?;
    let mut engine = Engine::load(cfg)?;
    let cal_source = engine.calibration_source.clone();
    let pb = progress_bar(rows.len(), "scoring");
    let analyses = eval::analyse_rows(&bank, &mut engine.scorer(), &rows, || pb.inc(1))?;
    pb.finish_and_clear();
    let pred = eval::predict(&analyses, &engine.calibration);
    let figs = eval::figures(&rows, &pred);
    if let Some(path) = &args.rows {
        write_rows(path, &rows, &analyses, &pred)?;
    }
    if args.json {
        return print_json(&serde_json::json!({"dataset": args.dataset, "calibration": cal_source, "figures": figs}));
    }
    let p = Painter { color: cfg.color };
    print_figures(&format!("{} with calibration {}", args.dataset.display(), cal_source), &figs, p);
    Ok(())
}
