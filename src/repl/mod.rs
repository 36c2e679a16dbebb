//! The terminal front end of practice and mock sessions. It reads lines (rustyline on a
//! terminal, plain lines from a pipe), prints questions, scorecards and probes, and
//! drives a [`crate::interview::Session`], which does the rest: what to ask next, saving
//! the draft line by line, scoring, probing, timing.
//!
//! An answer is any number of lines; a line with only `.` (or Ctrl-D) submits it. Lines
//! such as `:hint` are commands (see [`command`]). The scoring model loads on a
//! background thread while the user reads the first question.

mod command;
mod edit;
mod input;
mod loader;

use crate::bank::Bank;
use crate::cli::{MockArgs, PracticeArgs};
use crate::cmd::resolve_filter;
use crate::config::Config;
use crate::interview::{
    pick, InterviewError, Kind, Next, Plan, PlanFilter, Probe, ProbeResult, Session, Submitted, SystemClock,
};
use crate::plan;
use crate::report;
use crate::store::Store;
use crate::ui::{self, Painter};
use anyhow::{bail, Context, Result};
use command::Cmd;
use input::{Input, Reader};
use loader::{spinner, Loader};

/// Why a session stopped before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Quit,
    CtrlC,
    Closed,
}

/// What the user did with a question.
enum Step {
    Scored(Box<Submitted>),
    Passed,
    Stop(Stop),
}

/// What the user did with a follow-up.
enum ProbeStep {
    Replied(Box<ProbeResult>),
    Skipped,
    Stop(Stop),
}

/// What the text loop hands back to the question or probe logic.
enum Event {
    Submit,
    Command(Cmd),
    Stop(Stop),
}

struct Repl<'c> {
    cfg: &'c Config,
    p: Painter,
    width: usize,
    input: Reader,
    engine: Loader,
    told_time_up: bool,
    /// The answer last submitted, for written feedback.
    last_answer: String,
    /// Record each answer from the microphone as the question opens (`--aloud`).
    aloud: bool,
    /// Read each question aloud (`--speak`).
    speak: bool,
    /// Speech recognition, loaded on first use.
    transcriber: Option<crate::speech::Transcriber>,
    /// What was said for the question in hand, recording by recording.
    spoken: Vec<crate::speech::Transcript>,
}

/// A seed for picking questions: `GRILL_SEED` pins it (tests, demos), else the clock.
fn seed() -> u64 {
    std::env::var("GRILL_SEED").ok().and_then(|s| s.trim().parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(7, |d| d.as_nanos() as u64)
    })
}

fn clock(d: std::time::Duration) -> String {
    report::session::clock(d.as_secs_f64())
}

/// Longest practice queue picked at the start (a session rarely goes further; picking
/// compares every candidate with every question already picked).
const PRACTICE_QUEUE: usize = 30;

pub fn practice(cfg: &Config, args: &PracticeArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let filter = resolve_filter(&bank, &args.filter)?;
    let store = Store::open(&cfg.db_path())?;
    let start = match &args.id {
        Some(id) => Some(bank.resolve(id).map_err(|e| anyhow::anyhow!(e))?),
        None => None,
    };
    // due reviews first, then new questions from the weakest topics, then early reviews
    let history = plan::load(&store, &bank, &plan::PlanFilter::default())?;
    let candidates = pick::scorable(&bank, &filter);
    let opts = if args.due {
        plan::PickOptions::due_only(PRACTICE_QUEUE)
    } else {
        plan::PickOptions::practice(PRACTICE_QUEUE)
    };
    let asked = plan::SessionState { asked: start.iter().map(|q| q.id.clone()).collect(), recent: Vec::new() };
    let mut queue: Vec<String> = plan::pick(&bank, &history, &candidates, &asked, &opts, plan::lexical_similarity)
        .into_iter()
        .map(|p| p.question)
        .collect();
    if let Some(q) = start {
        queue.insert(0, q.id.clone());
    }
    if queue.is_empty() {
        if args.due {
            println!(
                "Nothing is due for review{}. `grill` practises new questions.",
                if filter.is_empty() { "" } else { " among these filters" }
            );
            return Ok(());
        }
        return Err(pick::no_match(&filter).into());
    }
    let plan = Plan {
        questions: queue,
        filter: PlanFilter { id: args.id.clone(), due: args.due, ..PlanFilter::from_filter(&filter) },
        ..Plan::default()
    };
    let mut repl = Repl::new(cfg);
    repl.aloud = args.aloud;
    repl.speak = args.speak;
    let mut session = Session::start_practice(&bank, &store, plan, Box::new(SystemClock::new()))?;
    let filtered = !filter.is_empty() || args.due;
    let result = repl.run_practice(&mut session, filtered);
    repl.input.save_history();
    if result.is_err() {
        let _ = session.interrupt();
    }
    result
}

