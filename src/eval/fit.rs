//! Fitting a [`Calibration`] to graded rows: a grid search over the coverage curve
//! (similarity threshold, slope, term weight) and the penalties, each candidate with a
//! least-squares line from weighted coverage to the human grade. The candidate whose
//! final scores (after caps and penalties) have the lowest squared error on questions
//! left out of its line, over-scores weighted double, wins.

use super::Row;
use crate::scoring::{Analysis, Calibration};

/// Weighted coverage of an analysed answer under a coverage curve.
fn weighted_coverage(a: &Analysis, cal: &Calibration) -> f64 {
    let total: f64 = a.rubric.criteria.iter().map(|c| c.weight).sum::<f64>().max(1e-9);
    a.rubric.criteria.iter().zip(&a.features).map(|(c, f)| c.weight * cal.coverage(f.similarity, f.terms)).sum::<f64>()
        / total
}

/// The points an answer loses to red flags, ruling out a criterion's idea, and tone.
fn penalties(a: &Analysis, cal: &Calibration) -> f64 {
    let tone = cal.dismissive(a.dismissive.len(), a.words);
    let tone = if tone >= 1.0 { tone.round() } else { 0.0 };
    a.red_flags.iter().map(|f| f.penalty).sum::<f64>()
        + a.ruled_out.as_ref().and_then(|r| r.flag(cal)).map_or(0.0, |f| f.penalty)
        + tone
}

/// The final score from weighted coverage: the line, then penalties and caps.
fn final_score(a: &Analysis, cal: &Calibration, wc: f64, penalty: f64) -> f64 {
    let mut s = ((cal.intercept + cal.gain * 100.0 * wc).clamp(0.0, 100.0) - penalty).max(0.0);
    for c in &a.caps {
        s = s.min(c.max_score);
    }
    s
}

/// How much more a score above the graders' costs than one below: a candidate who is
/// told a weak answer is fine walks into the interview unprepared, while one told a fine
/// answer is weak only practises more. On interview-dev, 2 kept the leave-one-question-out
/// Spearman (0.886 -> 0.888) and RMSE (13.7 -> 13.6) and brought the L1 answers scored
/// above 25 from 6 of 15 to 3; 3 cost Spearman (0.880).
const OVER_SCORE_COST: f64 = 2.0;

/// The squared error of one score, weighted by [`OVER_SCORE_COST`] when too high.
fn loss(error: f64) -> f64 {
    if error > 0.0 {
        OVER_SCORE_COST * error * error
    } else {
        error * error
    }
}

/// Least-squares intercept and gain of `human ~ intercept + gain * 100 * wc`.
fn line(wc: &[f64], human: &[f64]) -> (f64, f64) {
    let n = wc.len() as f64;
    if n < 2.0 {
        return (0.0, 1.0);
    }
    let x: Vec<f64> = wc.iter().map(|v| 100.0 * v).collect();
    let mx = x.iter().sum::<f64>() / n;
    let my = human.iter().sum::<f64>() / n;
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(human).map(|(a, b)| (a - mx) * (b - my)).sum();
    if sxx < 1e-9 {
        return (my, 0.0);
    }
    let gain = (sxy / sxx).clamp(0.2, 5.0);
    (my - gain * mx, gain)
}

/// The penalties tried for each coverage curve: (tone, ruling out).
fn penalty_grid() -> impl Iterator<Item = (f64, f64)> {
    [0.0, 2.0, 4.0, 6.0, 8.0].into_iter().flat_map(|d| [0.0, 4.0, 8.0, 12.0].map(move |r| (d, r)))
}

