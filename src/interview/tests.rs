//! The interview flows driven with no terminal: a toy encoder (bag of hashed stems), a
//! fake clock and a store in a temporary directory.

use super::pick::{mock_questions, scorable};
use super::*;
use std::cell::Cell;
use std::rc::Rc;

use crate::embed::toy::ToyEncoder;

fn grader() -> EncoderGrader<ToyEncoder> {
    EncoderGrader { encoder: ToyEncoder, calibration: Calibration::default() }
}

/// A clock the test moves by hand.
#[derive(Clone, Default)]
struct FakeClock(Rc<Cell<Duration>>);

impl FakeClock {
    fn advance(&self, secs: u64) {
        self.0.set(self.0.get() + Duration::from_secs(secs));
    }
}

impl Clock for FakeClock {
    fn elapsed(&self) -> Duration {
        self.0.get()
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    bank: Bank,
    store: Store,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("grill.sqlite3")).unwrap();
    Fixture { dir, bank: Bank::embedded().unwrap(), store }
}

fn plan(ids: &[&str]) -> Plan {
    Plan { questions: ids.iter().map(|s| s.to_string()).collect(), ..Plan::default() }
}

fn mock_plan(ids: &[&str], minutes: u64) -> Plan {
    Plan { time_limit_secs: Some(minutes * 60), ..plan(ids) }
}

fn open_question<'b>(s: &mut Session<'b>) -> &'b Question {
    match s.next_question().unwrap() {
        Next::Question { question, .. } => question,
        other => panic!("expected a question, got {other:?}"),
    }
}

/// The first paragraph of a model answer: part of a strong answer, so some ideas are missed.
fn partial_answer(q: &Question) -> String {
    q.answer.as_deref().unwrap().trim().split("\n\n").next().unwrap().to_string()
}

/// A grader that checks the store already holds the text it is asked to score.
struct SavedFirst<'a> {
    inner: EncoderGrader<ToyEncoder>,
    db: &'a std::path::Path,
    checked: usize,
}

impl Grader for SavedFirst<'_> {
    fn score(&mut self, q: &Question, rubric: &Rubric, answer: &str) -> Result<Scorecard> {
        let other = Store::open(self.db)?;
        let sid = other.sessions()?[0].id;
        let a = other.attempts(sid)?.into_iter().last().unwrap();
        assert_eq!(a.answer.as_deref(), Some(answer), "the answer must be saved before it is scored");
        assert_eq!(a.status, "answered");
        self.checked += 1;
        self.inner.score(q, rubric, answer)
    }
    fn criterion_coverage(&mut self, c: &Criterion, reply: &str) -> Result<(f64, Option<String>)> {
        let other = Store::open(self.db)?;
        let sid = other.sessions()?[0].id;
        let a = other.attempts(sid)?.into_iter().last().unwrap();
        assert_eq!(
            a.followups.last().unwrap().reply.as_deref(),
            Some(reply),
            "the reply must be saved before it is scored"
        );
        self.checked += 1;
        self.inner.criterion_coverage(c, reply)
    }
}

#[test]
fn a_practice_round_saves_then_scores_then_probes_and_credits_after_a_prompt() {
    let f = fixture();
    let db = f.dir.path().join("grill.sqlite3");
    let clock = FakeClock::default();
    let mut s = Session::start_practice(&f.bank, &f.store, plan(&["q001", "q002"]), Box::new(clock.clone())).unwrap();
    let q = open_question(&mut s);
    assert_eq!(q.id, "q001");
    let answer = partial_answer(q);
    for line in answer.lines() {
        s.append_line(line).unwrap();
    }
    // the draft is in the store as it is typed
    let rows = f.store.attempts(s.id()).unwrap();
    assert_eq!(rows[0].draft, answer);
    assert_eq!(rows[0].status, "asked");
    clock.advance(95);
    let mut g = SavedFirst { inner: grader(), db: &db, checked: 0 };
    let sub = s.submit_answer(&mut g).unwrap();
    assert!(sub.card.score > 0.0);
    let probe = sub.probe.expect("a partial answer gets a follow-up");
    let weakest = sub.card.weakest().unwrap();
    assert_eq!(probe.criterion_id, weakest.id, "the probe is on the heaviest missed idea");
    assert_eq!(s.probe(), Some(&probe));
    let row = &f.store.attempts(s.id()).unwrap()[0];
    assert_eq!(row.status, "scored");
    assert_eq!(row.elapsed_secs, Some(95.0));
    assert_eq!(row.followups[0].criterion_id, probe.criterion_id);

    // reply with the criterion's own statement: it must be credited, marked after a prompt
    let rubric = f.bank.rubric("q001").unwrap();
    let statement = rubric.criteria.iter().find(|c| c.id == probe.criterion_id).unwrap().statement.clone();
    s.append_line(&statement).unwrap();
    let res = s.submit_reply(&mut g).unwrap();
    assert_eq!(g.checked, 2);
    assert!(res.credited, "coverage {}", res.coverage);
    assert!(res.card.score >= res.score_before);
    let c = res.card.criteria.iter().find(|c| c.id == probe.criterion_id).unwrap();
    assert!(c.after_prompt);
    let row = &f.store.attempts(s.id()).unwrap()[0];
    assert_eq!(row.followups[0].reply.as_deref(), Some(statement.as_str()));
    assert!(row.followups[0].coverage.is_some());
    assert_eq!(row.score, Some(res.card.score), "the credited card is saved");

    // on to the next question; then the session ends
    assert!(matches!(s.next_question().unwrap(), Next::Question { position: 1, .. }));
    s.skip().unwrap();
    assert!(matches!(s.next_question().unwrap(), Next::Done));
    s.finish(None).unwrap();
    let sum = s.summary().unwrap();
    assert_eq!(sum.answered, 1);
    assert_eq!(sum.overall, res.card.score, "practice averages what was scored");
    assert_eq!(f.store.session(s.id()).unwrap().unwrap().status, "finished");
}

