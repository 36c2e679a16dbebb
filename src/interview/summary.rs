//! The end of a session in figures: a score per question, the overall score and band,
//! the strongest and weakest topics and rubric ideas. Built from what the store holds,
//! so a finished mock, a resumed one and a replay all summarise the same way.

use super::Plan;
use crate::bank::Bank;
use crate::scoring::{Band, Scorecard};
use crate::store::{AttemptRow, FollowupRow, SessionRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many ideas to name as strongest and weakest.
const IDEAS: usize = 3;

/// One planned question and what became of it.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionSummary {
    pub position: usize,
    pub question_id: String,
    pub title: String,
    pub topic: String,
    pub level: String,
    /// `scored`, `answered` (not scored), `skipped`, `asked` (unanswered) or `not reached`.
    pub status: String,
    /// The score, or 0 when the question was not answered.
    pub score: f64,
    pub card: Option<Scorecard>,
    pub answer: Option<String>,
    /// What was typed, when the question was left unanswered.
    pub draft: String,
    pub asked_at: Option<String>,
    pub hint_used: bool,
    pub elapsed_secs: Option<f64>,
    pub followups: Vec<FollowupRow>,
}

/// A topic and its mean score over the session's questions.
#[derive(Debug, Clone, Serialize)]
pub struct Area {
    pub id: String,
    pub name: String,
    pub score: f64,
    pub questions: usize,
}

/// A rubric idea as the session covered (or missed) it.
#[derive(Debug, Clone, Serialize)]
pub struct IdeaArea {
    pub idea: String,
    pub question_id: String,
    pub coverage: f64,
    pub weight: f64,
    pub after_prompt: bool,
    pub study: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub session_id: i64,
    pub kind: String,
    pub status: String,
    pub started_at: String,
    pub questions: Vec<QuestionSummary>,
    pub answered: usize,
    /// Mean score over the planned questions; unanswered ones count as 0.
    pub overall: f64,
    pub band: Band,
    /// Topics, best first.
    pub topics: Vec<Area>,
    pub strongest_ideas: Vec<IdeaArea>,
    pub weakest_ideas: Vec<IdeaArea>,
    pub hints_used: usize,
    pub time_used_secs: f64,
    pub time_limit_secs: Option<i64>,
}