/// Fit a calibration. Each candidate coverage curve and penalty pair is judged by how
/// well it scores questions it was not fitted on: for every question, the line from
/// coverage to grade is fitted on the other questions and the loss taken on this one.
/// Judged in sample, many candidates fit these 90 answers about equally well, and which
/// one wins moved with a single answer's score, taking held-out answers with it. With
/// fewer than three questions, candidates are judged in sample. The chosen candidate's
/// line is then fitted on all rows.
pub fn fit(rows: &[Row], analyses: &[Analysis], label: &str) -> Calibration {
    let human: Vec<f64> = rows.iter().map(Row::human).collect();
    let mut keys: Vec<String> = rows.iter().map(Row::group_key).collect();
    keys.sort();
    keys.dedup();
    let group_of: Vec<usize> =
        rows.iter().map(|r| keys.binary_search(&r.group_key()).expect("every key was collected")).collect();
    let held_out = keys.len() >= 3;
    let uncapped: Vec<usize> = (0..rows.len()).filter(|&i| analyses[i].caps.is_empty()).collect();
    let line_without = |wc: &[f64], group: Option<usize>| {
        let (xs, ys): (Vec<f64>, Vec<f64>) =
            uncapped.iter().filter(|&&i| Some(group_of[i]) != group).map(|&i| (wc[i], human[i])).unzip();
        line(&xs, &ys)
    };
    // Penalties depend on the penalty pair only, not on the coverage curve.
    let penalty_pairs: Vec<((f64, f64), Vec<f64>)> = penalty_grid()
        .map(|(dismissive_penalty, rejection_penalty)| {
            let cal = Calibration { dismissive_penalty, rejection_penalty, ..Calibration::default() };
            ((dismissive_penalty, rejection_penalty), analyses.iter().map(|a| penalties(a, &cal)).collect())
        })
        .collect();
    let mut best: Option<(f64, Calibration)> = None;
    for ti in 0..=16 {
        let threshold = 0.25 + 0.025 * ti as f64;
        for slope in [2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0] {
            for term_weight in [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0] {
                let mut cal = Calibration {
                    version: 1,
                    fitted_on: label.to_string(),
                    sim_threshold: threshold,
                    sim_slope: slope,
                    term_weight,
                    intercept: 0.0,
                    gain: 1.0,
                    power: 1.0,
                    dismissive_penalty: 0.0,
                    rejection_penalty: 0.0,
                    reference: None,
                };
                let wc: Vec<f64> = analyses.iter().map(|a| weighted_coverage(a, &cal)).collect();
                // (intercept, gain) for each question's rows: fitted without them, or on all
                let lines: Vec<(f64, f64)> = if held_out {
                    (0..keys.len()).map(|g| line_without(&wc, Some(g))).collect()
                } else {
                    vec![line_without(&wc, None); keys.len()]
                };
                for ((dismissive_penalty, rejection_penalty), pen) in &penalty_pairs {
                    cal.dismissive_penalty = *dismissive_penalty;
                    cal.rejection_penalty = *rejection_penalty;
                    let sse: f64 = (0..rows.len())
                        .map(|i| {
                            (cal.intercept, cal.gain) = lines[group_of[i]];
                            loss(final_score(&analyses[i], &cal, wc[i], pen[i]) - human[i])
                        })
                        .sum();
                    if best.as_ref().is_none_or(|(b, _)| sse < *b) {
                        best = Some((sse, cal.clone()));
                    }
                }
            }
        }
    }
    let Some((_, mut cal)) = best else { return Calibration::default() };
    let wc: Vec<f64> = analyses.iter().map(|a| weighted_coverage(a, &cal)).collect();
    (cal.intercept, cal.gain) = line_without(&wc, None);
    cal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Criterion, Rubric};
    use crate::scoring::{CriterionFeatures, RuledOut};

    fn analysis(question: &str, sims: &[f64], ruled_out: bool) -> Analysis {
        let criteria = (0..sims.len())
            .map(|i| Criterion {
                id: format!("c{i}"),
                idea: format!("idea {i}"),
                weight: 1.0,
                statement: format!("Criterion {i}."),
                terms: vec![],
                followup: "Why?".into(),
                study: "Study.".into(),
            })
            .collect();
        Analysis {
            question: question.into(),
            rubric: Rubric { question: question.into(), version: 1, criteria, red_flags: vec![] },
            model: "test".into(),
            features: sims
                .iter()
                .map(|&similarity| CriterionFeatures {
                    similarity,
                    terms: 0.0,
                    evidence: None,
                    terms_found: vec![],
                    terms_missing: vec![],
                })
                .collect(),
            red_flags: vec![],
            caps: vec![],
            notes: vec![],
            words: 200,
            fillers: 0,
            relevance: 0.5,
            function_ratio: 0.4,
            fragment_ratio: 0.0,
            reference: None,
            dismissive: vec![],
            ruled_out: ruled_out.then(|| RuledOut {
                strength: 1.0,
                idea: "idea 0".into(),
                evidence: "No need.".into(),
            }),
            flag_similarity: vec![],
        }
    }

    /// Rows graded by a known calibration: the fit must find settings that reproduce the
    /// grades, including the points taken for ruling out a criterion's idea.
    #[test]
    fn the_fit_recovers_the_calibration_that_graded_the_rows() {
        let truth = Calibration {
            sim_threshold: 0.6,
            sim_slope: 8.0,
            term_weight: 0.0,
            intercept: -20.0,
            gain: 1.2,
            dismissive_penalty: 0.0,
            rejection_penalty: 8.0,
            ..Calibration::default()
        };
        let mut rows = Vec::new();
        let mut analyses = Vec::new();
        for q in 0..5 {
            for k in 0..8 {
                let base = 0.35 + 0.07 * k as f64 + 0.01 * q as f64;
                let a = analysis(&format!("q{q}"), &[base, base + 0.05, base - 0.05], k % 3 == 1);
                let human = a.scorecard(&truth).score;
                rows.push(Row {
                    id: None,
                    question_id: Some(format!("q{q}")),
                    question: None,
                    reference: None,
                    all_references: None,
                    answer: String::new(),
                    score: human,
                    max_score: 100.0,
                    split: None,
                    level: None,
                });
                analyses.push(a);
            }
        }
        let fitted = fit(&rows, &analyses, "synthetic");
        let rmse =
            (rows.iter().zip(&analyses).map(|(r, a)| (a.scorecard(&fitted).score - r.human()).powi(2)).sum::<f64>()
                / rows.len() as f64)
                .sqrt();
        assert!(rmse < 3.0, "rmse {rmse}, fitted {fitted:?}");
        // The line is fitted to the grades after penalties, which absorbs part of them
        // (fitting grade + penalties recovers 8 exactly, but put 7 of interview-dev's 15
        // L1 answers above 25 instead of none), so the penalty found is lower but not 0.
        assert!(fitted.rejection_penalty > 0.0, "{fitted:?}");
        assert_eq!(fitted.fitted_on, "synthetic");
    }

    #[test]
    fn a_score_above_the_grade_costs_more_than_one_below() {
        assert_eq!(loss(10.0), OVER_SCORE_COST * loss(-10.0));
        assert_eq!(loss(-10.0), 100.0);
        assert_eq!(loss(0.0), 0.0);
    }
}
