//! The personal gap plan and adaptive practice, as pure functions over saved attempts.
//!
//! [`load`] reads the attempt log from the [`Store`] and hands it to [`build`], which
//! works out mastery ([`mastery`]: per topic, tool, rubric idea and topic x tool cell),
//! the review schedule ([`srs`]: FSRS driven by the rubric score, replayed from every
//! scored attempt), the study list, and what to practise next ([`pick`]). The result,
//! [`PlanData`], is what `report::gap` renders and what the REPL picks questions from.
//!
//! Filters (a session, a start date) narrow what mastery and the study list look at;
//! the review schedule always uses the whole history, because memory does not care
//! which report is being written.
//!
//! How the front end uses it:
//!
//! ```text
//! let data = plan::load(&store, &bank, &PlanFilter::default())?;      // or PlanFilter::session(id)
//! let markdown = report::gap::render_markdown(&data);                  // render_html, render_json
//! let candidates: Vec<&Question> = plan::scorable(&bank).into_iter().filter(|q| filter.matches(q)).collect();
//! let session = SessionState { asked: ids_asked_so_far, recent: last_three_answered };
//! let picks = plan::pick(&bank, &data, &candidates, &session, &PickOptions::due_only(10), plan::lexical_similarity);
//! ```
//!
//! With an embedding model at hand, pass the cosine of the two scenarios' vectors as the
//! similarity and set `near_duplicate` to [`pick::EMBEDDING_NEAR_DUPLICATE`].

pub mod mastery;
pub mod pick;
pub mod srs;

pub use mastery::{Confidence, Direction, Heatmap, IdeaMastery, Label, Mastery, Standing, StudyItem, Trend};
pub use pick::{lexical_similarity, pick, Pick, PickOptions, Reason, SessionState};
pub use srs::{Card, Fsrs, Rating};

use crate::bank::{Bank, Question};
use crate::scoring::Status;
use crate::store::{AttemptLogRow, Store};
use mastery::{round1, DayPoint};
use serde::{Deserialize, Serialize};
use srs::{iso_date, ser_date};
use std::collections::{BTreeMap, BTreeSet};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// How many questions the plan proposes for the next session, and how many later
/// reviews it lists.
pub const NEXT_COUNT: usize = 5;
pub const UPCOMING_COUNT: usize = 8;
/// Tools shown in the skill x tool heatmap.
pub const HEATMAP_TOOLS: usize = 12;

/// What one answer did for one rubric idea.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub idea: String,
    pub coverage: f64,
    pub status: Status,
    /// Points of the score the idea was worth.
    pub max_points: f64,
    pub study: String,
}

/// One scored attempt, joined with its question.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub id: i64,
    pub session_id: i64,
    pub question: String,
    pub topic: String,
    pub tools: Vec<String>,
    /// When it was answered, in the report clock's offset.
    pub at: OffsetDateTime,
    pub date: Date,
    pub score: f64,
    pub hint_used: bool,
    pub criteria: Vec<Outcome>,
    /// How it was said, for spoken answers.
    pub delivery: Option<crate::speech::Delivery>,
}

/// Which attempts a report looks at.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub session: Option<i64>,
    /// Attempts on or after this day.
    pub since: Option<Date>,
}

impl PlanFilter {
    pub fn session(id: i64) -> PlanFilter {
        PlanFilter { session: Some(id), since: None }
    }