#[test]
fn empty_answers_and_replies_are_refused_and_nothing_is_scored() {
    let f = fixture();
    let mut s = Session::start_practice(&f.bank, &f.store, plan(&["q003"]), Box::new(FakeClock::default())).unwrap();
    open_question(&mut s);
    s.append_line("   ").unwrap();
    assert!(matches!(s.submit_answer(&mut grader()), Err(InterviewError::EmptyAnswer)));
    assert!(s.is_answering());
    assert_eq!(f.store.attempts(s.id()).unwrap()[0].status, "asked");
    // a finished question cannot be answered twice, an open one cannot be left behind
    assert!(matches!(s.next_question(), Err(InterviewError::WrongPhase(_))));
    assert!(matches!(s.submit_reply(&mut grader()), Err(InterviewError::WrongPhase(_))));
}

#[test]
fn a_junk_answer_scores_low_and_a_huge_one_is_handled() {
    let f = fixture();
    let mut s =
        Session::start_practice(&f.bank, &f.store, plan(&["q004", "q005"]), Box::new(FakeClock::default())).unwrap();
    open_question(&mut s);
    s.append_line("asdf qwer zxcv uiop hjkl vbnm tyui ghjk fdsa rewq").unwrap();
    let sub = s.submit_answer(&mut grader()).unwrap();
    assert_eq!(sub.card.score, 0.0);
    s.skip_probe().unwrap();
    let q = open_question(&mut s);
    let big = format!("{} ", partial_answer(q)).repeat(1 + 1_000_000 / partial_answer(q).len());
    s.set_text(big.clone()).unwrap();
    let sub = s.submit_answer(&mut grader()).unwrap();
    assert!(sub.card.notes.iter().any(|n| n.contains("only its first")), "{:?}", sub.card.notes);
    assert_eq!(
        f.store.attempts(s.id()).unwrap()[1].answer.as_deref().map(str::len),
        Some(big.len()),
        "the whole answer is kept"
    );
}

#[test]
fn hints_name_the_heaviest_missing_idea_once_each_and_mark_the_card() {
    let f = fixture();
    let mut s = Session::start_practice(&f.bank, &f.store, plan(&["q001"]), Box::new(FakeClock::default())).unwrap();
    open_question(&mut s);
    let rubric = f.bank.rubric("q001").unwrap();
    let heaviest = rubric.criteria.iter().max_by(|a, b| a.weight.total_cmp(&b.weight)).unwrap();
    let h1 = s.hint(&mut grader()).unwrap().unwrap();
    assert_eq!(h1.criterion_id, heaviest.id, "an empty draft gets the heaviest idea");
    let h2 = s.hint(&mut grader()).unwrap().unwrap();
    assert_ne!(h1.criterion_id, h2.criterion_id, "the same idea is not hinted twice");
    assert!(f.store.attempts(s.id()).unwrap()[0].hint_used);
    s.append_line(&rubric.criteria.iter().map(|c| c.statement.as_str()).collect::<Vec<_>>().join(" ")).unwrap();
    let sub = s.submit_answer(&mut grader()).unwrap();
    assert!(sub.card.hint_used);
}

