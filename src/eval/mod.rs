//! Measuring the scorer against human grades, and fitting its calibration.
//!
//! Rows come from JSONL files: `question_id` (a bank id) or `question` + `reference`,
//! plus `answer`, `score`, `max_score`, and optionally `split` and `level`. The expensive
//! part (embedding) is done once per row into an [`Analysis`]; figures and fits reuse it.

pub mod fit;
pub mod metrics;

use crate::bank::Bank;
use crate::scoring::{Analysis, Calibration, ReferenceModel, Scorer};
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    #[serde(default)]
    pub question_id: Option<String>,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
    /// More reference answers, when the data set has several per question.
    #[serde(default)]
    pub all_references: Option<Vec<String>>,
    pub answer: String,
    pub score: f64,
    pub max_score: f64,
    #[serde(default)]
    pub split: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
}

impl Row {
    /// The human grade on a 0-100 scale.
    pub fn human(&self) -> f64 {
        100.0 * self.score / self.max_score
    }
    /// Rows of one question share this key.
    pub fn group_key(&self) -> String {
        self.question_id.clone().or_else(|| self.question.clone()).unwrap_or_default()
    }
}

/// Read a graded JSONL file; every bad line is named.
pub fn load_rows(path: &Path, split: Option<&str>) -> Result<Vec<Row>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the dataset {}", path.display()))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(line).map_err(|e| {
            anyhow!(
                "{}:{}: {e} (each line needs answer, score, max_score, and question_id or question + reference)",
                path.display(),
                i + 1
            )
        })?;
        if row.max_score.is_nan() || row.max_score <= 0.0 || !(0.0..=row.max_score).contains(&row.score) {
            bail!("{}:{}: score {} is not within 0..=max_score {}", path.display(), i + 1, row.score, row.max_score);
        }
        if row.question_id.is_none() && (row.question.is_none() || row.reference.is_none()) {
            bail!("{}:{}: a row needs question_id (a bank id) or both question and reference", path.display(), i + 1);
        }
        if split.is_none_or(|s| row.split.as_deref() == Some(s)) {
            rows.push(row);
        }
    }
    if rows.is_empty() {
        bail!("{} has no rows{}", path.display(), split.map(|s| format!(" in split '{s}'")).unwrap_or_default());
    }
    Ok(rows)
}

/// Embed and analyse every row once. `progress` is called after each row.
pub fn analyse_rows(
    bank: &Bank,
    scorer: &mut Scorer<'_>,
    rows: &[Row],
    mut progress: impl FnMut(),
) -> Result<Vec<Analysis>> {
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let a = match (&row.question_id, &row.reference) {
            (Some(qid), _) if bank.question(qid).is_some() => {
                let q = bank.question(qid).expect("checked");
                let r = bank.rubric(qid).ok_or_else(|| {
                    anyhow!("row {}: {qid} has no rubric in the bank; give the row a reference instead", i + 1)
                })?;
                scorer.analyse(&q.scenario, q.answer.as_deref(), r, &row.answer)?
            }
            (_, Some(reference)) => {
                let mut refs: Vec<&str> = vec![reference.as_str()];
                for r in row.all_references.iter().flatten() {
                    if !refs.contains(&r.as_str()) {
                        refs.push(r);
                    }
                }
                scorer.analyse_reference(&row.group_key(), row.question.as_deref().unwrap_or(""), &refs, &row.answer)?
            }
            (Some(qid), None) => bail!("row {}: question {qid} is not in the bank and the row has no reference", i + 1),
            (None, None) => bail!("row {}: no question_id and no reference", i + 1),
        };
        out.push(a);
        progress();
    }
    Ok(out)
}

/// Agreement figures for one set of predictions.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub n: usize,
    pub pearson: f64,
    pub spearman: f64,
    pub qwk: f64,
    pub rmse: f64,
    pub pairwise_accuracy: f64,
    /// For two-level grades (0 or max): macro-F1 with the threshold at 50.
    pub macro_f1: Option<f64>,
    /// Mean predicted score per human grade (as a 0-100 value) or per level label.
    pub mean_by_grade: BTreeMap<String, f64>,
    pub mean_by_level: BTreeMap<String, f64>,
}