    fn matches(&self, a: &Attempt) -> bool {
        self.session.is_none_or(|s| a.session_id == s) && self.since.is_none_or(|d| a.date >= d)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub session: Option<i64>,
    pub since: Option<String>,
    /// "all practice", "session 3", "since 2025-03-01".
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub attempts: usize,
    pub questions: usize,
    pub sessions: usize,
    pub days: usize,
    pub mean: Option<f64>,
    pub first: Option<String>,
    pub last: Option<String>,
    /// Questions in the bank that can be scored (have a rubric).
    pub bank_questions: usize,
    /// Reviews due today or earlier, over the whole history.
    pub due_now: usize,
}

/// A question to practise, with its date and why.
#[derive(Debug, Clone, Serialize)]
pub struct NextQuestion {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub topic_name: String,
    #[serde(serialize_with = "ser_date")]
    pub date: Date,
    pub why: String,
    pub last_score: Option<f64>,
    pub reason: Reason,
}

/// Everything a gap plan shows, and what adaptive practice picks from.
#[derive(Debug, Clone, Serialize)]
pub struct PlanData {
    pub generated_at: String,
    #[serde(serialize_with = "ser_date")]
    pub today: Date,
    pub scope: Scope,
    pub totals: Totals,
    /// Topics practised in scope, weakest first.
    pub topics: Vec<Mastery>,
    /// Topics with questions in the bank that were not practised in scope.
    pub untouched_topics: Vec<Label>,
    /// Tools practised in scope, weakest first.
    pub tools: Vec<Mastery>,
    /// Rubric ideas assessed in scope, most often missed first.
    pub ideas: Vec<IdeaMastery>,
    pub heatmap: Heatmap,
    pub study: Vec<StudyItem>,
    /// The next session's questions: due reviews, then new questions in weak topics.
    pub next: Vec<NextQuestion>,
    /// Later reviews, soonest first.
    pub upcoming: Vec<NextQuestion>,
    pub progress: Vec<DayPoint>,
    /// Every question's review state, from the whole history.
    pub schedule: BTreeMap<String, Card>,
    /// Pace, fillers and pauses across spoken answers in scope; `None` if none was spoken.
    pub delivery: Option<DeliveryTrend>,
    /// Things the reader should know about the data (attempts left out, and why).
    pub notes: Vec<String>,
}

/// Delivery across spoken answers: medians, and the habits that recur.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryTrend {
    pub answers: usize,
    pub median_words_per_minute: f64,
    pub median_fillers_per_minute: f64,
    pub median_secs: f64,
    pub long_pauses_per_answer: f64,
    /// The most frequent filler words, most used first.
    pub top_fillers: Vec<(String, usize)>,
    /// Habits off target in at least half of the spoken answers, with advice.
    pub habits: Vec<String>,
    /// Oldest first: (date, words per minute, fillers per minute).
    pub recent: Vec<(String, f64, f64)>,
}

