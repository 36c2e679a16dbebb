//! The practice and mock interview flows, as a state machine with no terminal I/O.
//!
//! A [`Session`] holds the order of questions (its [`Plan`]) and the question in hand (a
//! turn), and writes every step to the [`Store`] as it happens: the draft while it is
//! typed, the answer before it is scored, the scorecard after, the follow-up probe and
//! the reply (also before it is scored). A crash therefore loses at most the line being
//! typed, and [`Session::resume_mock`] carries on from the first unanswered question of
//! the same plan. Scoring goes through the [`Grader`] trait and time through [`Clock`],
//! so tests drive whole interviews with a toy encoder and a fake clock; the REPL only
//! reads lines and prints.

pub mod pick;
mod summary;

pub use summary::{Area, IdeaArea, QuestionSummary, Summary};

use crate::bank::{Bank, Criterion, Filter, Question, Rubric};
use crate::embed::Encoder;
use crate::engine::Engine;
use crate::scoring::{Calibration, Scorecard, Scorer, Status, MIN_WORDS};
use crate::store::Store;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Scores answers and follow-up replies. [`Engine`] is the real one.
pub trait Grader {
    fn score(&mut self, q: &Question, rubric: &Rubric, answer: &str) -> Result<Scorecard>;
    /// How well a short reply states one criterion (0 to 1), and its evidence.
    fn criterion_coverage(&mut self, criterion: &Criterion, reply: &str) -> Result<(f64, Option<String>)>;
}

impl Grader for Engine {
    fn score(&mut self, q: &Question, rubric: &Rubric, answer: &str) -> Result<Scorecard> {
        self.scorer().score(&q.scenario, q.answer.as_deref(), rubric, answer)
    }
    fn criterion_coverage(&mut self, criterion: &Criterion, reply: &str) -> Result<(f64, Option<String>)> {
        self.scorer().criterion_coverage(criterion, reply)
    }
}

/// A grader from any [`Encoder`] and a calibration (tests use a toy encoder).
pub struct EncoderGrader<E: Encoder> {
    pub encoder: E,
    pub calibration: Calibration,
}

impl<E: Encoder> Grader for EncoderGrader<E> {
    fn score(&mut self, q: &Question, rubric: &Rubric, answer: &str) -> Result<Scorecard> {
        Scorer::new(&mut self.encoder, self.calibration.clone()).score(&q.scenario, q.answer.as_deref(), rubric, answer)
    }
    fn criterion_coverage(&mut self, criterion: &Criterion, reply: &str) -> Result<(f64, Option<String>)> {
        Scorer::new(&mut self.encoder, self.calibration.clone()).criterion_coverage(criterion, reply)
    }
}

/// Monotonic time since some origin; the clock of timed interviews.
pub trait Clock {
    fn elapsed(&self) -> Duration;
}

/// The wall clock, measured from when it was made.
pub struct SystemClock(Instant);

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock(Instant::now())
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// Why a step of the flow was refused. Each message tells the user what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum InterviewError {
    #[error("the answer is empty: type what you would do and why, then a line with only `.` to submit (:skip passes, :quit leaves)")]
    EmptyAnswer,
    #[error("no reveals during a mock interview: the model answers come with the scorecard at the end")]
    NoRevealInMock,
    #[error("{0} has no model answer yet")]
    NoModelAnswer(String),
    #[error("{0} has no rubric yet, so answers to it cannot be scored")]
    NoRubric(String),
    #[error("{0}")]
    NoQuestion(String),
    #[error("not now: {0}")]
    WrongPhase(&'static str),
    #[error(
        "the interrupted mock interview #{0} has a plan this grill cannot read; start a new one with `grill mock`"
    )]
    BadPlan(i64),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

type IResult<T> = std::result::Result<T, InterviewError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Practice,
    Mock,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Practice => "practice",
            Kind::Mock => "mock",
        }
    }
}

/// The filters a session was started with, as the user gave them (kept for replays).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub due: bool,
}

impl PlanFilter {
    pub fn from_filter(f: &Filter) -> PlanFilter {
        PlanFilter {
            topic: f.topic.clone(),
            tool: f.tool.clone(),
            level: f.level.map(|l| l.as_str().to_string()),
            search: f.search.clone(),
            id: None,
            due: false,
        }
    }
}

