//! Mastery from scored attempts: per topic (skill), per tool, per recurring rubric idea,
//! and per topic x tool cell; progress by day; the study list.
//!
//! Every figure says how sure it is: few attempts mean low confidence, and the
//! readiness used to rank areas is the mean shrunk towards a neutral prior, so one
//! lucky or unlucky answer does not dominate the plan.

use super::srs::ser_date;
use super::Attempt;
use crate::bank::Taxonomy;
use crate::scoring::Status;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// The score an area is assumed to have before any evidence, and how many attempts'
/// worth of weight that assumption carries.
pub const PRIOR: f64 = 50.0;
pub const PRIOR_WEIGHT: f64 = 1.0;
/// A change of at least this many points between the earlier and the later half of the
/// attempts counts as a trend.
pub const TREND_POINTS: f64 = 5.0;

/// Readiness thresholds, in line with the scorecard's bands.
pub const READY: f64 = 65.0;
pub const ALMOST: f64 = 50.0;
pub const STRONG: f64 = 80.0;

pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len().max(1) as f64
}

/// The mean shrunk towards [`PRIOR`].
pub fn readiness(scores: &[f64]) -> f64 {
    (scores.iter().sum::<f64>() + PRIOR * PRIOR_WEIGHT) / (scores.len() as f64 + PRIOR_WEIGHT)
}

