//! `grill history` (past sessions) and `grill replay SESSION|last` (one of them, as it
//! happened, as text, Markdown or JSON).

use super::print_json;
use crate::cli::{JsonArgs, ReplayArgs, ReplayFormat};
use crate::config::Config;
use crate::interview::Summary;
use crate::report;
use crate::store::{SessionRow, Store};
use crate::ui::{self, Painter};
use anyhow::{bail, Result};

fn open_store(cfg: &Config) -> Result<Option<Store>> {
    // reading history must not create a database where there is none
    if !cfg.db_path().is_file() {
        return Ok(None);
    }
    Store::open(&cfg.db_path()).map(Some)
}

pub fn history(cfg: &Config, args: &JsonArgs) -> Result<()> {
    let sessions = match open_store(cfg)? {
        Some(store) => store.sessions()?,
        None => Vec::new(),
    };
    if args.json {
        return print_json(&sessions);
    }
    if sessions.is_empty() {
        eprintln!("No sessions yet: `grill` starts a practice session, `grill mock` a mock interview.");
        return Ok(());
    }
    let p = Painter { color: cfg.color };
    println!(
        "{}",
        p.bold(&format!(
            "{:>4}  {:<8}  {:<20}  {:<13}  {:>9}  {:>5}  {}",
            "ID", "KIND", "STARTED", "STATUS", "QUESTIONS", "MEAN", "REPORT"
        ))
    );
    for s in &sessions {
        let mean = s.mean_score.map_or("-".to_string(), |m| format!("{m:.0}"));
        let started = report::session::when(&s.started_at);
        let status =
            if s.kind == "mock" && s.status != "finished" { format!("{} *", s.status) } else { s.status.clone() };
        println!(
            "{:>4}  {:<8}  {:<20}  {:<13}  {:>9}  {:>5}  {}",
            s.id,
            s.kind,
            started,
            status,
            s.questions,
            mean,
            p.dim(s.report_path.as_deref().unwrap_or(""))
        );
    }
    if sessions.iter().any(|s| s.kind == "mock" && s.status != "finished") {
        eprintln!("* unfinished: `grill mock --resume` carries on with the last one");
    }
    eprintln!("`grill replay ID` shows a session as it happened");
    Ok(())
}

/// `last`, `#12` or `12` to a session row.
fn find_session(store: &Store, which: &str) -> Result<SessionRow> {
    let w = which.trim();
    if w.eq_ignore_ascii_case("last") {
        return match store.sessions()?.into_iter().next() {
            Some(s) => Ok(s),
            None => bail!("no sessions yet: `grill` starts a practice session, `grill mock` a mock interview"),
        };
    }
    let Ok(id) = w.trim_start_matches('#').parse::<i64>() else {
        bail!("'{which}' is not a session: give its number (see `grill history`) or `last`");
    };
    match store.session(id)? {
        Some(s) => Ok(s),
        None => bail!("there is no session #{id} (`grill history` lists them)"),
    }
}

pub fn replay(cfg: &Config, args: &ReplayArgs) -> Result<()> {
    let Some(store) = open_store(cfg)? else {
        bail!("no sessions yet: `grill` starts a practice session, `grill mock` a mock interview");
    };
    let session = find_session(&store, &args.session)?;
    let attempts = store.attempts(session.id)?;
    let format = if args.json { ReplayFormat::Json } else { args.format };
    if let ReplayFormat::Json = format {
        return print_json(&serde_json::json!({ "session": session, "attempts": attempts }));
    }
    let bank = cfg.load_bank()?;
    let summary = Summary::build(&bank, &session, &attempts);
    match format {
        ReplayFormat::Md => print!("{}", report::session::markdown(&summary, &bank)),
        _ => print!("{}", report::session::replay_text(&summary, &bank, Painter { color: cfg.color }, ui::width())),
    }
    Ok(())
}
