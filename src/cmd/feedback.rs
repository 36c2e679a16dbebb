//! `grill feedback ID --answer-file F [--dry-run] [--json]`: score an answer, then stream
//! written feedback on it from the configured LLM endpoint. The score is printed first and
//! stands whatever the endpoint does.

use super::print_json;
use super::score::{read_answer, save_answer_copy};
use crate::cli::FeedbackArgs;
use crate::config::Config;
use crate::engine::Engine;
use crate::llm::{build_request, ChatRequest, FeedbackRequest, FeedbackSource, HttpFeedback, LlmError};
use crate::report;
use crate::ui::{self, Painter};
use anyhow::{anyhow, bail, Result};
use serde_json::json;
use std::io::Write;

pub fn run(cfg: &Config, args: &FeedbackArgs) -> Result<()> {
    let settings = &cfg.llm;
    let root = settings.api_root()?;
    let bank = cfg.load_bank()?;
    let q = bank.resolve(&args.id).map_err(|e| anyhow!(e))?;
    if bank.rubric(&q.id).is_none() && q.answer.is_none() {
        bail!("{} has neither a rubric nor a model answer yet, so answers to it cannot be scored (`grill list --json` shows which have one)", q.id);
    }
    let (answer, from_stdin) = read_answer(args.answer_file.as_deref())?;
    if from_stdin {
        save_answer_copy(cfg, &q.id, &answer)?;
    }
    let mut engine = Engine::load(cfg)?;
    let card = engine.score(q, bank.rubric(&q.id), &answer)?;
    let req = FeedbackRequest { question: q, scorecard: &card, answer: &answer };

    if args.dry_run {
        let model = settings.model.clone().unwrap_or_else(|| "<the first model GET /models lists>".into());
        let mut headers = json!({"Content-Type": "application/json"});
        if settings.api_key.is_some() {
            headers["Authorization"] = json!("Bearer ***");
        }
        // A struct, so the body prints in the order it is sent.
        #[derive(serde::Serialize)]
        struct DryRun {
            method: &'static str,
            url: String,
            headers: serde_json::Value,
            body: ChatRequest,
        }
        let body = build_request(&model, req, settings.structured);
        return print_json(&DryRun { method: "POST", url: format!("{root}/chat/completions"), headers, body });
    }

    let source = HttpFeedback::new(settings.clone());
    if args.json {
        return match source.feedback(req, &mut |_| {}) {
            Ok(f) => print_json(&json!({"scorecard": card, "feedback": f})),
            Err(e) => {
                print_json(&json!({"scorecard": card, "feedback": null, "error": e.to_string()}))?;
                Err(failed(e))
            }
        };
    }

    let p = Painter { color: cfg.color };
    println!("{} {}\n", p.bold(&q.id), p.bold(&q.title));
    print!("{}", report::scorecard::render(&card, p, ui::width()));
    println!("\n{}", p.bold("Feedback (written by an LLM; it explains the score above and does not change it)"));
    let mut out = std::io::stdout().lock();
    let mut write_error = None;
    let result = source.feedback(req, &mut |t| {
        if write_error.is_none() {
            if let Err(e) = out.write_all(t.as_bytes()).and_then(|()| out.flush()) {
                write_error = Some(e);
            }
        }
    });
    if let Some(e) = write_error {
        return Err(e.into());
    }
    match result {
        Ok(f) => {
            if settings.structured && !f.structured {
                writeln!(out, "\n{}", p.dim("(plain text: the reply did not follow the JSON schema)"))?;
            }
            writeln!(out)?;
            Ok(())
        }
        Err(e) => {
            writeln!(out)?;
            Err(failed(e))
        }
    }
}

fn failed(e: LlmError) -> anyhow::Error {
    anyhow!("{e}")
}
