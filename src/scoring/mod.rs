//! Rubric scoring: how much of each rubric idea an answer states, with evidence.
//!
//! 1. Clean the answer: cut very long ones, drop spoken fillers and anything addressed to
//!    the grader, split into segments (sentences, bullets, windows of long run-ons).
//! 2. Embed the segments; criteria are embedded through the cache.
//! 3. Per criterion: best similarity over segments and adjacent pairs, share of its key
//!    terms used; [`Calibration::coverage`] turns the two into a coverage probability.
//! 4. Gates cap the score with a stated reason: near-empty, not English, keyword salad,
//!    off-topic. Red flags (harmful advice, not negated) cost points.
//! 5. Score = calibrated weighted coverage, 0-100, with a band. Deterministic: the same
//!    answer, rubric, model and calibration always give the same scorecard.
//!
//! [`Scorer::analyse`] does the expensive part (embedding) once; [`Analysis::scorecard`]
//! applies a calibration, so `grill calibrate` can try many without re-embedding.

mod calibration;
mod reference;
pub mod text;

pub use calibration::{sigmoid, Calibration};
pub use reference::{reference_features, rubric_from_reference, ReferenceModel};

use crate::bank::{Criterion, Rubric};
use crate::embed::{cosine, Encoder};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// Below this many words (after fillers are removed) an answer scores 0.
pub const MIN_WORDS: usize = 8;
/// Fewest words a segment needs to be a criterion's evidence on its own.
pub const MIN_EVIDENCE_WORDS: usize = 4;
/// Score cap for answers that list terms without reasoning.
pub const SALAD_CAP: f64 = 15.0;
/// Score cap for answers that do not address the question.
pub const OFF_TOPIC_CAP: f64 = 10.0;

/// Similarity lost by a criterion whose best evidence already carries other ideas.
pub const SHARED_EVIDENCE_DISCOUNT: f32 = 0.2;

/// Share of a criterion's points at or above which it counts as covered, and as partly covered.
pub const COVERED: f64 = 0.6;
pub const PARTIAL: f64 = 0.25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    StrongHire,
    Hire,
    LeanHire,
    NoHire,
}

impl Band {
    pub fn from_score(score: f64) -> Band {
        match score {
            s if s >= 80.0 => Band::StrongHire,
            s if s >= 65.0 => Band::Hire,
            s if s >= 50.0 => Band::LeanHire,
            _ => Band::NoHire,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Band::StrongHire => "strong hire",
            Band::Hire => "hire",
            Band::LeanHire => "lean hire",
            Band::NoHire => "no hire",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Covered,
    Partial,
    Missed,
}

impl Status {
    /// From the share of a criterion's points earned.
    pub fn from_share(f: f64) -> Status {
        if f >= COVERED {
            Status::Covered
        } else if f >= PARTIAL {
            Status::Partial
        } else {
            Status::Missed
        }
    }
}

/// What the answer did for one criterion.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CriterionResult {
    pub id: String,
    pub idea: String,
    pub statement: String,
    pub weight: f64,
    /// Best cosine similarity of a segment (or adjacent pair) to the statement.
    pub similarity: f64,
    /// Share of the criterion's key-term groups the answer used (0 to 1).
    pub terms: f64,
    pub coverage: f64,
    pub status: Status,
    /// Points of the final score this criterion earned, and could have earned.
    pub points: f64,
    pub max_points: f64,
    /// The answer's words that best state this idea.
    pub evidence: Option<String>,
    pub terms_found: Vec<String>,
    pub terms_missing: Vec<String>,
    pub followup: String,
    pub study: String,
    /// Credited from the reply to a follow-up probe rather than the first answer.
    #[serde(default)]
    pub after_prompt: bool,
}

/// A red flag the answer raised.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RedFlagHit {
    pub statement: String,
    pub penalty: f64,
    pub evidence: String,
}

/// A limit on the score, with the reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cap {
    pub max_score: f64,
    pub reason: String,
}