/// What a session asks, stored as JSON in `sessions.plan` so a mock resumes identically.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Question ids in the order they are asked.
    pub questions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_secs: Option<u64>,
    #[serde(default)]
    pub filter: PlanFilter,
    /// Interview time used so far, across resumes.
    #[serde(default)]
    pub used_secs: f64,
    #[serde(default)]
    pub seed: u64,
}

/// A hint: the name of one rubric idea the draft does not state yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Hint {
    pub criterion_id: String,
    pub idea: String,
}

/// A follow-up question on the heaviest idea the answer missed.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub criterion_id: String,
    pub idea: String,
    pub question: String,
    pub followup_id: i64,
}

/// A scored answer, and the probe to ask next (if any).
#[derive(Debug, Clone)]
pub struct Submitted {
    pub card: Scorecard,
    pub probe: Option<Probe>,
}

/// What a reply to a probe earned.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    pub idea: String,
    pub coverage: f64,
    /// Whether the reply raised the idea's credit (then marked "after a prompt").
    pub credited: bool,
    pub score_before: f64,
    pub card: Scorecard,
}

/// What [`Session::next_question`] found.
#[derive(Debug)]
pub enum Next<'b> {
    Question {
        question: &'b Question,
        /// 0-based position in the plan, and the plan's length.
        position: usize,
        total: usize,
        /// A draft from an interrupted run was restored.
        resumed_draft: bool,
    },
    /// The question has no rubric: it was passed over.
    NoRubric(&'b Question),
    /// The mock's time is up; unasked questions stay unasked.
    TimeUp,
    /// Every planned question has been asked.
    Done,
}

/// Where the question in hand is.
#[derive(Debug, Clone)]
enum Phase {
    Answering,
    Probing { card: Box<Scorecard>, probe: Probe },
    Finished { card: Option<Box<Scorecard>> },
}

#[derive(Debug, Clone)]
struct Turn {
    question_id: String,
    position: usize,
    attempt: i64,
    draft: String,
    reply: String,
    started: Duration,
    hints: Vec<String>,
    /// How a spoken answer was delivered, attached to its scorecard.
    delivery: Option<crate::speech::Delivery>,
    /// The text in hand is saved as the submitted answer (or reply) already.
    committed: bool,
    phase: Phase,
}

/// One practice run or mock interview in progress.
pub struct Session<'b> {
    bank: &'b Bank,
    store: &'b Store,
    id: i64,
    kind: Kind,
    plan: Plan,
    next_pos: usize,
    clock: Box<dyn Clock>,
    run_started: Duration,
    used_before: f64,
    turn: Option<Turn>,
    /// Positions answered or skipped in an earlier run (resume).
    done: BTreeSet<usize>,
    /// Positions with an unfinished attempt from an earlier run: (attempt id, text so far).
    pending: BTreeMap<usize, (i64, String)>,
}

fn append(text: &mut String, line: &str) {
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line);
}