#[test]
fn no_reveals_in_a_mock_and_a_reveal_in_practice_ends_the_question_unscored() {
    let f = fixture();
    let mut m =
        Session::start_mock(&f.bank, &f.store, mock_plan(&["q001"], 10), Box::new(FakeClock::default())).unwrap();
    open_question(&mut m);
    assert!(matches!(m.reveal(), Err(InterviewError::NoRevealInMock)));
    assert!(m.is_answering());

    let mut p = Session::start_practice(&f.bank, &f.store, plan(&["q002"]), Box::new(FakeClock::default())).unwrap();
    open_question(&mut p);
    p.append_line("half a thought").unwrap();
    let answer = p.reveal().unwrap();
    assert!(answer.len() > 200);
    let row = &f.store.attempts(p.id()).unwrap()[0];
    assert_eq!(row.status, "skipped");
    assert_eq!(row.draft, "half a thought", "the draft is kept");
}

#[test]
fn the_mock_clock_runs_down_and_time_up_ends_the_interview() {
    let f = fixture();
    let clock = FakeClock::default();
    let mut s =
        Session::start_mock(&f.bank, &f.store, mock_plan(&["q001", "q002", "q003"], 10), Box::new(clock.clone()))
            .unwrap();
    assert_eq!(s.remaining(), Some(Duration::from_secs(600)));
    let q = open_question(&mut s);
    clock.advance(240);
    assert_eq!(s.remaining(), Some(Duration::from_secs(360)));
    assert_eq!(s.question_elapsed(), Duration::from_secs(240));
    s.append_line(&partial_answer(q)).unwrap();
    assert!(s.submit_answer(&mut grader()).unwrap().probe.is_some(), "a follow-up after each answer");
    s.skip_probe().unwrap();
    let q = open_question(&mut s);
    s.append_line(&partial_answer(q)).unwrap();
    clock.advance(400);
    assert!(s.time_up());
    assert_eq!(s.remaining(), Some(Duration::ZERO));
    let sub = s.submit_answer(&mut grader()).unwrap();
    assert!(sub.probe.is_none(), "no follow-up once time is up");
    assert!(matches!(s.next_question().unwrap(), Next::TimeUp));
    let sum = s.summary().unwrap();
    assert_eq!(sum.questions.len(), 3);
    assert_eq!(sum.questions[2].status, "not reached");
    assert_eq!(sum.answered, 2);
    let mean = (sum.questions[0].score + sum.questions[1].score) / 3.0;
    assert_eq!(sum.overall, mean.round(), "an unreached question counts as 0");
    assert_eq!(sum.band, crate::scoring::Band::from_score(sum.overall));
}