/// The result of scoring one answer: the score, and why it is what it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scorecard {
    pub question: String,
    pub rubric_version: u32,
    pub model: String,
    pub calibration: String,
    pub score: f64,
    pub band: Band,
    pub criteria: Vec<CriterionResult>,
    pub red_flags: Vec<RedFlagHit>,
    pub caps: Vec<Cap>,
    pub notes: Vec<String>,
    pub terms_used: Vec<String>,
    pub terms_missed: Vec<String>,
    pub words: usize,
    pub fillers: usize,
    #[serde(default)]
    pub hint_used: bool,
    /// Weighted coverage before calibration (0 to 1).
    pub raw: f64,
    /// Calibration parameters used, so a follow-up credit recomputes identically.
    pub intercept: f64,
    pub gain: f64,
    #[serde(default = "one")]
    pub power: f64,
    /// How a spoken answer was delivered (pace, fillers, pauses); absent for typed answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<crate::speech::Delivery>,
}

fn one() -> f64 {
    1.0
}

impl Scorecard {
    /// Recompute score, points and band after coverages changed (a follow-up credit).
    pub fn recompute(&mut self) {
        let total: f64 = self.criteria.iter().map(|c| c.weight).sum::<f64>().max(1e-9);
        self.raw = self.criteria.iter().map(|c| c.weight * c.coverage).sum::<f64>() / total;
        let base = (self.intercept + self.gain * 100.0 * self.raw.powf(self.power)).clamp(0.0, 100.0);
        // The calibration maps weighted coverage `raw0` to a score of 0, so a criterion earns
        // points for its coverage above `raw0`; its share of the score is that excess.
        let raw0 = if self.gain > 0.0 { (-self.intercept / (100.0 * self.gain)).max(0.0) } else { 0.0 };
        let share = |c: &CriterionResult| (self.gain.max(0.0) * (c.coverage - raw0)).clamp(0.0, 1.0);
        let shares: Vec<f64> = self.criteria.iter().map(share).collect();
        let earned: f64 = self.criteria.iter().zip(&shares).map(|(c, f)| c.weight * f).sum::<f64>();
        // An answer capped as empty, junk or off-topic earns nothing, so nothing is "covered".
        let void = self.caps.iter().any(|c| c.max_score <= OFF_TOPIC_CAP);
        for (c, f) in self.criteria.iter_mut().zip(shares) {
            c.max_points = 100.0 * c.weight / total;
            c.status = if void { Status::Missed } else { Status::from_share(f) };
            c.points = if void || earned <= 0.0 { 0.0 } else { (base * c.weight * f / earned).min(c.max_points) };
        }
        let penalty: f64 = self.red_flags.iter().map(|f| f.penalty).sum();
        let mut score = (base - penalty).max(0.0);
        for cap in &self.caps {
            score = score.min(cap.max_score);
        }
        self.score = score.round();
        self.band = Band::from_score(self.score);
    }

    /// Credit a criterion from the reply to its follow-up probe, marked "after a prompt".
    /// A prompted idea earns at most 80 % of its full coverage.
    pub fn credit_followup(&mut self, criterion_id: &str, reply_coverage: f64, evidence: Option<String>) {
        if let Some(c) = self.criteria.iter_mut().find(|c| c.id == criterion_id) {
            let prompted = 0.8 * reply_coverage;
            if prompted > c.coverage {
                c.coverage = prompted;
                c.after_prompt = true;
                if evidence.is_some() {
                    c.evidence = evidence;
                }
            }
        }
        self.recompute();
    }

    /// The heaviest criterion not yet covered: the one to probe next.
    pub fn weakest(&self) -> Option<&CriterionResult> {
        self.criteria
            .iter()
            .filter(|c| c.status != Status::Covered)
            .max_by(|a, b| (a.max_points - a.points).total_cmp(&(b.max_points - b.points)))
    }
}

/// Per-criterion features, computed once per answer; calibration is applied later.
#[derive(Debug, Clone)]
pub struct CriterionFeatures {
    pub similarity: f64,
    pub terms: f64,
    pub evidence: Option<String>,
    pub terms_found: Vec<String>,
    pub terms_missing: Vec<String>,
}