pub fn mock(cfg: &Config, args: &MockArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let store = Store::open(&cfg.db_path())?;
    let p = Painter { color: cfg.color };
    let mut session = if args.resume {
        let f = &args.filter;
        if f.topic.is_some()
            || f.tool.is_some()
            || f.level.is_some()
            || f.search.is_some()
            || args.questions != 4
            || args.minutes != 40
        {
            eprintln!("note: --resume carries on with the interrupted interview's own questions and clock; the other options are ignored");
        }
        match Session::resume_mock(&bank, &store, Box::new(SystemClock::new()))? {
            Some(s) => s,
            None => bail!("there is no interrupted mock interview to resume; `grill mock` starts a new one"),
        }
    } else {
        if args.questions == 0 || args.questions > 50 {
            bail!("--questions must be between 1 and 50 (default 4)");
        }
        if args.minutes == 0 || args.minutes > 600 {
            bail!("--minutes must be between 1 and 600 (default 40)");
        }
        let filter = resolve_filter(&bank, &args.filter)?;
        let seed = seed();
        let questions = pick::mock_questions(&bank, &filter, args.questions, seed)?;
        if questions.len() < args.questions {
            eprintln!("note: only {} question(s) with a rubric match these filters", questions.len());
        }
        let plan = Plan {
            questions,
            time_limit_secs: Some(args.minutes * 60),
            filter: PlanFilter::from_filter(&filter),
            used_secs: 0.0,
            seed,
        };
        Session::start_mock(&bank, &store, plan, Box::new(SystemClock::new()))?
    };
    let mut repl = Repl::new(cfg);
    repl.aloud = args.aloud;
    repl.speak = args.speak;
    let total = session.plan().questions.len();
    let left = clock(session.remaining().unwrap_or_default());
    if args.resume {
        println!(
            "{}",
            p.bold(&format!(
                "Resuming mock interview #{}: question {} of {total}, {left} left.",
                session.id(),
                session.resume_position().map_or(total, |p| p + 1)
            ))
        );
    } else {
        println!("{}", p.bold(&format!("Mock interview #{}: {total} question(s) in {left}.", session.id())));
        println!("A follow-up comes after each answer; scores and model answers come at the end.");
    }
    println!(
        "{}",
        p.dim(
            "Answer in as many lines as you like; a line with only `.` (or Ctrl-D) submits. :help lists the commands."
        )
    );
    let result = repl.run_mock(&mut session, &bank);
    repl.input.save_history();
    if result.is_err() {
        let _ = session.interrupt();
    }
    result
}