#[test]
fn an_interrupted_mock_resumes_at_the_first_unanswered_question_with_its_draft_and_clock() {
    let f = fixture();
    let clock = FakeClock::default();
    let ids = ["q010", "q020", "q030"];
    let sid = {
        let mut s = Session::start_mock(&f.bank, &f.store, mock_plan(&ids, 40), Box::new(clock.clone())).unwrap();
        let q = open_question(&mut s);
        s.append_line(&partial_answer(q)).unwrap();
        clock.advance(300);
        s.submit_answer(&mut grader()).unwrap();
        assert_eq!(s.resume_position(), Some(1), "answered, even with its probe open");
        s.append_line("a reply to the probe").unwrap();
        open_question(&mut s);
        s.append_line("first line of the second answer").unwrap();
        clock.advance(60);
        s.append_line("second line").unwrap();
        // a crash: the session is dropped without interrupt() or finish()
        s.id()
    };
    assert_eq!(
        f.store.attempts(sid).unwrap()[0].followups[0].reply.as_deref(),
        Some("a reply to the probe"),
        "the reply is kept as typed"
    );
    let clock2 = FakeClock::default();
    let mut r = Session::resume_mock(&f.bank, &f.store, Box::new(clock2.clone())).unwrap().expect("an unfinished mock");
    assert_eq!(r.id(), sid);
    assert_eq!(r.plan().questions, ids);
    assert_eq!(r.done_count(), 1);
    assert_eq!(r.resume_position(), Some(1));
    assert_eq!(r.remaining(), Some(Duration::from_secs(40 * 60 - 360)), "the clock carries on");
    match r.next_question().unwrap() {
        Next::Question { question, position, total, resumed_draft } => {
            assert_eq!((question.id.as_str(), position, total, resumed_draft), ("q020", 1, 3, true));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.text(), "first line of the second answer\nsecond line");
    r.append_line("third line").unwrap();
    r.submit_answer(&mut grader()).unwrap();
    assert_eq!(f.store.attempts(sid).unwrap().len(), 2, "the same attempt carries on");
    r.interrupt().unwrap();
    // resumed again: only the third question is left
    let mut r2 = Session::resume_mock(&f.bank, &f.store, Box::new(FakeClock::default())).unwrap().unwrap();
    assert!(matches!(r2.next_question().unwrap(), Next::Question { position: 2, resumed_draft: false, .. }));
    r2.skip().unwrap();
    assert!(matches!(r2.next_question().unwrap(), Next::Done));
    r2.finish(Some("/tmp/report.md")).unwrap();
    assert!(Session::resume_mock(&f.bank, &f.store, Box::new(FakeClock::default())).unwrap().is_none());
    let row = f.store.session(sid).unwrap().unwrap();
    assert_eq!(row.report_path.as_deref(), Some("/tmp/report.md"));
}

#[test]
fn questions_without_a_rubric_are_not_picked_and_are_passed_over_plainly() {
    let mut f = fixture();
    f.bank.rubrics.remove("q002");
    let filter = Filter::default();
    let pool = scorable(&f.bank, &filter);
    assert!(!pool.iter().any(|q| q.id == "q002"));
    assert_eq!(pool.len(), f.bank.questions.len() - 1);
    let mock = mock_questions(&f.bank, &filter, 50, 7).unwrap();
    assert!(!mock.contains(&"q002".to_string()));
    // asked for by id, it is said plainly
    let mut s =
        Session::start_practice(&f.bank, &f.store, plan(&["q002", "q001"]), Box::new(FakeClock::default())).unwrap();
    assert!(matches!(s.next_question().unwrap(), Next::NoRubric(q) if q.id == "q002"));
    assert_eq!(open_question(&mut s).id, "q001");
}

#[test]
fn picking_is_deterministic_filtered_and_spread_over_topics() {
    let f = fixture();
    let all = Filter::default();
    let a = mock_questions(&f.bank, &all, 4, 42).unwrap();
    assert_eq!(a, mock_questions(&f.bank, &all, 4, 42).unwrap());
    assert_eq!(a.len(), 4);
    let topics: std::collections::HashSet<&str> =
        a.iter().map(|id| f.bank.question(id).unwrap().topic.as_str()).collect();
    assert_eq!(topics.len(), 4, "four questions from four topics");
    let senior = Filter { level: Some(crate::bank::Level::Senior), ..Filter::default() };
    for id in mock_questions(&f.bank, &senior, 6, 1).unwrap() {
        assert_eq!(f.bank.question(&id).unwrap().level, crate::bank::Level::Senior);
    }
    let none = Filter { search: Some("zzzzqqq".into()), ..Filter::default() };
    assert!(matches!(mock_questions(&f.bank, &none, 4, 3), Err(InterviewError::NoQuestion(_))));
}

#[test]
fn the_summary_names_strongest_and_weakest_topics_and_ideas() {
    let f = fixture();
    let (strong, weak) = ("q001", "q002");
    assert_ne!(f.bank.question(strong).unwrap().topic, f.bank.question(weak).unwrap().topic);
    let mut s =
        Session::start_mock(&f.bank, &f.store, mock_plan(&[strong, weak], 20), Box::new(FakeClock::default())).unwrap();
    open_question(&mut s);
    let all: Vec<&str> = f.bank.rubric(strong).unwrap().criteria.iter().map(|c| c.statement.as_str()).collect();
    s.append_line(&all.join(" ")).unwrap();
    s.submit_answer(&mut grader()).unwrap();
    open_question(&mut s);
    s.append_line("I would look at the dashboards and ask the team what they think happened here.").unwrap();
    s.submit_answer(&mut grader()).unwrap();
    s.skip_probe().unwrap();
    assert!(matches!(s.next_question().unwrap(), Next::Done));
    let sum = s.summary().unwrap();
    assert_eq!(sum.strongest_topic().unwrap().id, f.bank.question(strong).unwrap().topic);
    assert_eq!(sum.weakest_topic().unwrap().id, f.bank.question(weak).unwrap().topic);
    assert!(!sum.strongest_ideas.is_empty() && sum.strongest_ideas.iter().all(|i| i.question_id == strong));
    assert_eq!(sum.weakest_ideas.len(), 3);
    assert!(sum.weakest_ideas.iter().all(|i| i.question_id == weak && !i.study.is_empty()));
    // the heaviest gaps come first
    let w: Vec<f64> = sum.weakest_ideas.iter().map(|i| i.weight * (1.0 - i.coverage)).collect();
    assert!(w.windows(2).all(|p| p[0] >= p[1]), "{w:?}");
    let md = crate::report::session::markdown(&sum, &f.bank);
    assert!(md.contains("## Strongest and weakest areas") && md.contains("Study:"));
}