/// A sentence of the candidate's own that rules out an idea close to one of the rubric's
/// criteria ("I'd deliberately avoid drift detection", "point-in-time correctness doesn't
/// apply here"). Such a sentence already earns nothing; it also costs points, because
/// dismissing what the question calls for is worse than leaving it out. The cost grows
/// with how close the rejected idea is to the criterion: nothing below a similarity of
/// [`RuledOut::FROM`], the calibration's full `rejection_penalty` from [`RuledOut::FULL`].
#[derive(Debug, Clone)]
pub struct RuledOut {
    /// 0 to 1: the share of the penalty this rejection costs.
    pub strength: f64,
    /// The idea of the closest criterion.
    pub idea: String,
    pub evidence: String,
}

impl RuledOut {
    /// On interview-dev, sentences that reject a framing rather than a practice ("I'd push
    /// back on calling this a bug", "I'd argue against it") sit at 0.15-0.25 from every
    /// criterion, while those that rule out a practice the rubric asks for ("no need to
    /// loop in compliance", "point-in-time correctness doesn't apply") sit at 0.37-0.62.
    pub const FROM: f64 = 0.3;
    pub const FULL: f64 = 0.5;

    fn strength(similarity: f64) -> f64 {
        ((similarity - Self::FROM) / (Self::FULL - Self::FROM)).clamp(0.0, 1.0)
    }

    /// The red flag it becomes under a calibration, if it costs a point or more.
    pub fn flag(&self, cal: &Calibration) -> Option<RedFlagHit> {
        let penalty = (cal.rejection_penalty * self.strength).round();
        (penalty >= 1.0).then(|| RedFlagHit {
            statement: format!(
                "Rules out what the question calls for instead of weighing it (nearest criterion: {})",
                self.idea
            ),
            penalty,
            evidence: self.evidence.clone(),
        })
    }
}

/// Everything about an answer except the calibration.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub question: String,
    pub rubric: Rubric,
    pub model: String,
    pub features: Vec<CriterionFeatures>,
    pub red_flags: Vec<RedFlagHit>,
    pub caps: Vec<Cap>,
    pub notes: Vec<String>,
    pub words: usize,
    pub fillers: usize,
    /// Similarity of the whole answer to the scenario.
    pub relevance: f64,
    pub function_ratio: f64,
    pub fragment_ratio: f64,
    /// Reference-mode features (see `reference::FEATURES`), when scored against a reference.
    pub reference: Option<Vec<f64>>,
    /// Dismissive phrases used ("no need", "skip", "overkill").
    pub dismissive: Vec<String>,
    /// The strongest sentence that rules out an idea close to a criterion.
    pub ruled_out: Option<RuledOut>,
    /// Per red flag: best similarity of a segment with the same polarity, and whether a
    /// segment used one of its terms.
    pub flag_similarity: Vec<(f64, bool)>,
}

