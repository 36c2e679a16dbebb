//! `grill score ID [--answer-file F | - | --audio F.wav] [--json]`.

use super::print_json;
use crate::bank::{Bank, Question};
use crate::cli::ScoreArgs;
use crate::config::Config;
use crate::engine::Engine;
use crate::report;
use crate::scoring::Scorecard;
use crate::speech::Transcript;
use crate::ui::{self, Painter};
use anyhow::{anyhow, bail, Context, Result};
use std::io::{IsTerminal, Read};
use std::path::Path;

/// Read an answer from a file or standard input, rejecting what is not text.
pub fn read_answer(path: Option<&Path>) -> Result<(String, bool)> {
    let (bytes, from_stdin) = match path {
        Some(p) if p != Path::new("-") => {
            (std::fs::read(p).with_context(|| format!("cannot read the answer file {}", p.display()))?, false)
        }
        _ => {
            if path.is_none() && std::io::stdin().is_terminal() {
                bail!("no answer given: pass --answer-file FILE, or pipe the answer in (`grill score q001 - < answer.txt`)");
            }
            let mut b = Vec::new();
            std::io::stdin().read_to_end(&mut b).context("cannot read the answer from standard input")?;
            (b, true)
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "the answer is not valid UTF-8 text (byte {}); save it as UTF-8 and try again",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok((text, from_stdin))
}

/// Keep a copy of an answer that exists nowhere else (typed or piped in) before scoring it.
pub fn save_answer_copy(cfg: &Config, qid: &str, text: &str) -> Result<std::path::PathBuf> {
    let dir = cfg.data_dir.join("answers");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {} to save your answer", dir.display()))?;
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let path = dir.join(format!("{qid}-{stamp}.txt"));
    std::fs::write(&path, text).with_context(|| format!("cannot save your answer to {}", path.display()))?;
    Ok(path)
}

pub fn run(cfg: &Config, args: &ScoreArgs) -> Result<()> {
    if args.audio.is_none() {
        // Loading the model is most of a cold start: do it while the bank is parsed and
        // the answer read (two cores). Errors in what the user gave are reported first.
        return std::thread::scope(|s| {
            let loading = s.spawn(|| Engine::load(cfg));
            let typed = typed_answer(cfg, args);
            let engine = loading.join().map_err(|_| anyhow!("loading the scoring model failed unexpectedly"))?;
            let (bank, qid, answer) = typed?;
            let q = bank.question(&qid).expect("resolved above");
            let mut engine = engine?;
            let card = engine.score(q, bank.rubric(&q.id), &answer)?;
            print_card(cfg, args, q, &card, None)
        });
    }
    let bank = cfg.load_bank()?;
    let q = scorable(&bank, &args.id)?;
    let audio = args.audio.as_deref().expect("checked above");
    let spoken = super::transcribe::transcribe(cfg, audio)?;
    // The transcript exists nowhere else: keep it before scoring.
    save_answer_copy(cfg, &q.id, &spoken.transcript.text)?;
    let mut engine = Engine::load(cfg)?;
    let mut card = engine.score(q, bank.rubric(&q.id), &spoken.answer)?;
    card.delivery = Some(spoken.delivery.clone());
    print_card(cfg, args, q, &card, Some(&spoken.transcript))
}

/// The bank question an id names, if answers to it can be scored.
fn scorable<'b>(bank: &'b Bank, id: &str) -> Result<&'b Question> {
    let q = bank.resolve(id).map_err(|e| anyhow!(e))?;
    if bank.rubric(&q.id).is_none() && q.answer.is_none() {
        bail!("{} has neither a rubric nor a model answer yet, so answers to it cannot be scored (`grill list --json` shows which have one)", q.id);
    }
    Ok(q)
}

/// The bank, the question's id and the typed answer, saved first when it exists nowhere
/// else (piped in).
fn typed_answer(cfg: &Config, args: &ScoreArgs) -> Result<(Bank, String, String)> {
    let bank = cfg.load_bank()?;
    let qid = scorable(&bank, &args.id)?.id.clone();
    let (answer, from_stdin) = read_answer(args.answer_file.as_deref().or(args.answer.as_deref()))?;
    if from_stdin {
        save_answer_copy(cfg, &qid, &answer)?;
    }
    Ok((bank, qid, answer))
}

fn print_card(
    cfg: &Config,
    args: &ScoreArgs,
    q: &Question,
    card: &Scorecard,
    transcript: Option<&Transcript>,
) -> Result<()> {
    if args.json {
        return match transcript {
            Some(t) => print_json(&serde_json::json!({ "transcript": t, "scorecard": card })),
            None => print_json(card),
        };
    }
    let p = Painter { color: cfg.color };
    println!("{} {}\n", p.bold(&q.id), p.bold(&q.title));
    if let Some(t) = transcript {
        println!("{}\n{}\n", p.dim("transcript:"), ui::wrap(&t.text, ui::width(), 2));
    }
    print!("{}", report::scorecard::render(card, p, ui::width()));
    Ok(())
}