/// Compare predicted scores (0-100) with the rows' human grades.
pub fn figures(rows: &[Row], pred: &[f64]) -> Figures {
    let human: Vec<f64> = rows.iter().map(Row::human).collect();
    let max = rows.iter().map(|r| r.max_score).fold(0.0, f64::max);
    let k = max.round().max(1.0) as usize;
    let to_grade = |v: f64, m: f64| ((v / 100.0 * m).round().max(0.0) as usize).min(k);
    let p_int: Vec<usize> = pred.iter().zip(rows).map(|(p, r)| to_grade(*p, r.max_score)).collect();
    let t_int: Vec<usize> = rows.iter().map(|r| r.score.round().max(0.0) as usize).collect();
    let keys: Vec<String> = rows.iter().map(Row::group_key).collect();
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let groups: Vec<usize> = keys
        .iter()
        .map(|k| {
            let n = ids.len();
            *ids.entry(k.as_str()).or_insert(n)
        })
        .collect();
    let binary = rows.iter().all(|r| r.score == 0.0 || r.score == r.max_score);
    let macro_f1 = binary.then(|| {
        metrics::macro_f1(
            &pred.iter().map(|p| *p >= 50.0).collect::<Vec<_>>(),
            &rows.iter().map(|r| r.score > 0.0).collect::<Vec<_>>(),
        )
    });
    let mut by_grade: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut by_level: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (r, p) in rows.iter().zip(pred) {
        by_grade.entry(format!("{:05.1}", r.human())).or_default().push(*p);
        if let Some(l) = &r.level {
            by_level.entry(l.clone()).or_default().push(*p);
        }
    }
    let avg = |m: BTreeMap<String, Vec<f64>>| {
        m.into_iter().map(|(k, v)| (k, (metrics::mean(&v) * 10.0).round() / 10.0)).collect()
    };
    Figures {
        n: rows.len(),
        pearson: metrics::pearson(pred, &human),
        spearman: metrics::spearman(pred, &human),
        qwk: metrics::qwk(&p_int, &t_int, k),
        rmse: metrics::rmse(pred, &human),
        pairwise_accuracy: metrics::pairwise_accuracy(&groups, pred, &human),
        macro_f1,
        mean_by_grade: avg(by_grade),
        mean_by_level: avg(by_level),
    }
}

/// Scores for analysed rows under one calibration.
pub fn predict(analyses: &[Analysis], cal: &Calibration) -> Vec<f64> {
    analyses.iter().map(|a| a.scorecard(cal).score).collect()
}

/// Fit a calibration: the rubric curve on rows scored against bank rubrics, the
/// reference model on rows scored against reference answers.
pub fn fit_all(rows: &[Row], analyses: &[Analysis], label: &str, base: &Calibration) -> Calibration {
    let (bank_idx, ref_idx): (Vec<usize>, Vec<usize>) =
        (0..rows.len()).partition(|&i| analyses[i].reference.is_none() && analyses[i].rubric.version > 0);
    let mut cal = if bank_idx.is_empty() {
        let mut c = base.clone();
        c.fitted_on = label.to_string();
        c
    } else {
        let r: Vec<Row> = bank_idx.iter().map(|&i| rows[i].clone()).collect();
        let a: Vec<Analysis> = bank_idx.iter().map(|&i| analyses[i].clone()).collect();
        fit::fit(&r, &a, label)
    };
    let with_features: Vec<usize> = ref_idx.into_iter().filter(|&i| analyses[i].reference.is_some()).collect();
    cal.reference = if with_features.is_empty() {
        base.reference.clone()
    } else {
        let x: Vec<Vec<f64>> =
            with_features.iter().map(|&i| analyses[i].reference.clone().unwrap_or_default()).collect();
        let y: Vec<bool> = with_features.iter().map(|&i| rows[i].human() >= 50.0).collect();
        Some(ReferenceModel::fit(&x, &y))
    };
    cal
}

/// Cross-validated predictions, grouped by question so no question is scored by a fit
/// that saw it: leave-one-question-out for up to 30 questions, else 5 folds of questions.
pub fn cross_validate(rows: &[Row], analyses: &[Analysis], base: &Calibration) -> Vec<f64> {
    let keys: Vec<String> = rows.iter().map(Row::group_key).collect();
    let mut uniq: Vec<&String> = keys.iter().collect();
    uniq.sort();
    uniq.dedup();
    let folds = uniq.len().clamp(2, 30);
    let fold_of = |k: &String| uniq.iter().position(|u| *u == k).unwrap_or(0) % folds;
    let mut pred = vec![0.0; rows.len()];
    for f in 0..folds {
        let train: Vec<usize> = (0..rows.len()).filter(|&i| fold_of(&keys[i]) != f).collect();
        let test: Vec<usize> = (0..rows.len()).filter(|&i| fold_of(&keys[i]) == f).collect();
        if test.is_empty() {
            continue;
        }
        let tr_rows: Vec<Row> = train.iter().map(|&i| rows[i].clone()).collect();
        let tr_an: Vec<Analysis> = train.iter().map(|&i| analyses[i].clone()).collect();
        let cal = fit_all(&tr_rows, &tr_an, "cross-validation", base);
        for &i in &test {
            pred[i] = analyses[i].scorecard(&cal).score;
        }
    }
    pred
}

/// Leave-one-question-out predictions: each question is scored with a calibration fitted
/// on all the other questions.
pub fn leave_one_question_out(rows: &[Row], analyses: &[Analysis]) -> Vec<f64> {
    let keys: Vec<String> = rows.iter().map(Row::group_key).collect();
    let mut uniq: Vec<&String> = keys.iter().collect();
    uniq.sort();
    uniq.dedup();
    let mut pred = vec![0.0; rows.len()];
    for held in uniq {
        let train: Vec<usize> = (0..rows.len()).filter(|&i| &keys[i] != held).collect();
        let test: Vec<usize> = (0..rows.len()).filter(|&i| &keys[i] == held).collect();
        let tr_rows: Vec<Row> = train.iter().map(|&i| rows[i].clone()).collect();
        let tr_an: Vec<Analysis> = train.iter().map(|&i| analyses[i].clone()).collect();
        let cal = fit::fit(&tr_rows, &tr_an, "leave-one-question-out");
        for &i in &test {
            pred[i] = analyses[i].scorecard(&cal).score;
        }
    }
    pred
}
