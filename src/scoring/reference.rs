//! Reference-only mode: a question with a reference answer but no rubric gets a rubric
//! made from the reference, one criterion per sentence or clause.

use super::text;
use crate::bank::{Criterion, Rubric, TermGroup};
use crate::embed::{cosine, Encoder};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Names of the reference-mode features, in order.
pub const FEATURES: [&str; 6] = [
    "similarity to the closest reference",
    "similarity to the question",
    "share of reference content words used",
    "share of reference words not in the question used",
    "share of the answer's content words found in a reference",
    "similarity to the reference once the question's direction is removed",
];

/// A logistic model over [`FEATURES`], fitted by `grill calibrate` on graded
/// reference-answer data; its probability becomes the score (threshold -> 50).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReferenceModel {
    pub weights: Vec<f64>,
    pub bias: f64,
    /// Probability at which an answer counts as correct (maps to a score of 50).
    pub threshold: f64,
}

impl ReferenceModel {
    pub fn probability(&self, x: &[f64]) -> f64 {
        super::sigmoid(self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>())
    }

    /// Score 0-100 with the decision threshold at 50.
    pub fn score(&self, x: &[f64]) -> f64 {
        let p = self.probability(x);
        let t = self.threshold.clamp(0.01, 0.99);
        if p < t {
            50.0 * p / t
        } else {
            50.0 + 50.0 * (p - t) / (1.0 - t)
        }
    }