/// The delivery trend of `attempts` (in time order), if any was spoken.
pub fn delivery_trend(attempts: &[Attempt]) -> Option<DeliveryTrend> {
    use crate::speech::delivery::{FILLERS_PER_MIN_MAX, LENGTH_TARGET, PACE_TARGET};
    let spoken: Vec<(&Attempt, &crate::speech::Delivery)> =
        attempts.iter().filter_map(|a| a.delivery.as_ref().map(|d| (a, d))).collect();
    if spoken.is_empty() {
        return None;
    }
    let n = spoken.len();
    let med = |f: &dyn Fn(&crate::speech::Delivery) -> f64| {
        let mut v: Vec<f64> = spoken.iter().map(|(_, d)| f(d)).collect();
        v.sort_by(f64::total_cmp);
        round1(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, d) in &spoken {
        for (k, c) in &d.fillers {
            *counts.entry(k.clone()).or_default() += c;
        }
    }
    let mut top_fillers: Vec<(String, usize)> = counts.into_iter().collect();
    top_fillers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top_fillers.truncate(3);
    let share = |pred: &dyn Fn(&crate::speech::Delivery) -> bool| spoken.iter().filter(|(_, d)| pred(d)).count();
    let mut habits = Vec::new();
    let half = n.div_ceil(2);
    let (lo, hi) = PACE_TARGET;
    let fast = share(&|d| d.words_per_minute > hi);
    let slow = share(&|d| d.words > 0 && d.words_per_minute < lo);
    let filler_heavy = share(&|d| d.fillers_per_minute > FILLERS_PER_MIN_MAX);
    let paused = share(&|d| !d.long_pauses.is_empty());
    let short = share(&|d| d.speaking_secs < LENGTH_TARGET.0);
    let long = share(&|d| d.speaking_secs > LENGTH_TARGET.1);
    let habit = |count: usize, text: String| (count >= half).then(|| format!("{text} ({count} of {n} spoken answers)"));
    habits.extend(habit(fast, format!("Fast delivery, over {hi:.0} wpm: pause after each step of your plan")));
    habits.extend(habit(
        slow,
        format!("Slow delivery, under {lo:.0} wpm: outline the plan in one sentence, then fill it in"),
    ));
    habits.extend(habit(
        filler_heavy,
        format!("Over {FILLERS_PER_MIN_MAX:.0} fillers a minute: replace \"um\" with a silent pause"),
    ));
    habits.extend(habit(paused, "Long silences: think aloud about the options you are weighing".to_string()));
    habits.extend(habit(short, "Under 2 minutes: add trade-offs, failure modes and how you would verify".to_string()));
    habits.extend(habit(long, "Over 3 minutes: lead with the decision and cut the background".to_string()));
    Some(DeliveryTrend {
        answers: n,
        median_words_per_minute: med(&|d| d.words_per_minute),
        median_fillers_per_minute: med(&|d| d.fillers_per_minute),
        median_secs: med(&|d| d.speaking_secs),
        long_pauses_per_answer: round1(
            spoken.iter().map(|(_, d)| d.long_pauses.len()).sum::<usize>() as f64 / n as f64,
        ),
        top_fillers,
        habits,
        recent: spoken
            .iter()
            .rev()
            .take(10)
            .rev()
            .map(|(a, d)| (iso_date(a.date), d.words_per_minute, d.fillers_per_minute))
            .collect(),
    })
}

impl PlanData {
    /// The topic's mastery in scope, if practised.
    pub fn topic(&self, id: &str) -> Option<&Mastery> {
        self.topics.iter().find(|t| t.id == id)
    }
}

/// Read the attempt log and build the plan as of the store's clock (`GRILL_NOW` pins it).
pub fn load(store: &Store, bank: &Bank, filter: &PlanFilter) -> anyhow::Result<PlanData> {
    let log = store.attempt_log()?;
    Ok(build(bank, &log, filter, clock_now()))
}

/// The store's clock as a timestamp.
pub fn clock_now() -> OffsetDateTime {
    OffsetDateTime::parse(&crate::store::now(), &Rfc3339).unwrap_or_else(|_| OffsetDateTime::now_utc())
}

/// The parts of a stored scorecard the plan reads; lenient, so that scorecards written
/// by older or newer versions still count.
#[derive(Deserialize)]
struct StoredCard {
    #[serde(default)]
    criteria: Vec<StoredCriterion>,
}

#[derive(Deserialize)]
struct StoredCriterion {
    #[serde(default)]
    id: String,
    idea: String,
    #[serde(default)]
    coverage: f64,
    #[serde(default)]
    weight: f64,
    #[serde(default)]
    max_points: f64,
    #[serde(default)]
    points: f64,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    study: String,
}

fn outcomes(bank: &Bank, question: &str, card: Option<&serde_json::Value>) -> Vec<Outcome> {
    let Some(card) = card.and_then(|v| StoredCard::deserialize(v).ok()) else {
        return vec![];
    };
    let total: f64 = card.criteria.iter().map(|c| c.weight).sum::<f64>().max(1e-9);
    let rubric = bank.rubric(question);
    card.criteria
        .into_iter()
        .map(|c| {
            let study = if c.study.trim().is_empty() {
                rubric
                    .and_then(|r| r.criteria.iter().find(|x| x.id == c.id))
                    .map(|x| x.study.clone())
                    .unwrap_or_default()
            } else {
                c.study
            };
            let max_points = if c.max_points > 0.0 { c.max_points } else { 100.0 * c.weight / total };
            Outcome {
                // scorecards from before statuses were stored: judge by points, else coverage
                status: c.status.unwrap_or_else(|| {
                    Status::from_share(if c.points > 0.0 && max_points > 0.0 {
                        c.points / max_points
                    } else {
                        c.coverage
                    })
                }),
                idea: c.idea,
                coverage: c.coverage.clamp(0.0, 1.0),
                max_points,
                study,
            }
        })
        .collect()
}

/// Scored attempts on questions the bank still has, in time order. Returns the attempts
/// and how many were left out because their question is gone.
pub fn attempts_from_log(bank: &Bank, log: &[AttemptLogRow], now: OffsetDateTime) -> (Vec<Attempt>, usize) {
    let mut gone = 0;
    let mut out: Vec<Attempt> = Vec::new();
    for row in log.iter().filter(|r| r.status == "scored") {
        let (Some(score), Some(q)) = (row.score, bank.question(&row.question_id)) else {
            gone += usize::from(row.score.is_some());
            continue;
        };
        let stamp = row.answered_at.as_deref().unwrap_or(&row.asked_at);
        let Ok(at) = OffsetDateTime::parse(stamp, &Rfc3339) else {
            continue;
        };
        let at = at.to_offset(now.offset());
        out.push(Attempt {
            id: row.id,
            session_id: row.session_id,
            question: q.id.clone(),
            topic: q.topic.clone(),
            tools: q.tools.clone(),
            at,
            date: at.date(),
            score: score.clamp(0.0, 100.0),
            hint_used: row.hint_used,
            criteria: outcomes(bank, &q.id, row.scorecard.as_ref()),
            delivery: row
                .scorecard
                .as_ref()
                .and_then(|c| c.get("delivery"))
                .and_then(|d| crate::speech::Delivery::deserialize(d).ok()),
        });
    }
    out.sort_by_key(|a| (a.at, a.id));
    (out, gone)
}

fn why(data: &PlanData, reason: &Reason) -> String {
    match reason {
        Reason::Due { overdue_days, last_score, .. } => {
            let when = match overdue_days {
                0 => "due today".to_string(),
                1 => "due since yesterday".to_string(),
                n => format!("due {n} days ago"),
            };
            format!("{when}; last score {last_score:.0}")
        }
        Reason::New { topic_readiness: Some(r) } => format!("new; topic readiness {r:.0}"),
        Reason::New { topic_readiness: None } => "new; topic not practised yet".to_string(),
        Reason::Early { due, last_score } => {
            let days = (*due - data.today).whole_days();
            format!("review early (due in {days} days); last score {last_score:.0}")
        }
    }
}

fn next_question(bank: &Bank, data: &PlanData, id: &str, date: Date, reason: Reason) -> Option<NextQuestion> {
    let q = bank.question(id)?;
    Some(NextQuestion {
        id: q.id.clone(),
        title: q.title.clone(),
        topic: q.topic.clone(),
        topic_name: bank.taxonomy.topic(&q.topic).map_or_else(|| q.topic.clone(), |t| t.name.clone()),
        date,
        why: why(data, &reason),
        last_score: data.schedule.get(&q.id).map(|c| c.last_score),
        reason,
    })
}

/// Questions that can be practised: those with a rubric.
pub fn scorable(bank: &Bank) -> Vec<&Question> {
    bank.questions.iter().filter(|q| bank.rubric(&q.id).is_some()).collect()
}

/// The gap plan from the attempt log, as of `now`.
pub fn build(bank: &Bank, log: &[AttemptLogRow], filter: &PlanFilter, now: OffsetDateTime) -> PlanData {
    let (all, gone) = attempts_from_log(bank, log, now);
    let mut data = from_attempts(bank, all, filter, now);
    if gone > 0 {
        data.notes.push(format!("{gone} scored answer(s) to questions no longer in this bank were left out"));
    }
    data
}

/// The gap plan from scored attempts in time order, as of `now`.
pub fn from_attempts(bank: &Bank, all: Vec<Attempt>, filter: &PlanFilter, now: OffsetDateTime) -> PlanData {
    let today = now.date();
    let fsrs = Fsrs::default();
    let schedule = srs::replay(
        &fsrs,
        all.iter().map(|a| srs::Review { question: &a.question, on: a.date, score: a.score, hint_used: a.hint_used }),
    );
    let scoped: Vec<Attempt> = all.into_iter().filter(|a| filter.matches(a)).collect();

    let topics = mastery::by_topic(&scoped, &bank.taxonomy);
    let tools = mastery::by_tool(&scoped, &bank.taxonomy);
    let practised: BTreeSet<&str> = topics.iter().map(|t| t.id.as_str()).collect();
    let with_questions: BTreeSet<&str> = bank.questions.iter().map(|q| q.topic.as_str()).collect();
    let untouched_topics = bank
        .taxonomy
        .topics
        .iter()
        .filter(|t| with_questions.contains(t.id.as_str()) && !practised.contains(t.id.as_str()))
        .map(|t| Label { id: t.id.clone(), name: t.name.clone() })
        .collect();
    let scores: Vec<f64> = scoped.iter().map(|a| a.score).collect();
    let candidates = scorable(bank);
    let totals = Totals {
        attempts: scoped.len(),
        questions: scoped.iter().map(|a| a.question.as_str()).collect::<BTreeSet<_>>().len(),
        sessions: scoped.iter().map(|a| a.session_id).collect::<BTreeSet<_>>().len(),
        days: scoped.iter().map(|a| a.date).collect::<BTreeSet<_>>().len(),
        mean: (!scores.is_empty()).then(|| round1(scores.iter().sum::<f64>() / scores.len() as f64)),
        first: scoped.first().map(|a| iso_date(a.date)),
        last: scoped.last().map(|a| iso_date(a.date)),
        bank_questions: candidates.len(),
        due_now: schedule.values().filter(|c| c.is_due(today)).count(),
    };
    let scope = Scope {
        session: filter.session,
        since: filter.since.map(iso_date),
        label: match (filter.session, filter.since) {
            (Some(s), Some(d)) => format!("session {s}, since {}", iso_date(d)),
            (Some(s), None) => format!("session {s}"),
            (None, Some(d)) => format!("since {}", iso_date(d)),
            (None, None) => "all practice".to_string(),
        },
    };
    let mut data = PlanData {
        generated_at: now.format(&Rfc3339).unwrap_or_default(),
        today,
        scope,
        totals,
        heatmap: mastery::heatmap(&scoped, &topics, &tools, HEATMAP_TOOLS),
        topics,
        untouched_topics,
        tools,
        ideas: mastery::by_idea(&scoped),
        study: mastery::study_list(&scoped),
        next: vec![],
        upcoming: vec![],
        progress: mastery::progress(&scoped),
        schedule,
        delivery: delivery_trend(&scoped),
        notes: vec![],
    };

    let picks = pick::pick(
        bank,
        &data,
        &candidates,
        &SessionState::default(),
        &PickOptions { early: false, ..PickOptions::practice(NEXT_COUNT) },
        lexical_similarity,
    );
    let next: Vec<NextQuestion> =
        picks.into_iter().filter_map(|p| next_question(bank, &data, &p.question, today, p.reason)).collect();
    let listed: BTreeSet<&str> = next.iter().map(|n| n.id.as_str()).collect();
    let mut later: Vec<&Card> = data
        .schedule
        .values()
        .filter(|c| !listed.contains(c.question.as_str()) && bank.rubric(&c.question).is_some())
        .collect();
    later.sort_by(|a, b| a.due.cmp(&b.due).then(a.question.cmp(&b.question)));
    let upcoming: Vec<NextQuestion> = later
        .into_iter()
        .take(UPCOMING_COUNT)
        .filter_map(|c| {
            let reason = if c.is_due(today) {
                Reason::Due { due: c.due, overdue_days: c.overdue_days(today), last_score: c.last_score }
            } else {
                Reason::Early { due: c.due, last_score: c.last_score }
            };
            next_question(bank, &data, &c.question, c.due, reason)
        })
        .collect();
    data.next = next;
    data.upcoming = upcoming;
    data
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::bank::{Criterion, Level, Rubric, Taxonomy, Tool, Topic};

    /// A small bank: serving q1-q3, monitoring q4, pipelines q5-q6; every question has
    /// a one-criterion rubric.
    pub fn fixture_bank() -> Bank {
        let spec = [
            ("q1", "serving", Level::Senior, "Latency spike after a model update on Kubernetes."),
            ("q2", "serving", Level::Mid, "GPU utilisation is low while batch latency is high."),
            ("q3", "serving", Level::Junior, "Cold starts of a large model slow the first requests."),
            ("q4", "monitoring", Level::Mid, "Silent drift in a fraud model's input features."),
            ("q5", "pipelines", Level::Mid, "A nightly Airflow DAG succeeds but the artifact is unchanged."),
            ("q6", "pipelines", Level::Senior, "Backfilling a year of features without breaking the scheduler."),
        ];
        let topics = ["serving", "monitoring", "pipelines"]
            .iter()
            .map(|t| Topic { id: t.to_string(), name: format!("{t} name") })
            .collect();
        let tools = vec![Tool { id: "kubernetes".into(), name: "Kubernetes".into(), aliases: vec![] }];
        let questions: Vec<Question> = spec
            .iter()
            .map(|(id, topic, level, scenario)| Question {
                id: id.to_string(),
                title: format!("Title of {id}"),
                topic: topic.to_string(),
                tools: vec![],
                level: *level,
                tags: vec![],
                scenario: scenario.to_string(),
                answer: Some(format!("Model answer to {id}.")),
            })
            .collect();
        let rubrics = spec
            .iter()
            .map(|(id, ..)| {
                let c = Criterion {
                    id: "c1".into(),
                    idea: "rollback plan".into(),
                    weight: 1.0,
                    statement: "Roll back first.".into(),
                    terms: vec![],
                    followup: "What first?".into(),
                    study: "Rollbacks.".into(),
                };
                (id.to_string(), Rubric { question: id.to_string(), version: 1, criteria: vec![c], red_flags: vec![] })
            })
            .collect();
        Bank { taxonomy: Taxonomy { topics, tools }, questions, rubrics, origin: "test".into() }
    }

    /// A scored attempt on `question` at noon UTC on `day`, with one criterion per idea
    /// (equal weights; the study note is "Study IDEA.").
    pub fn attempt(
        id: i64,
        question: &str,
        topic: &str,
        tools: &[&str],
        day: &str,
        score: f64,
        ideas: &[(&str, f64)],
    ) -> Attempt {
        let at = OffsetDateTime::parse(&format!("{day}T12:00:00Z"), &Rfc3339).unwrap();
        let n = ideas.len().max(1) as f64;
        Attempt {
            id,
            session_id: 1,
            question: question.into(),
            topic: topic.into(),
            tools: tools.iter().map(|t| t.to_string()).collect(),
            at,
            date: at.date(),
            score,
            hint_used: false,
            criteria: ideas
                .iter()
                .map(|(idea, cov)| Outcome {
                    idea: idea.to_string(),
                    coverage: *cov,
                    status: Status::from_share(*cov),
                    max_points: 100.0 / n,
                    study: format!("Study {idea}."),
                })
                .collect(),
            delivery: None,
        }
    }
}

#[cfg(test)]
mod build_tests {
    use super::tests::{attempt, fixture_bank};
    use super::*;
    use time::macros::{date, datetime};

    fn row(id: i64, session: i64, q: &str, at: &str, status: &str, score: Option<f64>, coverage: f64) -> AttemptLogRow {
        AttemptLogRow {
            id,
            session_id: session,
            session_kind: "practice".into(),
            question_id: q.into(),
            position: 0,
            asked_at: at.into(),
            answered_at: Some(at.into()),
            status: status.into(),
            score,
            band: None,
            elapsed_secs: None,
            hint_used: false,
            answer: Some("an answer".into()),
            // an older, thinner scorecard: no max_points, no study note
            scorecard: Some(
                serde_json::json!({"criteria": [{"id": "c1", "idea": "rollback plan", "coverage": coverage, "weight": 2.0}]}),
            ),
        }
    }

    fn log() -> Vec<AttemptLogRow> {
        vec![
            row(1, 1, "q1", "2025-03-01T10:00:00Z", "scored", Some(30.0), 0.1),
            row(2, 1, "q2", "2025-03-01T10:10:00Z", "skipped", None, 0.0),
            row(3, 1, "q99", "2025-03-01T10:20:00Z", "scored", Some(50.0), 0.5),
            row(4, 2, "q4", "2025-03-10T10:00:00+02:00", "scored", Some(70.0), 0.9),
        ]
    }

    #[test]
    fn scored_attempts_on_known_questions_count_and_thin_scorecards_are_completed_from_the_rubric() {
        let bank = fixture_bank();
        let (atts, gone) = attempts_from_log(&bank, &log(), datetime!(2025-03-12 09:00 UTC));
        assert_eq!(gone, 1);
        assert_eq!(atts.iter().map(|a| a.question.as_str()).collect::<Vec<_>>(), vec!["q1", "q4"]);
        assert_eq!(atts[0].criteria[0].study, "Rollbacks.");
        assert_eq!(atts[0].criteria[0].max_points, 100.0);
        assert_eq!(atts[0].criteria[0].status, Status::Missed);
        // times are read in the report clock's offset
        assert_eq!(atts[1].at.hour(), 8);
    }

    #[test]
    fn a_filter_narrows_mastery_but_not_the_schedule() {
        let bank = fixture_bank();
        let data = build(&bank, &log(), &PlanFilter::session(2), datetime!(2025-03-12 09:00 UTC));
        assert_eq!(data.scope.label, "session 2");
        assert_eq!(data.totals.attempts, 1);
        assert_eq!(data.topics.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), vec!["monitoring"]);
        assert_eq!(data.schedule.len(), 2);
        assert_eq!(data.totals.due_now, 1);
        assert!(data.study.is_empty());
        assert_eq!(data.notes.len(), 1);
        let since = build(
            &bank,
            &log(),
            &PlanFilter { session: None, since: Some(date!(2025 - 03 - 05)) },
            datetime!(2025-03-12 09:00 UTC),
        );
        assert_eq!(since.scope.label, "since 2025-03-05");
        assert_eq!(since.totals.attempts, 1);
        // the overdue q1 leads the next session, and q4 is listed later with its date
        assert_eq!(data.next[0].id, "q1");
        assert_eq!(data.next[0].why, "due 10 days ago; last score 30");
        assert_eq!(
            data.upcoming.iter().map(|n| (n.id.as_str(), iso_date(n.date))).collect::<Vec<_>>(),
            vec![("q4", "2025-03-13".to_string())]
        );
    }

    #[test]
    fn an_empty_history_still_plans_new_questions() {
        let bank = fixture_bank();
        let data = build(&bank, &[], &PlanFilter::default(), datetime!(2025-03-12 09:00 UTC));
        assert_eq!(data.totals.attempts, 0);
        assert_eq!(data.totals.mean, None);
        assert_eq!(data.untouched_topics.len(), 3);
        assert_eq!(data.next.len(), NEXT_COUNT);
        assert!(data.upcoming.is_empty());
    }

    #[test]
    fn delivery_trend_reports_medians_and_recurring_habits() {
        let spoken = |id, day: &str, wpm: f64, fpm: f64, pauses: usize| {
            let mut a = attempt(id, "q001", "monitoring", &[], day, 50.0, &[("x", 0.5)]);
            a.delivery = Some(crate::speech::Delivery {
                duration_secs: 60.0,
                speaking_secs: 58.0,
                words: (wpm * 58.0 / 60.0) as usize,
                words_per_minute: wpm,
                fillers: vec![("um".into(), (fpm * 58.0 / 60.0).round() as usize)],
                fillers_per_minute: fpm,
                long_pauses: vec![(10.0, 4.0); pauses],
                advice: vec![],
            });
            a
        };
        assert!(delivery_trend(&[attempt(1, "q001", "monitoring", &[], "2026-01-01", 50.0, &[])]).is_none());
        let all = vec![
            spoken(1, "2026-01-01", 190.0, 6.0, 1),
            spoken(2, "2026-01-02", 175.0, 5.0, 0),
            spoken(3, "2026-01-03", 140.0, 1.0, 0),
            attempt(4, "q002", "monitoring", &[], "2026-01-04", 70.0, &[]),
        ];
        let t = delivery_trend(&all).expect("spoken answers");
        assert_eq!(t.answers, 3);
        assert_eq!(t.median_words_per_minute, 175.0);
        assert_eq!(t.median_fillers_per_minute, 5.0);
        assert_eq!(t.long_pauses_per_answer, 0.3);
        assert_eq!(t.top_fillers[0].0, "um");
        // fast and filler-heavy in 2 of 3; under two minutes in all; long silences in 1 of 3 only
        let habits = t.habits.join(" | ");
        assert!(habits.contains("Fast delivery") && habits.contains("(2 of 3"), "{habits}");
        assert!(habits.contains("fillers a minute"), "{habits}");
        assert!(habits.contains("Under 2 minutes") && habits.contains("(3 of 3"), "{habits}");
        assert!(!habits.contains("silences"), "{habits}");
        assert_eq!(t.recent.len(), 3);
        assert_eq!(t.recent[0].0, "2026-01-01");
    }
}