impl Analysis {
    pub fn scorecard(&self, cal: &Calibration) -> Scorecard {
        let criteria = self
            .rubric
            .criteria
            .iter()
            .zip(&self.features)
            .map(|(c, f)| {
                let coverage = cal.coverage(f.similarity, f.terms);
                CriterionResult {
                    id: c.id.clone(),
                    idea: c.idea.clone(),
                    statement: c.statement.clone(),
                    weight: c.weight,
                    similarity: round3(f.similarity),
                    terms: round3(f.terms),
                    coverage,
                    status: Status::Missed,
                    points: 0.0,
                    max_points: 0.0,
                    evidence: f.evidence.clone(),
                    terms_found: f.terms_found.clone(),
                    terms_missing: f.terms_missing.clone(),
                    followup: c.followup.clone(),
                    study: c.study.clone(),
                    after_prompt: false,
                }
            })
            .collect::<Vec<_>>();
        let mut used: Vec<String> = criteria.iter().flat_map(|c| c.terms_found.clone()).collect();
        let mut missed: Vec<String> = criteria.iter().flat_map(|c| c.terms_missing.clone()).collect();
        used.dedup();
        missed.dedup();
        let mut red_flags = self.red_flags.clone();
        red_flags.extend(self.ruled_out.as_ref().and_then(|r| r.flag(cal)));
        let tone = if self.reference.is_some() { 0.0 } else { cal.dismissive(self.dismissive.len(), self.words) };
        if tone >= 1.0 {
            let mut uniq = self.dismissive.clone();
            uniq.sort();
            uniq.dedup();
            red_flags.push(RedFlagHit {
                statement: "Waves away established practice instead of reasoning about it".into(),
                penalty: tone.round(),
                evidence: uniq.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", "),
            });
        }
        let mut card = Scorecard {
            question: self.question.clone(),
            rubric_version: self.rubric.version,
            model: self.model.clone(),
            calibration: cal.fitted_on.clone(),
            score: 0.0,
            band: Band::NoHire,
            criteria,
            red_flags,
            caps: self.caps.clone(),
            notes: self.notes.clone(),
            terms_used: used,
            terms_missed: missed,
            words: self.words,
            fillers: self.fillers,
            hint_used: false,
            raw: 0.0,
            intercept: cal.intercept,
            gain: cal.gain,
            power: cal.power,
            delivery: None,
        };
        card.recompute();
        if let (Some(x), Some(model)) = (&self.reference, &cal.reference) {
            // Reference mode: the fitted model decides the score; criteria still explain it.
            let mut score = model.score(x);
            for cap in &card.caps {
                score = score.min(cap.max_score);
            }
            card.score = score.round();
            card.band = Band::from_score(card.score);
        }
        for c in &mut card.criteria {
            c.coverage = round3(c.coverage);
            c.points = (c.points * 10.0).round() / 10.0;
            c.max_points = (c.max_points * 10.0).round() / 10.0;
        }
        card
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A cleaned, segmented answer.
struct Prepared {
    segments: Vec<String>,
    words: Vec<String>,
    stems: Vec<String>,
    fillers: usize,
    notes: Vec<String>,
}

fn prepare(answer: &str) -> Prepared {
    let mut notes = Vec::new();
    let (cut, truncated) = text::truncate(answer);
    if truncated {
        notes.push(format!(
            "the answer is {} KB; only its first {} KB were scored",
            answer.len() / 1024,
            text::MAX_ANSWER_BYTES / 1000
        ));
    }
    let (clean, fillers) = text::strip_fillers(cut);
    let all = text::segments(&clean);
    let before = all.len();
    let segments: Vec<String> = all.into_iter().filter(|s| !text::is_injection(s)).collect();
    if segments.len() < before {
        notes.push(format!(
            "{} sentence(s) addressed to the grader were ignored: an answer earns points only for its content",
            before - segments.len()
        ));
    }
    let joined = segments.join(" ");
    let words = text::words(&joined);
    let stems = words.iter().map(|w| text::stem(w)).collect();
    Prepared { segments, words, stems, fillers, notes }
}

/// The words a criterion's key terms are looked for in: the answer's creditable
/// sentences, with the acronyms the writer capitalised.
struct TermText {
    stems: Vec<String>,
    /// Acronyms written in capitals ("RED", "PSI"), lower-cased; `None` when the writer
    /// capitalises no acronym at all, and case then says nothing.
    acronyms: Option<std::collections::HashSet<String>>,
}

impl TermText {
    fn new(segments: &[&str]) -> TermText {
        let joined = segments.join(" ");
        let acronyms: std::collections::HashSet<String> =
            text::acronyms(&joined).into_iter().map(|a| a.to_lowercase()).collect();
        TermText { stems: text::stems(&joined), acronyms: (!acronyms.is_empty()).then_some(acronyms) }
    }

    /// Whether any alias of the group is used. An alias written as an acronym ("RED",
    /// the rate-errors-duration method) must be written in capitals too, so "red and
    /// green thresholds" does not count, unless the writer capitalises nothing.
    fn matches(&self, group: &crate::bank::TermGroup) -> bool {
        group.aliases.iter().any(|a| match (&self.acronyms, text::is_acronym(a)) {
            (Some(caps), true) => caps.contains(&a.trim_end_matches('s').to_lowercase()),
            _ => text::contains_phrase(&self.stems, &text::stems(a)),
        })
    }
}

/// Scores answers against rubrics with an [`Encoder`] and a [`Calibration`].
pub struct Scorer<'e> {
    pub encoder: &'e mut dyn Encoder,
    pub calibration: Calibration,
}

impl<'e> Scorer<'e> {
    pub fn new(encoder: &'e mut dyn Encoder, calibration: Calibration) -> Self {
        Scorer { encoder, calibration }
    }