    /// Fit by gradient descent on standardised features (L2-regularised), then pick the
    /// threshold that maximises macro-F1 on the same rows.
    pub fn fit(x: &[Vec<f64>], y: &[bool]) -> ReferenceModel {
        let n = x.len().max(1) as f64;
        let d = FEATURES.len();
        let mean: Vec<f64> = (0..d).map(|j| x.iter().map(|r| r[j]).sum::<f64>() / n).collect();
        let sd: Vec<f64> =
            (0..d).map(|j| (x.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt().max(1e-6)).collect();
        let z: Vec<Vec<f64>> = x.iter().map(|r| (0..d).map(|j| (r[j] - mean[j]) / sd[j]).collect()).collect();
        let (mut w, mut b) = (vec![0.0; d], 0.0);
        for _ in 0..3000 {
            let mut gw = vec![0.0; d];
            let mut gb = 0.0;
            for (r, &t) in z.iter().zip(y) {
                let p = super::sigmoid(b + w.iter().zip(r).map(|(a, v)| a * v).sum::<f64>());
                let e = p - if t { 1.0 } else { 0.0 };
                gw.iter_mut().zip(r).for_each(|(g, v)| *g += e * v);
                gb += e;
            }
            for j in 0..d {
                w[j] -= 0.5 * (gw[j] / n + 1e-3 * w[j]);
            }
            b -= 0.5 * gb / n;
        }
        // back to the raw feature scale
        let weights: Vec<f64> = (0..d).map(|j| w[j] / sd[j]).collect();
        let bias = b - (0..d).map(|j| w[j] * mean[j] / sd[j]).sum::<f64>();
        let mut model = ReferenceModel { weights, bias, threshold: 0.5 };
        let probs: Vec<f64> = x.iter().map(|r| model.probability(r)).collect();
        let mut best = (f64::MIN, 0.5);
        for k in 10..=80 {
            let t = k as f64 / 100.0;
            let pred: Vec<bool> = probs.iter().map(|p| *p >= t).collect();
            let f1 = crate::eval::metrics::macro_f1(&pred, y);
            if f1 > best.0 + 1e-9 {
                best = (f1, t);
            }
        }
        model.threshold = best.1;
        model
    }
}

fn content_stems(text: &str) -> HashSet<String> {
    text::words(text)
        .into_iter()
        .filter(|w| w.len() > 2 && !text::is_function_word(w))
        .map(|w| text::stem(&w))
        .collect()
}

/// The reference-mode features of an answer (see [`FEATURES`]).
pub fn reference_features(
    encoder: &mut dyn Encoder,
    question: &str,
    references: &[&str],
    answer: &str,
) -> Result<Vec<f64>> {
    let a = encoder.embed(&[answer])?.remove(0);
    let mut statics: Vec<&str> = references.to_vec();
    statics.push(question);
    let vs = encoder.embed_cached(&statics)?;
    let (refs, q) = vs.split_at(references.len());
    let q = &q[0];
    let (best_i, best_sim) = refs
        .iter()
        .enumerate()
        .map(|(i, r)| (i, cosine(&a, r) as f64))
        .fold((0, f64::MIN), |acc, x| if x.1 > acc.1 { x } else { acc });
    let aq = cosine(&a, q) as f64;
    let resid = |v: &[f32]| {
        let d = cosine(v, q);
        let r: Vec<f32> = v.iter().zip(q).map(|(x, y)| x - d * y).collect();
        let n = r.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
        r.into_iter().map(|x| x / n).collect::<Vec<f32>>()
    };
    let residual = refs.get(best_i).map_or(0.0, |r| cosine(&resid(&a), &resid(r)) as f64);
    let ans = content_stems(answer);
    let qs = content_stems(question);
    let mut recall: f64 = 0.0;
    let mut recall_new: f64 = 0.0;
    let mut all_ref = HashSet::new();
    for r in references {
        let rs = content_stems(r);
        recall = recall.max(ans.intersection(&rs).count() as f64 / rs.len().max(1) as f64);
        let rn: HashSet<_> = rs.difference(&qs).cloned().collect();
        let an: HashSet<_> = ans.difference(&qs).cloned().collect();
        recall_new = recall_new.max(an.intersection(&rn).count() as f64 / rn.len().max(1) as f64);
        all_ref.extend(rs);
    }
    let precision = ans.intersection(&all_ref).count() as f64 / ans.len().max(1) as f64;
    Ok(vec![best_sim.max(0.0), aq, recall, recall_new, precision, residual])
}

/// Build a rubric from a reference answer. Each sentence (long ones split at clause
/// boundaries) becomes a criterion weighted by its content words; those words are its terms.
pub fn rubric_from_reference(question_id: &str, reference: &str) -> Rubric {
    let mut parts = Vec::new();
    for seg in text::segments(reference) {
        let ws = text::words(&seg);
        if ws.len() > 18 {
            let mut cur = String::new();
            for piece in seg.split_inclusive([',', ';']) {
                cur.push_str(piece);
                if text::words(&cur).len() >= 6 {
                    parts.push(cur.trim().to_string());
                    cur.clear();
                }
            }
            if !cur.trim().is_empty() {
                match parts.last_mut() {
                    Some(last) if text::words(&cur).len() < 4 => last.push_str(&cur),
                    _ => parts.push(cur.trim().to_string()),
                }
            }
        } else {
            parts.push(seg);
        }
    }
    if parts.is_empty() && !reference.trim().is_empty() {
        parts.push(reference.trim().to_string());
    }
    let criteria = parts
        .into_iter()
        .enumerate()
        .map(|(i, statement)| {
            let mut content: Vec<String> =
                text::words(&statement).into_iter().filter(|w| w.len() > 2 && !text::is_function_word(w)).collect();
            content.dedup();
            let weight = content.len().max(1) as f64;
            let terms = content.iter().take(6).map(|w| TermGroup { aliases: vec![w.clone()] }).collect();
            Criterion {
                id: format!("ref-{}", i + 1),
                idea: text::words(&statement)
                    .into_iter()
                    .filter(|w| !text::is_function_word(w))
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" "),
                weight,
                followup: format!("Can you say more about this: {statement}?"),
                study: statement.clone(),
                statement,
                terms,
            }
        })
        .collect();
    Rubric { question: question_id.to_string(), version: 0, criteria, red_flags: vec![] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_reference_into_weighted_criteria() {
        let r = rubric_from_reference("x", "The bulb lights because the circuit is closed. A battery provides the voltage, and the switch must be on, so current flows through the bulb and back to the battery terminal.");
        assert!(r.criteria.len() >= 3, "{:?}", r.criteria.iter().map(|c| &c.statement).collect::<Vec<_>>());
        assert!(r.criteria.iter().all(|c| c.weight >= 1.0 && !c.terms.is_empty()));
    }
}