impl Summary {
    pub fn build(bank: &Bank, session: &SessionRow, attempts: &[AttemptRow]) -> Summary {
        let plan: Plan = serde_json::from_value(session.plan.clone()).unwrap_or_default();
        // the latest attempt at each position
        let mut by_pos: BTreeMap<usize, &AttemptRow> = BTreeMap::new();
        for a in attempts {
            by_pos.insert(a.position.max(0) as usize, a);
        }
        let mut positions: std::collections::BTreeSet<usize> = by_pos.keys().copied().collect();
        if session.kind == "mock" {
            positions.extend(0..plan.questions.len());
        }
        let questions: Vec<QuestionSummary> = positions
            .into_iter()
            .filter_map(|pos| {
                let a = by_pos.get(&pos);
                // a practice question left with nothing typed is noise, not history
                if session.kind != "mock"
                    && a.is_some_and(|a| a.answer.is_none() && a.draft.trim().is_empty() && a.status != "scored")
                {
                    return None;
                }
                let qid = a.map(|a| a.question_id.clone()).or_else(|| plan.questions.get(pos).cloned())?;
                let q = bank.question(&qid);
                let card: Option<Scorecard> =
                    a.and_then(|a| a.scorecard.clone()).and_then(|v| serde_json::from_value(v).ok());
                Some(QuestionSummary {
                    position: pos,
                    title: q.map(|q| q.title.clone()).unwrap_or_default(),
                    topic: q.map(|q| q.topic.clone()).unwrap_or_default(),
                    level: q.map(|q| q.level.as_str().to_string()).unwrap_or_default(),
                    question_id: qid,
                    status: a.map_or("not reached".to_string(), |a| a.status.clone()),
                    score: card.as_ref().map_or(0.0, |c| c.score),
                    card,
                    answer: a.and_then(|a| a.answer.clone()),
                    draft: a.filter(|a| a.answer.is_none()).map(|a| a.draft.clone()).unwrap_or_default(),
                    asked_at: a.map(|a| a.asked_at.clone()),
                    hint_used: a.is_some_and(|a| a.hint_used),
                    elapsed_secs: a.and_then(|a| a.elapsed_secs),
                    followups: a.map(|a| a.followups.clone()).unwrap_or_default(),
                })
            })
            .collect();
        let answered = questions.iter().filter(|q| q.card.is_some()).count();
        // a practice session averages what was scored; a mock counts every planned question
        let counted: Vec<&QuestionSummary> = if session.kind == "mock" {
            questions.iter().collect()
        } else {
            questions.iter().filter(|q| q.card.is_some()).collect()
        };
        let overall = if counted.is_empty() {
            0.0
        } else {
            (counted.iter().map(|q| q.score).sum::<f64>() / counted.len() as f64).round()
        };

        let mut topic_scores: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for q in &counted {
            if !q.topic.is_empty() {
                topic_scores.entry(q.topic.as_str()).or_default().push(q.score);
            }
        }
        let mut topics: Vec<Area> = topic_scores
            .into_iter()
            .map(|(id, v)| Area {
                id: id.to_string(),
                name: bank.taxonomy.topic(id).map_or(id.to_string(), |t| t.name.clone()),
                score: (v.iter().sum::<f64>() / v.len() as f64).round(),
                questions: v.len(),
            })
            .collect();
        topics.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));

        let mut ideas: Vec<IdeaArea> = Vec::new();
        for q in &questions {
            if let Some(card) = &q.card {
                for c in &card.criteria {
                    ideas.push(IdeaArea {
                        idea: c.idea.clone(),
                        question_id: q.question_id.clone(),
                        coverage: c.coverage,
                        weight: c.weight,
                        after_prompt: c.after_prompt,
                        study: c.study.clone(),
                    });
                }
            }
        }
        let mut strong: Vec<IdeaArea> =
            ideas.iter().filter(|i| i.coverage >= crate::scoring::COVERED && !i.after_prompt).cloned().collect();
        strong.sort_by(|a, b| (b.weight * b.coverage).total_cmp(&(a.weight * a.coverage)).then(a.idea.cmp(&b.idea)));
        strong.truncate(IDEAS);
        let mut weak: Vec<IdeaArea> = ideas.into_iter().filter(|i| i.coverage < crate::scoring::COVERED).collect();
        weak.sort_by(|a, b| {
            (b.weight * (1.0 - b.coverage)).total_cmp(&(a.weight * (1.0 - a.coverage))).then(a.idea.cmp(&b.idea))
        });
        weak.truncate(IDEAS);

        Summary {
            session_id: session.id,
            kind: session.kind.clone(),
            status: session.status.clone(),
            started_at: session.started_at.clone(),
            answered,
            overall,
            band: Band::from_score(overall),
            topics,
            strongest_ideas: strong,
            weakest_ideas: weak,
            hints_used: attempts.iter().filter(|a| a.hint_used).count(),
            time_used_secs: plan.used_secs,
            time_limit_secs: session.time_limit_secs,
            questions,
        }
    }

    /// The best-scoring topic, when it scored at least a lean hire.
    pub fn strongest_topic(&self) -> Option<&Area> {
        self.topics.first().filter(|t| t.score >= 50.0)
    }

    /// The worst-scoring topic, when it fell short of a hire and is not also the strongest.
    pub fn weakest_topic(&self) -> Option<&Area> {
        self.topics.last().filter(|t| t.score < 65.0 && (self.topics.len() > 1 || self.strongest_topic().is_none()))
    }
}