    /// Score an answer against a rubric; `scenario` is the question asked, and the model
    /// answer (if any) supplies an exemplar sentence per criterion.
    pub fn score(
        &mut self,
        scenario: &str,
        model_answer: Option<&str>,
        rubric: &Rubric,
        answer: &str,
    ) -> Result<Scorecard> {
        Ok(self.analyse(scenario, model_answer, rubric, answer)?.scorecard(&self.calibration))
    }

    /// Coverage of one criterion by a short reply (a follow-up answer), and its evidence.
    pub fn criterion_coverage(&mut self, criterion: &Criterion, reply: &str) -> Result<(f64, Option<String>)> {
        let rubric =
            Rubric { question: String::new(), version: 0, criteria: vec![criterion.clone()], red_flags: vec![] };
        let a = self.analyse("", None, &rubric, reply)?;
        if a.caps.iter().any(|c| c.max_score <= OFF_TOPIC_CAP) {
            return Ok((0.0, None));
        }
        let f = &a.features[0];
        Ok((self.calibration.coverage(f.similarity, f.terms), f.evidence.clone()))
    }

    /// The expensive, calibration-free part of scoring.
    pub fn analyse(
        &mut self,
        scenario: &str,
        model_answer: Option<&str>,
        rubric: &Rubric,
        answer: &str,
    ) -> Result<Analysis> {
        self.analyse_with(scenario, model_answer, rubric, answer, MIN_WORDS)
    }

    /// Reference-only mode: a rubric made from the reference answer(s) explains the score,
    /// and the reference features feed the fitted [`ReferenceModel`] when there is one.
    /// Short answers are normal here, so one word is enough to be scored.
    pub fn analyse_reference(
        &mut self,
        question_id: &str,
        question: &str,
        references: &[&str],
        answer: &str,
    ) -> Result<Analysis> {
        let rubric = rubric_from_reference(question_id, references.first().copied().unwrap_or(""));
        let mut a = self.analyse_with(question, None, &rubric, answer, 1)?;
        if a.caps.iter().all(|c| c.max_score > 0.0) {
            a.reference = Some(reference_features(self.encoder, question, references, answer)?);
        }
        Ok(a)
    }