impl<'b> Session<'b> {
    fn new(bank: &'b Bank, store: &'b Store, id: i64, kind: Kind, plan: Plan, clock: Box<dyn Clock>) -> Session<'b> {
        let run_started = clock.elapsed();
        let used_before = plan.used_secs;
        Session {
            bank,
            store,
            id,
            kind,
            plan,
            next_pos: 0,
            clock,
            run_started,
            used_before,
            turn: None,
            done: BTreeSet::new(),
            pending: BTreeMap::new(),
        }
    }

    /// Start a practice session over `plan.questions`.
    pub fn start_practice(bank: &'b Bank, store: &'b Store, plan: Plan, clock: Box<dyn Clock>) -> Result<Session<'b>> {
        let id = store.create_session(Kind::Practice.as_str(), &serde_json::to_value(&plan)?, None)?;
        Ok(Session::new(bank, store, id, Kind::Practice, plan, clock))
    }

    /// Start a timed mock interview; `plan.time_limit_secs` should be set.
    pub fn start_mock(bank: &'b Bank, store: &'b Store, plan: Plan, clock: Box<dyn Clock>) -> Result<Session<'b>> {
        let limit = plan.time_limit_secs.map(|s| s as i64);
        let id = store.create_session(Kind::Mock.as_str(), &serde_json::to_value(&plan)?, limit)?;
        Ok(Session::new(bank, store, id, Kind::Mock, plan, clock))
    }

    /// The last mock interview that did not finish, ready to carry on from its first
    /// unanswered question with its drafts restored; `None` if there is none.
    pub fn resume_mock(bank: &'b Bank, store: &'b Store, clock: Box<dyn Clock>) -> IResult<Option<Session<'b>>> {
        let Some(row) = store.last_unfinished_mock()? else {
            return Ok(None);
        };
        let plan: Plan = serde_json::from_value(row.plan.clone()).map_err(|_| InterviewError::BadPlan(row.id))?;
        if plan.questions.is_empty() {
            return Err(InterviewError::BadPlan(row.id));
        }
        let mut s = Session::new(bank, store, row.id, Kind::Mock, plan, clock);
        // attempts come in position order, then id: the last one for a position wins
        for a in store.attempts(row.id)? {
            let pos = a.position.max(0) as usize;
            match a.status.as_str() {
                "scored" | "skipped" => {
                    s.pending.remove(&pos);
                    s.done.insert(pos);
                }
                _ => {
                    s.done.remove(&pos);
                    s.pending.insert(pos, (a.id, a.answer.clone().unwrap_or(a.draft.clone())));
                }
            }
        }
        Ok(Some(s))
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Questions of the plan already answered or skipped (in this run or an earlier one).
    pub fn done_count(&self) -> usize {
        let mut n = self.done.len();
        if let Some(t) = &self.turn {
            if !matches!(t.phase, Phase::Answering) && !self.done.contains(&t.position) {
                n += 1;
            }
        }
        n
    }

    /// Where a resumed run would start: the first planned question (0-based) not yet
    /// answered or skipped.
    pub fn resume_position(&self) -> Option<usize> {
        let finished = |p: usize| {
            self.done.contains(&p)
                || self.turn.as_ref().is_some_and(|t| t.position == p && !matches!(t.phase, Phase::Answering))
        };
        (0..self.plan.questions.len()).find(|&p| !finished(p))
    }

    /// Interview time used, across resumes.
    pub fn used(&self) -> Duration {
        let now = self.clock.elapsed().saturating_sub(self.run_started);
        Duration::from_secs_f64(self.used_before.max(0.0)) + now
    }

    /// Time left in a mock (zero when up); `None` for practice.
    pub fn remaining(&self) -> Option<Duration> {
        self.plan
            .time_limit_secs
            .filter(|_| self.kind == Kind::Mock)
            .map(|l| Duration::from_secs(l).saturating_sub(self.used()))
    }

    pub fn time_up(&self) -> bool {
        self.remaining().is_some_and(|r| r.is_zero())
    }

    /// Time on the question in hand.
    pub fn question_elapsed(&self) -> Duration {
        self.turn.as_ref().map_or(Duration::ZERO, |t| self.clock.elapsed().saturating_sub(t.started))
    }

    /// The question in hand.
    pub fn question(&self) -> Option<&'b Question> {
        self.turn.as_ref().and_then(|t| self.bank.question(&t.question_id))
    }

    fn rubric(&self) -> Option<&'b Rubric> {
        self.turn.as_ref().and_then(|t| self.bank.rubric(&t.question_id))
    }

    /// The attempt row of the question in hand.
    pub fn attempt_id(&self) -> Option<i64> {
        self.turn.as_ref().map(|t| t.attempt)
    }

    /// The probe waiting for a reply, if any.
    pub fn probe(&self) -> Option<&Probe> {
        match self.turn.as_ref().map(|t| &t.phase) {
            Some(Phase::Probing { probe, .. }) => Some(probe),
            _ => None,
        }
    }

    pub fn is_answering(&self) -> bool {
        matches!(self.turn.as_ref().map(|t| &t.phase), Some(Phase::Answering))
    }

    /// The scorecard of the question in hand once it is scored (updated by a probe reply).
    pub fn card(&self) -> Option<&Scorecard> {
        match self.turn.as_ref().map(|t| &t.phase) {
            Some(Phase::Probing { card, .. }) | Some(Phase::Finished { card: Some(card) }) => Some(card),
            _ => None,
        }
    }

    /// Record the time used in the plan, so a resumed mock keeps its clock.
    pub fn checkpoint(&mut self) -> Result<()> {
        self.plan.used_secs = (self.used().as_secs_f64() * 10.0).round() / 10.0;
        self.store.set_plan(self.id, &serde_json::to_value(&self.plan)?)
    }

    /// Move on to the next planned question and open an attempt for it.
    pub fn next_question(&mut self) -> IResult<Next<'b>> {
        if let Some(t) = &self.turn {
            match t.phase {
                Phase::Answering => {
                    return Err(InterviewError::WrongPhase("answer, :skip or :quit the question in hand first"))
                }
                Phase::Probing { .. } | Phase::Finished { .. } => {
                    self.done.insert(t.position);
                }
            }
        }
        self.turn = None;
        loop {
            let pos = self.next_pos;
            let Some(qid) = self.plan.questions.get(pos).cloned() else {
                return Ok(Next::Done);
            };
            if self.done.contains(&pos) {
                self.next_pos += 1;
                continue;
            }
            if self.time_up() {
                return Ok(Next::TimeUp);
            }
            self.next_pos += 1;
            // a bank edited since the plan was made may have lost the question
            let Some(q) = self.bank.question(&qid) else {
                continue;
            };
            if self.bank.rubric(&q.id).is_none() {
                return Ok(Next::NoRubric(q));
            }
            let (attempt, draft) = match self.pending.remove(&pos) {
                Some(p) => p,
                None => (self.store.start_attempt(self.id, &q.id, pos as i64)?, String::new()),
            };
            let resumed_draft = !draft.trim().is_empty();
            self.turn = Some(Turn {
                question_id: q.id.clone(),
                position: pos,
                attempt,
                draft,
                reply: String::new(),
                started: self.clock.elapsed(),
                hints: Vec::new(),
                delivery: None,
                committed: false,
                phase: Phase::Answering,
            });
            return Ok(Next::Question { question: q, position: pos, total: self.plan.questions.len(), resumed_draft });
        }
    }

    fn turn_mut(&mut self) -> IResult<&mut Turn> {
        self.turn.as_mut().ok_or(InterviewError::WrongPhase("no question is open"))
    }

    /// What is being typed: the answer's draft, or the reply to the probe.
    pub fn text(&self) -> &str {
        match &self.turn {
            Some(t) if matches!(t.phase, Phase::Probing { .. }) => &t.reply,
            Some(t) => &t.draft,
            None => "",
        }
    }

    /// Add a typed line to the answer (or probe reply) and save it at once.
    pub fn append_line(&mut self, line: &str) -> IResult<()> {
        let mut text = self.text().to_string();
        append(&mut text, line);
        self.set_text(text)
    }

    /// Record how the answer in hand was spoken; it goes onto the scorecard.
    pub fn set_delivery(&mut self, delivery: crate::speech::Delivery) -> IResult<()> {
        self.turn_mut()?.delivery = Some(delivery);
        Ok(())
    }

    /// Replace what is being typed (after `:edit`) and save it at once.
    pub fn set_text(&mut self, text: String) -> IResult<()> {
        let store = self.store;
        let t = self.turn_mut()?;
        t.committed = false;
        match &t.phase {
            Phase::Answering => {
                t.draft = text;
                store.save_draft(t.attempt, &t.draft)?;
            }
            Phase::Probing { probe, .. } => {
                t.reply = text;
                store.save_followup_reply(probe.followup_id, &t.reply)?;
            }
            Phase::Finished { .. } => return Err(InterviewError::WrongPhase("this question is finished")),
        }
        if self.kind == Kind::Mock {
            self.checkpoint()?;
        }
        Ok(())
    }

    /// Name one rubric idea the draft does not state yet (heaviest first), and mark the
    /// attempt as hinted. `None` when the draft already covers every idea.
    pub fn hint(&mut self, grader: &mut dyn Grader) -> IResult<Option<Hint>> {
        let (Some(q), Some(rubric)) = (self.question(), self.rubric()) else {
            return Err(InterviewError::WrongPhase("no question is open"));
        };
        if !self.is_answering() {
            return Err(InterviewError::WrongPhase("hints are for the first answer, not the follow-up"));
        }
        let draft = self.text().to_string();
        let hinted = self.turn.as_ref().map(|t| t.hints.clone()).unwrap_or_default();
        // (criterion id, how much of it is still missing, weighted)
        let mut gaps: Vec<(String, String, f64)> = if crate::scoring::text::words(&draft).len() < MIN_WORDS {
            rubric.criteria.iter().map(|c| (c.id.clone(), c.idea.clone(), c.weight)).collect()
        } else {
            let card = grader.score(q, rubric, &draft)?;
            card.criteria
                .iter()
                .filter(|c| c.status != Status::Covered)
                .map(|c| (c.id.clone(), c.idea.clone(), c.weight * (1.0 - c.coverage)))
                .collect()
        };
        gaps.sort_by(|a, b| b.2.total_cmp(&a.2));
        let Some((id, idea, _)) = gaps.into_iter().find(|g| !hinted.contains(&g.0)) else {
            return Ok(None);
        };
        let store = self.store;
        let t = self.turn_mut()?;
        store.mark_hint(t.attempt)?;
        t.hints.push(id.clone());
        Ok(Some(Hint { criterion_id: id, idea }))
    }

    /// Save the draft as the submitted answer, before anything can go wrong in scoring
    /// (the front end calls this before it waits for the model).
    pub fn commit(&mut self) -> IResult<()> {
        let store = self.store;
        let elapsed = self.question_elapsed().as_secs_f64();
        let t = self.turn_mut()?;
        if t.committed {
            return Ok(());
        }
        match &t.phase {
            Phase::Answering => {
                if t.draft.trim().is_empty() {
                    return Err(InterviewError::EmptyAnswer);
                }
                store.save_answer(t.attempt, &t.draft, (elapsed * 10.0).round() / 10.0)?;
            }
            Phase::Probing { probe, .. } => {
                if t.reply.trim().is_empty() {
                    return Err(InterviewError::EmptyAnswer);
                }
                store.save_followup_reply(probe.followup_id, &t.reply)?;
            }
            Phase::Finished { .. } => return Err(InterviewError::WrongPhase("this question is finished")),
        }
        t.committed = true;
        self.checkpoint()?;
        Ok(())
    }

    /// Submit the draft: save it, then score it, then open the probe of the heaviest
    /// missed idea (none once a mock's time is up, or when nothing was missed).
    pub fn submit_answer(&mut self, grader: &mut dyn Grader) -> IResult<Submitted> {
        let (Some(q), Some(rubric)) = (self.question(), self.rubric()) else {
            return Err(InterviewError::WrongPhase("no question is open"));
        };
        if !self.is_answering() {
            return Err(InterviewError::WrongPhase("this question is already answered"));
        }
        self.commit()?;
        let draft = self.text().to_string();
        let attempt = self.attempt_id().unwrap_or_default();
        let mut card = grader.score(q, rubric, &draft)?;
        let hinted = self.turn.as_ref().is_some_and(|t| !t.hints.is_empty());
        card.hint_used = hinted;
        card.delivery = self.turn.as_ref().and_then(|t| t.delivery.clone());
        self.store.save_score(attempt, &card)?;
        let probe = match card.weakest() {
            Some(c) if !self.time_up() && !c.followup.trim().is_empty() => {
                let followup_id = self.store.add_followup(attempt, &c.id, &c.followup)?;
                Some(Probe {
                    criterion_id: c.id.clone(),
                    idea: c.idea.clone(),
                    question: c.followup.clone(),
                    followup_id,
                })
            }
            _ => None,
        };
        let t = self.turn_mut()?;
        t.committed = false;
        t.phase = match &probe {
            Some(p) => Phase::Probing { card: Box::new(card.clone()), probe: p.clone() },
            None => Phase::Finished { card: Some(Box::new(card.clone())) },
        };
        Ok(Submitted { card, probe })
    }

    /// Submit the reply to the probe: save it, score it against the probed idea, and
    /// credit the idea "after a prompt" if the reply states it better than the answer did.
    pub fn submit_reply(&mut self, grader: &mut dyn Grader) -> IResult<ProbeResult> {
        let rubric = self.rubric().ok_or(InterviewError::WrongPhase("no question is open"))?;
        if self.probe().is_none() {
            return Err(InterviewError::WrongPhase("there is no follow-up to reply to"));
        }
        self.commit()?;
        let store = self.store;
        let t = self.turn_mut()?;
        let Phase::Probing { card, probe } = &t.phase else {
            return Err(InterviewError::WrongPhase("there is no follow-up to reply to"));
        };
        let (mut card, probe) = (card.clone(), probe.clone());
        let reply = t.reply.clone();
        let attempt = t.attempt;
        let criterion = rubric
            .criteria
            .iter()
            .find(|c| c.id == probe.criterion_id)
            .ok_or_else(|| anyhow::anyhow!("the rubric has no criterion '{}' any more", probe.criterion_id))?;
        let (coverage, evidence) = grader.criterion_coverage(criterion, &reply)?;
        store.save_followup_coverage(probe.followup_id, (coverage * 1000.0).round() / 1000.0)?;
        let score_before = card.score;
        let was = card.criteria.iter().find(|c| c.id == probe.criterion_id).map(|c| c.coverage).unwrap_or(0.0);
        card.credit_followup(&probe.criterion_id, coverage, evidence);
        let credited = card
            .criteria
            .iter()
            .find(|c| c.id == probe.criterion_id)
            .is_some_and(|c| c.after_prompt && c.coverage > was);
        store.save_score(attempt, &card)?;
        let out = ProbeResult { idea: probe.idea.clone(), coverage, credited, score_before, card: (*card).clone() };
        self.turn_mut()?.phase = Phase::Finished { card: Some(card) };
        if self.kind == Kind::Mock {
            self.checkpoint()?;
        }
        Ok(out)
    }

    /// Pass on the probe; the answer keeps its score.
    pub fn skip_probe(&mut self) -> IResult<()> {
        let t = self.turn_mut()?;
        let Phase::Probing { card, .. } = &t.phase else {
            return Err(InterviewError::WrongPhase("there is no follow-up to skip"));
        };
        t.phase = Phase::Finished { card: Some(card.clone()) };
        Ok(())
    }

    /// Pass on the question in hand (its draft is kept).
    pub fn skip(&mut self) -> IResult<()> {
        let store = self.store;
        let t = self.turn_mut()?;
        if !matches!(t.phase, Phase::Answering) {
            return Err(InterviewError::WrongPhase("the question is already answered"));
        }
        store.skip_attempt(t.attempt)?;
        t.phase = Phase::Finished { card: None };
        if self.kind == Kind::Mock {
            self.checkpoint()?;
        }
        Ok(())
    }

    /// The model answer of the question in hand (practice only). Revealed before an
    /// answer is submitted, it ends the question unscored: the draft is kept, skipped.
    pub fn reveal(&mut self) -> IResult<String> {
        if self.kind == Kind::Mock {
            return Err(InterviewError::NoRevealInMock);
        }
        let q = self.question().ok_or(InterviewError::WrongPhase("no question is open"))?;
        let answer = q.answer.clone().ok_or_else(|| InterviewError::NoModelAnswer(q.id.clone()))?;
        if self.is_answering() {
            self.skip()?;
        } else if self.probe().is_some() {
            self.skip_probe()?;
        }
        Ok(answer)
    }

    /// End the session as finished, with the path of its report if one was written.
    pub fn finish(&mut self, report_path: Option<&str>) -> Result<()> {
        self.checkpoint()?;
        self.store.finish_session(self.id, "finished", report_path)
    }

    /// End this run without finishing: drafts are kept and a mock can be resumed.
    pub fn interrupt(&mut self) -> Result<()> {
        self.checkpoint()?;
        self.store.finish_session(self.id, "interrupted", None)
    }

    /// Everything the session has recorded, summarised (scores, areas, band).
    pub fn summary(&self) -> Result<Summary> {
        let row = self
            .store
            .session(self.id)?
            .ok_or_else(|| anyhow::anyhow!("session #{} is missing from the store", self.id))?;
        let attempts = self.store.attempts(self.id)?;
        Ok(Summary::build(self.bank, &row, &attempts))
    }
}

#[cfg(test)]
mod tests;