impl<'c> Repl<'c> {
    fn new(cfg: &'c Config) -> Repl<'c> {
        Repl {
            cfg,
            p: Painter { color: cfg.color },
            width: ui::width(),
            input: Reader::new(Some(cfg.data_dir.join("history.txt"))),
            engine: Loader::start(cfg),
            told_time_up: false,
            last_answer: String::new(),
            aloud: false,
            speak: false,
            transcriber: None,
            spoken: Vec::new(),
        }
    }

    fn record_with(
        &self,
        transcriber: &mut crate::speech::Transcriber,
        path: &std::path::Path,
    ) -> Result<crate::speech::Transcript> {
        transcriber.check()?;
        self.say("Speak your answer; press Enter when you are done.");
        let mut stdin = std::io::BufReader::new(std::io::stdin());
        crate::speech::record::record_until_enter(path, &mut stdin)?;
        let pb = spinner("transcribing…");
        let result =
            transcriber.transcribe_file(path).with_context(|| format!("the recording is kept at {}", path.display()));
        pb.finish_and_clear();
        result
    }

    /// `:aloud`: record until Enter, transcribe, and add the transcript to the draft. The
    /// recording is kept under the data directory; any failure leaves the typed path open.
    fn record_aloud(&mut self, s: &mut Session) {
        let dir = self.cfg.data_dir.join("recordings");
        if let Err(e) = std::fs::create_dir_all(&dir) {
            self.warn(&format!("cannot create {} for the recording: {e}; type your answer instead", dir.display()));
            return;
        }
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        let path = dir.join(format!("{}-{stamp}.wav", s.question().map(|q| q.id.as_str()).unwrap_or("answer")));
        let mut transcriber =
            self.transcriber.take().unwrap_or_else(|| crate::speech::Transcriber::new(self.cfg.speech.clone()));
        let result = self.record_with(&mut transcriber, &path);
        self.transcriber = Some(transcriber);
        let transcript = match result {
            Ok(t) => t,
            Err(e) => {
                self.warn(&format!("{e:#}"));
                return;
            }
        };
        if transcript.text.trim().is_empty() {
            self.warn("No speech was recognised in the recording; check the microphone, or type your answer.");
            return;
        }
        println!("{}", ui::wrap(&format!("“{}”", transcript.text), self.width, 2));
        if let Err(e) = s.append_line(&transcript.text) {
            self.warn(&format!("cannot keep the transcript in your draft: {e}"));
            return;
        }
        // One delivery for all the recordings of this answer, laid end to end.
        let mut joined = crate::speech::Transcript {
            text: String::new(),
            words: Vec::new(),
            duration_secs: 0.0,
            engine: transcript.engine.clone(),
        };
        self.spoken.push(transcript);
        for t in &self.spoken {
            let offset = joined.duration_secs;
            joined.words.extend(t.words.iter().map(|w| crate::speech::TimedWord {
                text: w.text.clone(),
                start: w.start + offset,
                end: w.end + offset,
            }));
            joined.text = format!("{} {}", joined.text, t.text).trim().to_string();
            joined.duration_secs += t.duration_secs;
        }
        let delivery = crate::speech::delivery::measure(&joined);
        self.say(&format!("{} {}", self.p.bold("delivery:"), delivery.summary()));
        if let Err(e) = s.set_delivery(delivery) {
            self.warn(&e.to_string());
        }
        self.say("The transcript is in your draft: `.` submits, :edit fixes misheard words, :aloud records more.");
    }

    fn say(&self, text: &str) {
        println!("{}", ui::wrap(text, self.width, 0));
    }

    fn warn(&self, text: &str) {
        println!("{}", self.p.yellow(&ui::wrap(text, self.width, 0)));
    }

    fn prompt(&mut self, s: &Session, probing: bool) -> String {
        let mut parts = Vec::new();
        let elapsed = clock(s.question_elapsed());
        parts.push(if probing { format!("follow-up {elapsed}") } else { elapsed });
        if let Some(left) = s.remaining() {
            if left.is_zero() {
                parts.push("time is up".to_string());
                if !self.told_time_up {
                    self.told_time_up = true;
                    self.warn("Time is up: finish your sentence and submit with `.`.");
                }
            } else {
                parts.push(format!("{} left", clock(left)));
            }
        }
        format!("[{}] > ", parts.join(" | "))
    }

    fn help(&self, kind: Kind, probing: bool) {
        self.say("Type your answer over as many lines as you like. A line with only `.` submits it (Ctrl-D too, on a terminal). Commands:");
        for (name, cmd, what) in command::COMMANDS {
            if kind == Kind::Mock && *cmd == Cmd::Reveal {
                continue;
            }
            if probing && matches!(cmd, Cmd::Hint | Cmd::Reveal) {
                continue;
            }
            println!("  :{name:<8} {what}");
        }
    }

    fn show_question(&self, s: &Session, q: &crate::bank::Question, position: usize, total: usize, resumed: bool) {
        let p = self.p;
        let head = match s.kind() {
            Kind::Mock => format!("━━ Question {} of {total} · {} · {}", position + 1, q.id, q.title),
            Kind::Practice => format!("━━ {} · {}", q.id, q.title),
        };
        println!("\n{}", p.bold(&head));
        let mut meta = vec![q.topic.clone(), q.level.as_str().to_string()];
        if !q.tools.is_empty() {
            meta.push(q.tools.join(", "));
        }
        println!("{}", p.dim(&meta.join(" · ")));
        println!("{}\n", ui::wrap(&q.scenario, self.width, 2));
        if self.speak {
            if let Err(e) = crate::speech::record::speak(&q.scenario) {
                self.warn(&format!("{e:#}"));
            }
        }
        if resumed {
            let words = s.text().split_whitespace().count();
            self.say(&format!(
                "Your draft from last time ({words} words) is kept: carry on typing, :draft shows it, `.` submits."
            ));
        }
    }

    /// Read lines into the session's text until a submission, a command the caller
    /// handles, or a stop. Help, `:edit`, `:draft`, `:time` and mistakes are dealt with here.
    fn read_text(&mut self, s: &mut Session, probing: bool) -> Result<Event> {
        let mut empty_eofs = 0;
        loop {
            let prompt = self.prompt(s, probing);
            let line = match self.input.read(&prompt) {
                Input::Line(line) => line,
                Input::Eof if self.input.is_tty() => {
                    if !s.text().trim().is_empty() {
                        return Ok(Event::Submit);
                    }
                    if probing {
                        return Ok(Event::Command(Cmd::Skip));
                    }
                    empty_eofs += 1;
                    if empty_eofs >= 2 {
                        return Ok(Event::Stop(Stop::Quit));
                    }
                    self.warn("The answer is empty, so Ctrl-D has nothing to submit. Type your answer (Ctrl-D again or :quit leaves).");
                    continue;
                }
                Input::Eof => return Ok(Event::Stop(Stop::Closed)),
                Input::Interrupted => return Ok(Event::Stop(Stop::CtrlC)),
                Input::Invalid(msg) => {
                    eprintln!("{}", self.p.yellow(&msg));
                    continue;
                }
                Input::Failed(msg) => {
                    eprintln!("{msg}");
                    return Ok(Event::Stop(Stop::Closed));
                }
            };
            empty_eofs = 0;
            if line.trim() == "." {
                return Ok(Event::Submit);
            }
            match command::parse(&line) {
                None => {
                    s.append_line(&line)?;
                    self.input.remember(&line);
                }
                Some(Err(msg)) => self.warn(&msg),
                Some(Ok(cmd)) => {
                    self.input.remember(&line);
                    match cmd {
                        Cmd::Help => self.help(s.kind(), probing),
                        Cmd::Edit => self.edit(s),
                        Cmd::Draft => {
                            let t = s.text().trim_end();
                            if t.trim().is_empty() {
                                self.say("(nothing typed yet)");
                            } else {
                                println!("{}", ui::wrap(&report_snippet(t), self.width, 2));
                            }
                        }
                        Cmd::Aloud => self.record_aloud(s),
                        Cmd::Time => {
                            let mut t = format!("{} on this question", clock(s.question_elapsed()));
                            if let Some(left) = s.remaining() {
                                t.push_str(&format!(", {} left in the interview", clock(left)));
                            }
                            self.say(&t);
                        }
                        other => return Ok(Event::Command(other)),
                    }
                }
            }
        }
    }

    fn edit(&mut self, s: &mut Session) {
        match edit::edit(s.text(), &self.cfg.data_dir.join("drafts")) {
            Ok(text) => {
                let words = text.split_whitespace().count();
                match s.set_text(text) {
                    Ok(()) => {
                        self.say(&format!("Draft updated ({words} words). Type more, `.` submits, :draft shows it."))
                    }
                    Err(e) => self.warn(&format!("cannot keep the edited draft: {e}")),
                }
            }
            Err(e) => self.warn(&format!("{e:#}")),
        }
    }

    /// Score with a spinner, waiting for the model first if it is still loading.
    fn with_engine<T>(&mut self, what: &str, f: impl FnOnce(&mut crate::engine::Engine) -> T) -> Result<T> {
        let engine = self.engine.get()?;
        let pb = spinner(what);
        let out = f(engine);
        pb.finish_and_clear();
        Ok(out)
    }

    /// The first answer to the question in hand.
    fn answer(&mut self, s: &mut Session) -> Result<Step> {
        self.spoken.clear();
        if self.aloud && s.text().trim().is_empty() {
            self.record_aloud(s);
        }
        loop {
            match self.read_text(s, false)? {
                Event::Stop(stop) => return Ok(Step::Stop(stop)),
                Event::Submit => {
                    if s.text().trim().is_empty() {
                        self.warn(&InterviewError::EmptyAnswer.to_string());
                        continue;
                    }
                    // saved before the wait for the model, so nothing is lost if it fails
                    s.commit()?;
                    self.last_answer = s.text().to_string();
                    match self
                        .with_engine("scoring your answer…", |e| s.submit_answer(e))
                        .context("your answer is saved, but it could not be scored")?
                    {
                        Ok(sub) => return Ok(Step::Scored(Box::new(sub))),
                        Err(InterviewError::EmptyAnswer) => self.warn(&InterviewError::EmptyAnswer.to_string()),
                        Err(e) => {
                            return Err(
                                anyhow::Error::new(e).context("your answer is saved, but it could not be scored")
                            )
                        }
                    }
                }
                Event::Command(Cmd::Hint) => match self.with_engine("looking for a gap…", |e| s.hint(e))? {
                    Ok(Some(h)) => self.say(&format!(
                        "Hint: think about {}. (The scorecard will note that a hint was used.)",
                        self.p.bold(&h.idea)
                    )),
                    Ok(None) => self.say("No hint left: your draft already touches every idea the rubric lists."),
                    Err(e) => self.warn(&e.to_string()),
                },
                Event::Command(Cmd::Skip) => {
                    s.skip()?;
                    self.say("Skipped; your draft is kept.");
                    return Ok(Step::Passed);
                }
                Event::Command(Cmd::Reveal) => match s.reveal() {
                    Ok(answer) => {
                        println!("\n{}", self.p.bold("Model answer"));
                        println!("{}", ui::wrap(answer.trim(), self.width, 2));
                        self.say("\nThe question ends unscored now that the answer is revealed; your draft is kept.");
                        return Ok(Step::Passed);
                    }
                    Err(e) => self.warn(&e.to_string()),
                },
                Event::Command(Cmd::Quit) => return Ok(Step::Stop(Stop::Quit)),
                Event::Command(_) => {}
            }
        }
    }

    /// The reply to a follow-up probe.
    fn probe(&mut self, s: &mut Session, probe: &Probe) -> Result<ProbeStep> {
        println!("\n{} {}", self.p.cyan("Follow-up:"), ui::wrap(&probe.question, self.width, 0));
        println!("{}", self.p.dim("(reply in a few lines, `.` submits; :skip passes)"));
        loop {
            match self.read_text(s, true)? {
                Event::Stop(stop) => return Ok(ProbeStep::Stop(stop)),
                Event::Submit => {
                    if s.text().trim().is_empty() {
                        self.warn("The reply is empty: type it, then `.`; or :skip to pass on the follow-up.");
                        continue;
                    }
                    s.commit()?;
                    match self
                        .with_engine("scoring your reply…", |e| s.submit_reply(e))
                        .context("your reply is saved, but it could not be scored")?
                    {
                        Ok(res) => return Ok(ProbeStep::Replied(Box::new(res))),
                        Err(InterviewError::EmptyAnswer) => {
                            self.warn("The reply is empty: type it, then `.`; or :skip to pass on the follow-up.")
                        }
                        Err(e) => {
                            return Err(anyhow::Error::new(e).context("your reply is saved, but it could not be scored"))
                        }
                    }
                }
                Event::Command(Cmd::Skip) => {
                    s.skip_probe()?;
                    return Ok(ProbeStep::Skipped);
                }
                Event::Command(Cmd::Quit) => return Ok(ProbeStep::Stop(Stop::Quit)),
                Event::Command(Cmd::Hint) => {
                    self.warn("No hints on a follow-up: it already names the idea. Reply, or :skip.")
                }
                Event::Command(Cmd::Reveal) => {
                    if s.kind() == Kind::Mock {
                        self.warn(&InterviewError::NoRevealInMock.to_string());
                    } else {
                        self.warn("Reply to the follow-up (or :skip it) first; the model answer is offered next.");
                    }
                }
                Event::Command(_) => {}
            }
        }
    }

    /// A yes/no question; `None` when the user stopped (Ctrl-C, closed input, `:quit`).
    fn yes_no(&mut self, question: &str) -> Result<std::result::Result<bool, Stop>> {
        loop {
            match self.input.read(question) {
                Input::Line(l) => {
                    let l = l.trim().to_ascii_lowercase();
                    if let Some(Ok(Cmd::Quit)) = command::parse(&l) {
                        return Ok(Err(Stop::Quit));
                    }
                    return Ok(Ok(l == "y" || l == "yes"));
                }
                Input::Eof if self.input.is_tty() => return Ok(Ok(false)),
                Input::Eof | Input::Failed(_) => return Ok(Err(Stop::Closed)),
                Input::Interrupted => return Ok(Err(Stop::CtrlC)),
                Input::Invalid(msg) => eprintln!("{msg}"),
            }
        }
    }

    fn run_practice(&mut self, s: &mut Session, filtered: bool) -> Result<()> {
        let mut first = true;
        loop {
            let stop = match s.next_question()? {
                Next::Question { question, position, total, resumed_draft } => {
                    self.show_question(s, question, position, total, resumed_draft);
                    if first {
                        println!("{}", self.p.dim("Answer in as many lines as you like; a line with only `.` (or Ctrl-D) submits. :help lists the commands."));
                        first = false;
                    }
                    self.practice_question(s, question)?
                }
                Next::NoRubric(q) => {
                    self.warn(&format!("{} ({}) has no rubric yet, so it cannot be scored; moving on.", q.id, q.title));
                    None
                }
                Next::TimeUp | Next::Done => {
                    let tail = if filtered { " matching your filters" } else { "" };
                    self.say(&format!("\nThat was the last question{tail}."));
                    return self.end_practice(s, Stop::Quit);
                }
            };
            if let Some(stop) = stop {
                return self.end_practice(s, stop);
            }
        }
    }

    /// One practice question, from answer to model answer; `Some` when the user stopped.
    fn practice_question(&mut self, s: &mut Session, q: &crate::bank::Question) -> Result<Option<Stop>> {
        let sub = match self.answer(s)? {
            Step::Scored(sub) => sub,
            Step::Passed => return Ok(None),
            Step::Stop(stop) => return Ok(Some(stop)),
        };
        println!();
        print!("{}", report::scorecard::render(&sub.card, self.p, self.width));
        let answer = std::mem::take(&mut self.last_answer);
        self.stream_feedback(q, &sub.card, &answer);
        if let Some(probe) = &sub.probe {
            match self.probe(s, probe)? {
                ProbeStep::Replied(res) => self.show_probe_result(&res),
                ProbeStep::Skipped => self.say("Follow-up skipped."),
                ProbeStep::Stop(stop) => return Ok(Some(stop)),
            }
        }
        if q.answer.is_some() {
            match self.yes_no("Show the model answer? [y/N] ")? {
                Ok(true) => {
                    if let Ok(answer) = s.reveal() {
                        println!("\n{}", self.p.bold("Model answer"));
                        println!("{}", ui::wrap(answer.trim(), self.width, 2));
                    }
                }
                Ok(false) => {}
                Err(stop) => return Ok(Some(stop)),
            }
        }
        Ok(None)
    }

    /// Written feedback from the configured LLM, streamed under the scorecard. Optional:
    /// off unless configured, and a failure is one line; the session carries on.
    fn stream_feedback(&self, q: &crate::bank::Question, card: &crate::scoring::Scorecard, answer: &str) {
        if !self.cfg.llm.is_configured() {
            return;
        }
        println!("\n{}", self.p.bold("Feedback"));
        let result = crate::llm::feedback_stream(&self.cfg.llm, q, card, answer, |t| {
            use std::io::Write as _;
            print!("{t}");
            let _ = std::io::stdout().flush();
        });
        println!();
        if let Err(e) = result {
            self.warn(&format!("LLM feedback unavailable: {e}"));
        }
    }

    /// Markdown feedback for each scored question of a finished mock, for its report.
    fn mock_feedback_markdown(&self, sum: &crate::interview::Summary, bank: &Bank) -> String {
        if !self.cfg.llm.is_configured() {
            return String::new();
        }
        let mut out = String::from("\n## Written feedback\n");
        for qs in &sum.questions {
            let (Some(card), Some(answer), Some(q)) = (&qs.card, &qs.answer, bank.question(&qs.question_id)) else {
                continue;
            };
            self.say(&format!("Writing feedback on {}…", q.id));
            out.push_str(&format!("\n### {} {}\n\n", q.id, q.title));
            match crate::llm::feedback_stream(&self.cfg.llm, q, card, answer, |_| {}) {
                Ok(f) => out.push_str(&f.to_markdown()),
                Err(e) => out.push_str(&format!("_LLM feedback unavailable: {e}_\n")),
            }
        }
        out
    }

    fn show_probe_result(&self, res: &ProbeResult) {
        let p = self.p;
        if res.credited {
            println!(
                "{} {} ({:.0}% after a prompt). Score {:.0} → {}",
                p.green("✔ Credited:"),
                res.idea,
                res.coverage * 100.0,
                res.score_before,
                p.bold(&format!("{:.0}/100 · {}", res.card.score, res.card.band.label()))
            );
        } else {
            println!(
                "{} the reply does not state {} clearly enough ({:.0}%). Score stays {}",
                p.yellow("✘ Not credited:"),
                res.idea,
                res.coverage * 100.0,
                p.bold(&format!("{:.0}/100 · {}", res.card.score, res.card.band.label()))
            );
        }
    }

    fn end_practice(&mut self, s: &mut Session, stop: Stop) -> Result<()> {
        // a question left before anything was typed does not count as asked
        if s.is_answering() && s.text().trim().is_empty() {
            s.skip()?;
        }
        match stop {
            Stop::Quit => s.finish(None)?,
            Stop::CtrlC | Stop::Closed => {
                s.interrupt()?;
                self.say(if stop == Stop::CtrlC {
                    "\nInterrupted; everything you typed is saved."
                } else {
                    "\nInput closed; everything you typed is saved."
                });
            }
        }
        let sum = s.summary()?;
        let mean = if sum.answered > 0 { format!(", mean score {:.0}/100", sum.overall) } else { String::new() };
        self.say(&format!(
            "Practice session #{}: {} question(s) scored{mean}. `grill replay {}` shows it again; `grill history` lists your sessions.",
            s.id(),
            sum.answered,
            s.id()
        ));
        Ok(())
    }

    fn run_mock(&mut self, s: &mut Session, bank: &Bank) -> Result<()> {
        loop {
            match s.next_question()? {
                Next::Question { question, position, total, resumed_draft } => {
                    self.show_question(s, question, position, total, resumed_draft);
                    match self.answer(s)? {
                        Step::Scored(sub) => {
                            self.say("Answer saved.");
                            if let Some(probe) = &sub.probe {
                                match self.probe(s, probe)? {
                                    ProbeStep::Replied(_) => self.say("Noted."),
                                    ProbeStep::Skipped => {}
                                    ProbeStep::Stop(stop) => return self.pause_mock(s, stop),
                                }
                            }
                        }
                        Step::Passed => {}
                        Step::Stop(stop) => return self.pause_mock(s, stop),
                    }
                }
                Next::NoRubric(q) => {
                    self.warn(&format!("{} ({}) has no rubric yet, so it cannot be scored; moving on.", q.id, q.title))
                }
                Next::TimeUp => {
                    self.warn("\nTime is up: the interview ends here.");
                    break;
                }
                Next::Done => break,
            }
        }
        self.end_mock(s, bank)
    }

    fn pause_mock(&mut self, s: &mut Session, stop: Stop) -> Result<()> {
        s.interrupt()?;
        let why = match stop {
            Stop::Quit => "Interview paused.",
            Stop::CtrlC => "Interrupted.",
            Stop::Closed => "Input closed.",
        };
        let tail = match s.resume_position() {
            Some(p) => format!("`grill mock --resume` carries on from question {}.", p + 1),
            None => "`grill mock --resume` shows the scorecard.".to_string(),
        };
        self.say(&format!("\n{why} Everything you typed is saved; {tail}"));
        Ok(())
    }

    fn end_mock(&mut self, s: &mut Session, bank: &Bank) -> Result<()> {
        let dir = self.cfg.data_dir.join("reports");
        let path = dir.join(format!("session-{}.md", s.id()));
        s.finish(Some(&path.display().to_string()))?;
        let sum = s.summary()?;
        let mut md = report::session::markdown(&sum, bank);
        md.push_str(&self.mock_feedback_markdown(&sum, bank));
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&path, md))
            .with_context(|| format!("cannot write the report to {}", path.display()));
        print!("{}", report::session::summary_text(&sum, self.p, self.width));
        match written {
            Ok(()) => self.say(&format!("\nReport saved to {}", path.display())),
            Err(e) => self.warn(&format!("\n{e:#}")),
        }
        self.say(&format!("`grill replay {}` shows the interview again.", s.id()));
        if sum.questions.iter().any(|q| bank.question(&q.question_id).is_some_and(|x| x.answer.is_some())) {
            if let Ok(true) = self.yes_no("Show the model answers now? [y/N] ")? {
                for (i, q) in sum.questions.iter().enumerate() {
                    if let Some(answer) = bank.question(&q.question_id).and_then(|x| x.answer.as_deref()) {
                        println!("\n{}", self.p.bold(&format!("── {}. {} · {}", i + 1, q.question_id, q.title)));
                        println!("{}", ui::wrap(answer.trim(), self.width, 2));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A draft shown back: whole when short, its start and end when long.
fn report_snippet(text: &str) -> String {
    let n = text.chars().count();
    if n <= 2_000 {
        return text.to_string();
    }
    let head: String = text.chars().take(1_000).collect();
    let tail: String = text.chars().skip(n - 500).collect();
    format!("{head}\n[… {} characters …]\n{tail}", n - 1_500)
}