    fn analyse_with(
        &mut self,
        scenario: &str,
        model_answer: Option<&str>,
        rubric: &Rubric,
        answer: &str,
        min_words: usize,
    ) -> Result<Analysis> {
        let prep = prepare(answer);
        let mut caps = Vec::new();
        let n_words = prep.words.len();
        let empty_features = || {
            rubric
                .criteria
                .iter()
                .map(|c| CriterionFeatures {
                    similarity: 0.0,
                    terms: 0.0,
                    evidence: None,
                    terms_found: vec![],
                    terms_missing: c.terms.iter().map(|t| t.label().to_string()).collect(),
                })
                .collect::<Vec<_>>()
        };
        let alpha_words = prep.words.iter().filter(|w| w.chars().any(|c| c.is_alphabetic())).count();
        let fr = text::function_ratio(&prep.words);
        let frag = text::fragment_ratio(&prep.segments.join(". "));
        let model: String = self.encoder.model_id().chars().take(12).collect();
        let base = |features, caps, relevance| Analysis {
            question: rubric.question.clone(),
            rubric: rubric.clone(),
            model: model.clone(),
            features,
            red_flags: vec![],
            caps,
            notes: prep.notes.clone(),
            words: n_words,
            fillers: prep.fillers,
            relevance,
            function_ratio: fr,
            fragment_ratio: frag,
            flag_similarity: vec![],
            reference: None,
            dismissive: text::dismissive_markers(&prep.segments.join(" ")),
            ruled_out: None,
        };
        if alpha_words < min_words {
            caps.push(Cap {
                max_score: 0.0,
                reason: format!(
                    "the answer is empty or nearly so ({alpha_words} words); say what you would do, and why"
                ),
            });
            return Ok(base(empty_features(), caps, 0.0));
        }
        // Vocabulary the question and rubric use: real answers share some of it or use English.
        let mut vocab: std::collections::HashSet<String> = text::stems(scenario).into_iter().collect();
        for c in &rubric.criteria {
            vocab.extend(text::stems(&c.statement));
            for g in &c.terms {
                for a in &g.aliases {
                    vocab.extend(text::stems(a));
                }
            }
        }
        let known = prep.stems.iter().filter(|s| vocab.contains(*s)).count() as f64 / prep.stems.len().max(1) as f64;
        if fr < 0.08 && known < 0.25 {
            caps.push(Cap {
                max_score: 0.0,
                reason: "the answer is not recognisable English prose; write sentences that explain what you would do"
                    .into(),
            });
            return Ok(base(empty_features(), caps, 0.0));
        }

        let seg_refs: Vec<&str> = prep.segments.iter().map(String::as_str).collect();
        let seg_vecs = self.encoder.embed(&seg_refs)?;
        let mut static_texts: Vec<&str> = rubric.criteria.iter().map(|c| c.statement.as_str()).collect();
        static_texts.extend(rubric.red_flags.iter().map(|f| f.statement.as_str()));
        if !scenario.is_empty() {
            static_texts.push(scenario);
        }
        let model_segs = model_answer.map(text::segments).unwrap_or_default();
        static_texts.extend(model_segs.iter().map(String::as_str));
        let static_vecs = self.encoder.embed_cached(&static_texts)?;
        let (crit_vecs, rest) = static_vecs.split_at(rubric.criteria.len());
        let (flag_vecs, rest) = rest.split_at(rubric.red_flags.len());
        let (scen_vec, model_vecs) = rest.split_at(usize::from(!scenario.is_empty()));
        // Each criterion's exemplar: the model answer's sentence closest to its statement.
        let exemplars: Vec<Option<&Vec<f32>>> = crit_vecs
            .iter()
            .map(|cv| {
                model_vecs
                    .iter()
                    .map(|mv| (cosine(mv, cv), mv))
                    .filter(|(s, _)| *s >= 0.5)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, mv)| mv)
            })
            .collect();

        // Red flags: advice close to the flag's statement, not negated. They are found first
        // because a sentence that states a misconception cannot also earn credit: "I'd
        // deliberately avoid drift detection" is close to a drift criterion in embedding
        // space, but it rejects the idea.
        let mut red_flags = Vec::new();
        let mut flagged = vec![false; prep.segments.len()];
        let mut flag_similarity = Vec::new();
        // Sentences that restate the model answer: never a rejection or a dismissive tone.
        let restates_model: Vec<bool> =
            seg_vecs.iter().map(|sv| model_vecs.iter().any(|mv| cosine(sv, mv) >= 0.8)).collect();
        let model_stems: Vec<Vec<String>> = model_segs.iter().map(|m| text::deep_stems(m)).collect();
        let seg_deep_stems: Vec<Vec<String>> = prep.segments.iter().map(|s| text::deep_stems(s)).collect();
        let seg_negated: Vec<bool> = prep.segments.iter().map(|s| text::asserts_negation(s)).collect();
        // "On older versions use X" notes the past; it does not recommend X.
        let seg_old: Vec<bool> = prep.segments.iter().map(|s| text::about_old_versions(s)).collect();
        for (f, fv) in rubric.red_flags.iter().zip(flag_vecs) {
            let mut hit: Option<(f32, usize)> = None;
            let mut best = (0f32, false);
            // A segment agrees with the flag when both or neither are negated
            // ("skip drift detection" vs "I'd deliberately avoid drift detection").
            let flag_negated = text::asserts_negation(&f.statement);
            // a red flag's phrases may have a word inserted ("the score cut-off")
            let alias_stems: Vec<Vec<String>> =
                f.terms.iter().flat_map(|g| g.aliases.iter().map(|a| text::deep_stems(a))).collect();
            let says_flag = |stems: &[String]| alias_stems.iter().any(|a| text::contains_phrase_loose(stems, a, 1));
            for (i, sv) in seg_vecs.iter().enumerate() {
                if seg_negated[i] != flag_negated || seg_old[i] {
                    continue;
                }
                let term_hit = says_flag(&seg_deep_stems[i]);
                // What the model answer itself says is never a red flag, unless the sentence
                // adds the flag's own wording that the model answer's sentence lacks
                // ("lowering the cutoff restores volume" vs "lower the cut-off until ...").
                let echoes_model = model_vecs
                    .iter()
                    .zip(&model_stems)
                    .any(|(mv, ms)| cosine(sv, mv) >= 0.8 && (!term_hit || says_flag(ms)));
                if echoes_model {
                    continue;
                }
                let s = cosine(sv, fv);
                if s > best.0 {
                    best.0 = s;
                }
                best.1 |= term_hit;
                if (s >= 0.75 || (term_hit && s >= 0.55)) && hit.is_none_or(|(b, _)| s > b) {
                    hit = Some((s, i));
                }
            }
            flag_similarity.push((best.0 as f64, best.1));
            if let Some((_, i)) = hit {
                flagged[i] = true;
                red_flags.push(RedFlagHit {
                    statement: f.statement.clone(),
                    penalty: f.penalty,
                    evidence: prep.segments[i].clone(),
                });
            }
        }

        // Adjacent pairs, approximated by the normalised sum of their vectors.
        let pairs: Vec<Vec<f32>> = seg_vecs
            .windows(2)
            .map(|w| {
                let mut v: Vec<f32> = w[0].iter().zip(&w[1]).map(|(a, b)| a + b).collect();
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
                v.iter_mut().for_each(|x| *x /= n);
                v
            })
            .collect();

        // Evidence is assigned greedily, best match first, and a segment can carry only as
        // many ideas as its length allows (one per ~12 words): a single sentence does not
        // state five distinct rubric ideas. A criterion whose best evidence is used up
        // keeps that similarity, discounted.
        let sim = |v: &[f32], cv: &[f32], ex: Option<&Vec<f32>>| {
            let s = cosine(v, cv);
            ex.map_or(s, |e| s.max(cosine(v, e)))
        };
        // A sentence that waves an idea away ("I'd deliberately avoid drift detection", "no
        // need to touch the model") sits close to that idea in embedding space; it states
        // a rejection, not the idea, so it earns nothing either.
        // The closer the rejected idea is to a criterion, the more it costs (see
        // `RuledOut`): the strongest such rejection is kept.
        let mut ruled_out: Option<RuledOut> = None;
        for (i, seg) in prep.segments.iter().enumerate() {
            if !restates_model[i] && text::rejects_practice(seg) {
                flagged[i] = true;
                let closest = crit_vecs
                    .iter()
                    .zip(&exemplars)
                    .enumerate()
                    .map(|(ci, (cv, ex))| (sim(&seg_vecs[i], cv, *ex), ci))
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                if let Some((s, ci)) = closest {
                    let strength = RuledOut::strength(s as f64);
                    if strength > 0.0 && ruled_out.as_ref().is_none_or(|r| strength > r.strength) {
                        ruled_out =
                            Some(RuledOut { strength, idea: rubric.criteria[ci].idea.clone(), evidence: seg.clone() });
                    }
                }
            }
        }
        let mut capacity: Vec<usize> = prep
            .segments
            .iter()
            .zip(&flagged)
            .map(|(s, &f)| if f { 0 } else { (text::words(s).len() / 12).max(1) })
            .collect();
        // (similarity, criterion, first segment, is a pair)
        let mut cands: Vec<(f32, usize, usize, bool)> = Vec::new();
        for (ci, (cv, ex)) in crit_vecs.iter().zip(&exemplars).enumerate() {
            for (i, sv) in seg_vecs.iter().enumerate() {
                cands.push((sim(sv, cv, *ex), ci, i, false));
            }
            for (i, pv) in pairs.iter().enumerate() {
                // a pair must beat its best single segment clearly to be preferred
                cands.push((sim(pv, cv, *ex) - 0.02, ci, i, true));
            }
        }
        cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut assigned: Vec<Option<(f32, String)>> = vec![None; rubric.criteria.len()];
        let mut best_any: Vec<Option<(f32, String)>> = vec![None; rubric.criteria.len()];
        let text_of = |i: usize, pair: bool| {
            if pair {
                text::join_segments(&prep.segments[i], &prep.segments[i + 1])
            } else {
                prep.segments[i].clone()
            }
        };
        // A segment of a few words ("Build it.") states no idea on its own; it can count
        // only together with its neighbour.
        let terse: Vec<bool> = prep.segments.iter().map(|s| text::words(s).len() < MIN_EVIDENCE_WORDS).collect();
        for &(s, ci, i, pair) in &cands {
            if flagged[i] || (pair && flagged[i + 1]) || (!pair && terse[i]) {
                continue;
            }
            if best_any[ci].is_none() {
                best_any[ci] = Some((s, text_of(i, pair)));
            }
            if assigned[ci].is_some() {
                continue;
            }
            let free = capacity[i] > 0 && (!pair || capacity[i + 1] > 0);
            if free {
                capacity[i] -= 1;
                if pair {
                    capacity[i + 1] -= 1;
                }
                assigned[ci] = Some((s, text_of(i, pair)));
            }
        }
        // Key terms count only in sentences that can earn credit: "I'd avoid drift
        // detection" does not use the term "drift detection" in the answer's favour.
        let creditable: Vec<&str> =
            prep.segments.iter().zip(&flagged).filter(|(_, &f)| !f).map(|(s, _)| s.as_str()).collect();
        let term_text = TermText::new(&creditable);
        let mut features = Vec::with_capacity(rubric.criteria.len());
        for (ci, c) in rubric.criteria.iter().enumerate() {
            let own_evidence = assigned[ci].is_some();
            let best = match (assigned[ci].take(), best_any[ci].take()) {
                (Some(a), _) => (a.0, Some(a.1)),
                (None, Some(b)) => (b.0 - SHARED_EVIDENCE_DISCOUNT, Some(b.1)),
                (None, None) => (0.0, None),
            };
            let (mut found, mut missing) = (Vec::new(), Vec::new());
            for g in &c.terms {
                if term_text.matches(g) {
                    found.push(g.label().to_string());
                } else {
                    missing.push(g.label().to_string());
                }
            }
            let needed = c.terms.len().clamp(1, 3) as f64;
            // Terms count fully only for an idea with evidence of its own.
            let terms = (found.len() as f64 / needed).min(1.0) * if own_evidence { 1.0 } else { 0.5 };
            features.push(CriterionFeatures {
                similarity: best.0.max(0.0) as f64,
                terms,
                evidence: best.1,
                terms_found: found,
                terms_missing: missing,
            });
        }

        // Relevance: the answer's centroid against the scenario, and its best criterion match.
        let mut centroid = vec![0f32; seg_vecs.first().map_or(0, Vec::len)];
        for v in &seg_vecs {
            centroid.iter_mut().zip(v).for_each(|(a, b)| *a += b);
        }
        let n = centroid.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        centroid.iter_mut().for_each(|x| *x /= n);
        let relevance = scen_vec.first().map_or(1.0, |sv| cosine(&centroid, sv) as f64);
        let best_sim = features.iter().map(|f| f.similarity).fold(0.0, f64::max);
        let any_terms = features.iter().any(|f| f.terms > 0.0);
        if !scenario.is_empty() && relevance < 0.15 && best_sim < 0.35 && !any_terms {
            caps.push(Cap {
                max_score: OFF_TOPIC_CAP,
                reason: "the answer does not address this question; re-read the scenario and answer what it asks"
                    .into(),
            });
        }
        // Keyword salad: terms without the connective tissue of an argument.
        if n_words >= 12 && (fr < 0.12 || frag >= 0.5) {
            caps.push(Cap {
                max_score: SALAD_CAP,
                reason: "the answer lists terms without reasoning; explain what you would do, in what order, and why"
                    .into(),
            });
        }
        let mut a = base(features, caps, relevance);
        a.red_flags = red_flags;
        a.flag_similarity = flag_similarity;
        a.ruled_out = ruled_out;
        // Tone counts only in sentences of the candidate's own: one that restates the model
        // answer ("skip the cache warm-up for rollbacks") is not waving practice away.
        let own: Vec<&str> = prep
            .segments
            .iter()
            .zip(&restates_model)
            .filter(|(_, &restates)| !restates)
            .map(|(s, _)| s.as_str())
            .collect();
        a.dismissive = text::dismissive_markers(&own.join(" "));
        Ok(a)
    }
}

#[cfg(test)]
mod tests;