/// How sure a figure is, from the number of attempts behind it: n / (n + 3).
pub fn confidence(attempts: usize) -> f64 {
    attempts as f64 / (attempts as f64 + 3.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    /// Under 3 attempts is low, under 6 medium.
    pub fn from_attempts(n: usize) -> Confidence {
        match n {
            0..=2 => Confidence::Low,
            3..=5 => Confidence::Medium,
            _ => Confidence::High,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Where an area stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    Gap,
    Almost,
    Ready,
    Strong,
}

impl Standing {
    pub fn from_readiness(r: f64) -> Standing {
        match r {
            r if r >= STRONG => Standing::Strong,
            r if r >= READY => Standing::Ready,
            r if r >= ALMOST => Standing::Almost,
            _ => Standing::Gap,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Standing::Gap => "gap",
            Standing::Almost => "almost",
            Standing::Ready => "ready",
            Standing::Strong => "strong",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Fewer than two attempts: no trend yet.
    New,
    Up,
    Flat,
    Down,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trend {
    pub direction: Direction,
    /// Mean of the later half of the attempts minus the mean of the earlier half.
    pub delta: Option<f64>,
}

impl Trend {
    pub fn arrow(&self) -> &'static str {
        match self.direction {
            Direction::New => "·",
            Direction::Up => "↑",
            Direction::Flat => "→",
            Direction::Down => "↓",
        }
    }
}

/// The trend of a series in time order.
pub fn trend(series: &[f64]) -> Trend {
    if series.len() < 2 {
        return Trend { direction: Direction::New, delta: None };
    }
    let half = series.len() / 2;
    let delta = round1(mean(&series[series.len() - half..]) - mean(&series[..series.len() - half]));
    let direction = if delta >= TREND_POINTS {
        Direction::Up
    } else if delta <= -TREND_POINTS {
        Direction::Down
    } else {
        Direction::Flat
    };
    Trend { direction, delta: Some(delta) }
}

/// How often an idea went uncovered within an area.
#[derive(Debug, Clone, Serialize)]
pub struct IdeaCount {
    pub idea: String,
    /// Answers that missed it or covered it only in part.
    pub not_covered: usize,
    /// Answers whose rubric asked for it.
    pub seen: usize,
}

/// Mastery of one topic or tool.
#[derive(Debug, Clone, Serialize)]
pub struct Mastery {
    pub id: String,
    pub name: String,
    pub attempts: usize,
    /// Distinct questions answered.
    pub questions: usize,
    pub mean: f64,
    /// The mean shrunk towards the prior: what areas are ranked by.
    pub readiness: f64,
    pub standing: Standing,
    pub trend: Trend,
    pub confidence: f64,
    pub confidence_level: Confidence,
    #[serde(serialize_with = "ser_date")]
    pub last_practised: Date,
    /// The ideas this area's answers most often left uncovered, most first.
    pub missed_ideas: Vec<IdeaCount>,
}

/// Normalise an idea name so that spellings across rubrics group together.
pub fn idea_key(idea: &str) -> String {
    idea.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn mastery(id: &str, name: &str, group: &[&Attempt]) -> Mastery {
    let scores: Vec<f64> = group.iter().map(|a| a.score).collect();
    let questions: BTreeSet<&str> = group.iter().map(|a| a.question.as_str()).collect();
    let r = readiness(&scores);
    let mut ideas: BTreeMap<String, (String, usize, usize)> = BTreeMap::new();
    for a in group {
        for c in &a.criteria {
            let e = ideas.entry(idea_key(&c.idea)).or_insert_with(|| (c.idea.clone(), 0, 0));
            e.2 += 1;
            if c.status != Status::Covered {
                e.1 += 1;
            }
        }
    }
    let mut missed: Vec<IdeaCount> = ideas
        .into_values()
        .filter(|(_, n, _)| *n > 0)
        .map(|(idea, not_covered, seen)| IdeaCount { idea, not_covered, seen })
        .collect();
    missed.sort_by(|a, b| b.not_covered.cmp(&a.not_covered).then(a.idea.cmp(&b.idea)));
    missed.truncate(3);
    Mastery {
        id: id.to_string(),
        name: name.to_string(),
        attempts: group.len(),
        questions: questions.len(),
        mean: round1(mean(&scores)),
        readiness: round1(r),
        standing: Standing::from_readiness(r),
        trend: trend(&scores),
        confidence: round1(confidence(group.len()) * 100.0) / 100.0,
        confidence_level: Confidence::from_attempts(group.len()),
        last_practised: group.iter().map(|a| a.date).max().unwrap_or(Date::MIN),
        missed_ideas: missed,
    }
}

/// Weakest first: lowest readiness, then the better-evidenced, then by id.
fn weakest_first(v: &mut [Mastery]) {
    v.sort_by(|a, b| a.readiness.total_cmp(&b.readiness).then(b.attempts.cmp(&a.attempts)).then(a.id.cmp(&b.id)));
}

/// Mastery of every topic practised, weakest first.
pub fn by_topic(attempts: &[Attempt], tax: &Taxonomy) -> Vec<Mastery> {
    let mut groups: BTreeMap<&str, Vec<&Attempt>> = BTreeMap::new();
    for a in attempts {
        groups.entry(a.topic.as_str()).or_default().push(a);
    }
    let mut out: Vec<Mastery> =
        groups.into_iter().map(|(id, g)| mastery(id, tax.topic(id).map_or(id, |t| t.name.as_str()), &g)).collect();
    weakest_first(&mut out);
    out
}

/// Mastery of every tool practised (an attempt counts for each tool of its question), weakest first.
pub fn by_tool(attempts: &[Attempt], tax: &Taxonomy) -> Vec<Mastery> {
    let mut groups: BTreeMap<&str, Vec<&Attempt>> = BTreeMap::new();
    for a in attempts {
        for t in &a.tools {
            groups.entry(t.as_str()).or_default().push(a);
        }
    }
    let mut out: Vec<Mastery> =
        groups.into_iter().map(|(id, g)| mastery(id, tax.tool(id).map_or(id, |t| t.name.as_str()), &g)).collect();
    weakest_first(&mut out);
    out
}

/// Mastery of one rubric idea across every question whose rubric asks for it.
#[derive(Debug, Clone, Serialize)]
pub struct IdeaMastery {
    pub idea: String,
    /// Answers whose rubric asked for the idea.
    pub attempts: usize,
    pub covered: usize,
    pub partial: usize,
    pub missed: usize,
    /// Mean coverage, 0 to 100.
    pub mean_coverage: f64,
    pub trend: Trend,
    pub confidence_level: Confidence,
    pub questions: Vec<String>,
    pub topics: Vec<String>,
}

impl IdeaMastery {
    /// How often the idea went uncovered: a miss counts one, a partial half.
    pub fn miss_weight(&self) -> f64 {
        self.missed as f64 + 0.5 * self.partial as f64
    }
}

/// Every idea assessed, most often missed first.
pub fn by_idea(attempts: &[Attempt]) -> Vec<IdeaMastery> {
    struct Acc<'a> {
        name: &'a str,
        cov: Vec<f64>,
        status: Vec<Status>,
        questions: BTreeSet<&'a str>,
        topics: BTreeSet<&'a str>,
    }
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    for a in attempts {
        for c in &a.criteria {
            let e = groups.entry(idea_key(&c.idea)).or_insert_with(|| Acc {
                name: &c.idea,
                cov: vec![],
                status: vec![],
                questions: BTreeSet::new(),
                topics: BTreeSet::new(),
            });
            e.cov.push(c.coverage * 100.0);
            e.status.push(c.status);
            e.questions.insert(&a.question);
            e.topics.insert(&a.topic);
        }
    }
    let mut out: Vec<IdeaMastery> = groups
        .into_values()
        .map(|g| IdeaMastery {
            idea: g.name.to_string(),
            attempts: g.cov.len(),
            covered: g.status.iter().filter(|s| **s == Status::Covered).count(),
            partial: g.status.iter().filter(|s| **s == Status::Partial).count(),
            missed: g.status.iter().filter(|s| **s == Status::Missed).count(),
            mean_coverage: round1(mean(&g.cov)),
            trend: trend(&g.cov),
            confidence_level: Confidence::from_attempts(g.cov.len()),
            questions: g.questions.into_iter().map(String::from).collect(),
            topics: g.topics.into_iter().map(String::from).collect(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.miss_weight()
            .total_cmp(&a.miss_weight())
            .then(a.mean_coverage.total_cmp(&b.mean_coverage))
            .then(a.idea.cmp(&b.idea))
    });
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Cell {
    pub mean: f64,
    pub attempts: usize,
}

/// Mean score per topic (row) and tool (column).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Heatmap {
    pub topics: Vec<Label>,
    pub tools: Vec<Label>,
    /// `cells[row][column]`, `None` where no answer touched both.
    pub cells: Vec<Vec<Option<Cell>>>,
}

/// The skill x tool heatmap: topics in the order given (weakest first), and the
/// `max_tools` most practised tools.
pub fn heatmap(attempts: &[Attempt], topics: &[Mastery], tools: &[Mastery], max_tools: usize) -> Heatmap {
    let mut cols: Vec<&Mastery> = tools.iter().collect();
    cols.sort_by(|a, b| b.attempts.cmp(&a.attempts).then(a.id.cmp(&b.id)));
    cols.truncate(max_tools);
    let cells = topics
        .iter()
        .map(|t| {
            cols.iter()
                .map(|tool| {
                    let scores: Vec<f64> = attempts
                        .iter()
                        .filter(|a| a.topic == t.id && a.tools.contains(&tool.id))
                        .map(|a| a.score)
                        .collect();
                    (!scores.is_empty()).then(|| Cell { mean: round1(mean(&scores)), attempts: scores.len() })
                })
                .collect()
        })
        .collect();
    Heatmap {
        topics: topics.iter().map(|t| Label { id: t.id.clone(), name: t.name.clone() }).collect(),
        tools: cols.iter().map(|t| Label { id: t.id.clone(), name: t.name.clone() }).collect(),
        cells,
    }
}

/// One day of practice.
#[derive(Debug, Clone, Serialize)]
pub struct DayPoint {
    #[serde(serialize_with = "ser_date")]
    pub date: Date,
    pub attempts: usize,
    pub mean: f64,
    pub best: f64,
    /// Mean of every attempt up to and including this day.
    pub running_mean: f64,
}

/// Scores by day, oldest first.
pub fn progress(attempts: &[Attempt]) -> Vec<DayPoint> {
    let mut days: BTreeMap<Date, Vec<f64>> = BTreeMap::new();
    for a in attempts {
        days.entry(a.date).or_default().push(a.score);
    }
    let (mut sum, mut n) = (0.0, 0usize);
    days.into_iter()
        .map(|(date, s)| {
            sum += s.iter().sum::<f64>();
            n += s.len();
            DayPoint {
                date,
                attempts: s.len(),
                mean: round1(mean(&s)),
                best: s.iter().copied().fold(0.0, f64::max),
                running_mean: round1(sum / n as f64),
            }
        })
        .collect()
}

/// One thing to read, from the rubrics' study notes.
#[derive(Debug, Clone, Serialize)]
pub struct StudyItem {
    pub note: String,
    pub ideas: Vec<String>,
    pub questions: Vec<String>,
    /// Score points these ideas left on the table in your latest answers.
    pub points_at_stake: f64,
}

/// Study notes of the ideas your latest answer to each question did not fully cover,
/// the most points at stake first. Earlier answers do not count: an idea you have since
/// covered is no longer a gap.
pub fn study_list(attempts: &[Attempt]) -> Vec<StudyItem> {
    let mut latest: BTreeMap<&str, &Attempt> = BTreeMap::new();
    for a in attempts {
        match latest.get(a.question.as_str()) {
            Some(prev) if (prev.at, prev.id) > (a.at, a.id) => {}
            _ => {
                latest.insert(&a.question, a);
            }
        }
    }
    let mut notes: BTreeMap<String, (String, BTreeSet<String>, BTreeSet<String>, f64)> = BTreeMap::new();
    for a in latest.values() {
        for c in a.criteria.iter().filter(|c| c.status != Status::Covered && !c.study.trim().is_empty()) {
            let e = notes
                .entry(c.study.trim().to_lowercase())
                .or_insert_with(|| (c.study.trim().to_string(), BTreeSet::new(), BTreeSet::new(), 0.0));
            e.1.insert(c.idea.clone());
            e.2.insert(a.question.clone());
            e.3 += c.max_points * (1.0 - c.coverage).clamp(0.0, 1.0);
        }
    }
    let mut out: Vec<StudyItem> = notes
        .into_values()
        .map(|(note, ideas, questions, pts)| StudyItem {
            note,
            ideas: ideas.into_iter().collect(),
            questions: questions.into_iter().collect(),
            points_at_stake: round1(pts),
        })
        .collect();
    out.sort_by(|a, b| b.points_at_stake.total_cmp(&a.points_at_stake).then(a.note.cmp(&b.note)));
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::attempt;
    use super::*;

    #[test]
    fn readiness_shrinks_towards_the_prior_and_confidence_grows_with_attempts() {
        assert_eq!(readiness(&[]), 50.0);
        assert_eq!(readiness(&[20.0]), 35.0);
        assert_eq!(readiness(&[90.0, 90.0, 90.0]), 80.0);
        assert_eq!(Confidence::from_attempts(1), Confidence::Low);
        assert_eq!(Confidence::from_attempts(3), Confidence::Medium);
        assert_eq!(Confidence::from_attempts(6), Confidence::High);
        assert!(confidence(1) < confidence(5) && confidence(5) < 1.0);
        assert_eq!(Standing::from_readiness(35.0), Standing::Gap);
        assert_eq!(Standing::from_readiness(64.9), Standing::Almost);
        assert_eq!(Standing::from_readiness(80.0), Standing::Strong);
    }

    #[test]
    fn trend_compares_the_later_half_with_the_earlier() {
        assert_eq!(trend(&[50.0]).direction, Direction::New);
        let t = trend(&[30.0, 40.0, 60.0, 70.0]);
        assert_eq!((t.direction, t.delta), (Direction::Up, Some(30.0)));
        assert_eq!(trend(&[60.0, 58.0, 61.0]).direction, Direction::Flat);
        assert_eq!(trend(&[80.0, 50.0]).direction, Direction::Down);
    }

    #[test]
    fn topics_and_tools_rank_weakest_first_with_their_missed_ideas() {
        let atts = vec![
            attempt(
                1,
                "q001",
                "model-serving",
                &["kubernetes", "onnx"],
                "2025-03-03",
                30.0,
                &[("rollback plan", 0.1), ("cpu throttling", 0.7)],
            ),
            attempt(2, "q002", "model-serving", &["kubernetes"], "2025-03-04", 40.0, &[("rollback plan", 0.4)]),
            attempt(3, "q010", "monitoring", &["prometheus"], "2025-03-04", 80.0, &[("alert thresholds", 0.9)]),
        ];
        let tax = Taxonomy::default();
        let topics = by_topic(&atts, &tax);
        assert_eq!(topics.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), vec!["model-serving", "monitoring"]);
        assert_eq!(topics[0].mean, 35.0);
        assert_eq!(topics[0].readiness, 40.0);
        assert_eq!(topics[0].missed_ideas[0].idea, "rollback plan");
        assert_eq!(topics[0].missed_ideas[0].not_covered, 2);
        let tools = by_tool(&atts, &tax);
        // kubernetes (30, 40) and onnx (30) both have readiness 40: the better-evidenced comes first
        assert_eq!(tools[0].id, "kubernetes");
        assert_eq!(tools.iter().find(|t| t.id == "kubernetes").unwrap().attempts, 2);
        let ideas = by_idea(&atts);
        assert_eq!(ideas[0].idea, "rollback plan");
        assert_eq!((ideas[0].missed, ideas[0].partial), (1, 1));
        assert_eq!(ideas[0].questions, vec!["q001", "q002"]);
        let hm = heatmap(&atts, &topics, &tools, 10);
        assert_eq!(hm.tools[0].id, "kubernetes");
        assert_eq!(hm.cells[0][0].unwrap().attempts, 2);
        assert!(hm.cells[1][0].is_none());
    }

    #[test]
    fn study_list_uses_only_the_latest_answer_to_each_question() {
        let atts = vec![
            attempt(
                1,
                "q001",
                "model-serving",
                &[],
                "2025-03-03",
                30.0,
                &[("rollback plan", 0.1), ("cpu throttling", 0.1)],
            ),
            attempt(
                2,
                "q001",
                "model-serving",
                &[],
                "2025-03-05",
                60.0,
                &[("rollback plan", 0.9), ("cpu throttling", 0.2)],
            ),
        ];
        let study = study_list(&atts);
        assert_eq!(study.len(), 1);
        assert_eq!(study[0].ideas, vec!["cpu throttling"]);
        assert_eq!(study[0].note, "Study cpu throttling.");
        assert_eq!(study[0].points_at_stake, 40.0);
    }

    #[test]
    fn progress_groups_by_day_with_a_running_mean() {
        let atts = vec![
            attempt(1, "q001", "x", &[], "2025-03-03", 30.0, &[]),
            attempt(2, "q002", "x", &[], "2025-03-03", 50.0, &[]),
            attempt(3, "q003", "x", &[], "2025-03-05", 90.0, &[]),
        ];
        let p = progress(&atts);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].attempts, p[0].mean, p[0].best, p[0].running_mean), (2, 40.0, 50.0, 40.0));
        assert_eq!((p[1].mean, p[1].running_mean), (90.0, 56.7));
    }
}
