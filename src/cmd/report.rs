//! `grill report [--session S | --since DATE] [--format md|html|json] [-o FILE]` (the gap
//! plan) and `grill export anki|csv [-o FILE]`.

use crate::bank::Bank;
use crate::cli::{ExportArgs, ExportKind, ReportArgs, ReportFormat};
use crate::config::Config;
use crate::plan::{self, PlanFilter, Rating};
use crate::report::gap;
use crate::store::{AttemptLogRow, Store};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// `YYYY-MM-DD`, with a message that says what was expected.
pub fn parse_date(s: &str) -> Result<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt)
        .with_context(|| format!("'{s}' is not a date: give it as YYYY-MM-DD, e.g. --since 2025-03-01"))
}

/// The store, if there is one: reading reports must not create a database.
fn open_store(cfg: &Config) -> Result<Option<Store>> {
    if !cfg.db_path().is_file() {
        return Ok(None);
    }
    Store::open(&cfg.db_path()).map(Some)
}

/// Write `text` to `path`, or to standard output.
fn emit(path: Option<&Path>, text: &str, what: &str) -> Result<()> {
    match path {
        Some(p) if p != Path::new("-") => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {} for the {what}", dir.display()))?;
            }
            std::fs::write(p, text).with_context(|| format!("cannot write the {what} to {}", p.display()))?;
            eprintln!("wrote the {what} to {}", p.display());
            Ok(())
        }
        _ => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}

pub fn report(cfg: &Config, args: &ReportArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let filter = PlanFilter { session: args.session, since: args.since.as_deref().map(parse_date).transpose()? };
    let store = open_store(cfg)?;
    if let Some(s) = args.session {
        let known = match &store {
            Some(st) => st.session(s)?.is_some(),
            None => false,
        };
        if !known {
            bail!("there is no session {s} (`grill history` lists them)");
        }
    }
    let data = match &store {
        Some(st) => plan::load(st, &bank, &filter)?,
        None => plan::build(&bank, &[], &filter, plan::clock_now()),
    };
    let text = match args.format {
        ReportFormat::Md => gap::render_markdown(&data),
        ReportFormat::Html => gap::render_html(&data),
        ReportFormat::Json => gap::render_json(&data),
    };
    emit(args.output.as_deref(), &text, "gap plan")
}

pub fn export(cfg: &Config, args: &ExportArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    match args.kind {
        ExportKind::Anki => emit(args.output.as_deref(), &anki_deck(&bank), "Anki deck"),
        ExportKind::Csv => {
            let log = match open_store(cfg)? {
                Some(st) => st.attempt_log()?,
                None => Vec::new(),
            };
            emit(args.output.as_deref(), &attempts_csv(&bank, &log), "attempts CSV")
        }
    }
}

/// Escape for an Anki field: HTML-escaped, Markdown's `code` and **bold** kept as HTML,
/// line breaks as `<br>`, and no tab (the field separator).
fn anki_field(text: &str) -> String {
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|l| {
            let l = l.replace('\t', " ");
            let escaped = gap::esc(l.trim_end());
            let bullet = escaped.strip_prefix("- ").map(|rest| format!("• {rest}"));
            gap::inline_md(&bullet.unwrap_or(escaped))
        })
        .collect();
    lines.join("<br>")
}

fn tag(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join("_")
}

/// The bank as an Anki text import: one Basic note per question with a stable guid
/// (re-importing updates the notes), front the scenario, back the model answer and the
/// rubric's ideas, tagged by topic, tools and level.
pub fn anki_deck(bank: &Bank) -> String {
    let mut o = String::from(
        "#separator:tab\n#html:true\n#notetype:Basic\n#deck:grill MLOps interview\n#guid column:1\n#tags column:4\n",
    );
    for q in &bank.questions {
        let front = format!("<b>{}</b><br><br>{}", gap::esc(&q.title), anki_field(&q.scenario));
        let mut back = match &q.answer {
            Some(a) => anki_field(a),
            None => "<i>No model answer yet.</i>".to_string(),
        };
        if let Some(r) = bank.rubric(&q.id) {
            back.push_str("<hr><b>A strong answer covers:</b><ul>");
            for c in &r.criteria {
                let _ = write!(back, "<li><b>{}</b>: {}</li>", gap::esc(&c.idea), anki_field(&c.statement));
            }
            back.push_str("</ul>");
        }
        let mut tags = vec![format!("grill::topic::{}", tag(&q.topic)), format!("grill::level::{}", q.level)];
        tags.extend(q.tools.iter().map(|t| format!("grill::tool::{}", tag(t))));
        let _ = writeln!(o, "grill-{}\t{front}\t{back}\t{}", q.id, tags.join(" "));
    }
    o
}

/// One CSV field, quoted when it must be (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Every attempt as CSV, oldest first, with the question's topic and the review rating
/// its score earned.
pub fn attempts_csv(bank: &Bank, log: &[AttemptLogRow]) -> String {
    let mut o = String::from("attempt_id,session_id,session_kind,question_id,topic,asked_at,answered_at,status,score,band,rating,elapsed_secs,hint_used,answer\n");
    for a in log {
        let topic = bank.question(&a.question_id).map_or("", |q| q.topic.as_str());
        let rating = a.score.map(|s| Rating::for_attempt(s, a.hint_used).label()).unwrap_or("");
        let fields = [
            a.id.to_string(),
            a.session_id.to_string(),
            a.session_kind.clone(),
            a.question_id.clone(),
            topic.to_string(),
            a.asked_at.clone(),
            a.answered_at.clone().unwrap_or_default(),
            a.status.clone(),
            a.score.map(|s| format!("{s}")).unwrap_or_default(),
            a.band.clone().unwrap_or_default(),
            rating.to_string(),
            a.elapsed_secs.map(|s| format!("{s}")).unwrap_or_default(),
            a.hint_used.to_string(),
            a.answer.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        let _ = writeln!(o, "{}", line.join(","));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_or_say_what_is_expected() {
        assert_eq!(parse_date("2025-03-01").unwrap(), time::macros::date!(2025 - 03 - 01));
        let err = parse_date("March 1").unwrap_err().to_string();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }

    #[test]
    fn anki_fields_are_escaped_with_no_tabs_or_newlines() {
        assert_eq!(
            anki_field("Use `a<b`\tand **bold**\n- one\n\nend"),
            "Use <code>a&lt;b</code> and <b>bold</b><br>• one<br><br>end"
        );
        let deck = anki_deck(&Bank::embedded().unwrap());
        let notes: Vec<&str> = deck.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(notes.len(), Bank::embedded().unwrap().questions.len());
        for n in &notes {
            assert_eq!(n.split('\t').count(), 4, "{n}");
        }
        let first = notes[0];
        assert!(first.starts_with("grill-q001\t<b>Latency spike after sixfold model growth</b><br><br>Your e-commerce"));
        assert!(first.contains("<li><b>rollback plan</b>: Within the 30-minute window"));
        assert!(first.ends_with("grill::topic::model-serving grill::level::senior grill::tool::kubernetes grill::tool::prometheus grill::tool::onnx"));
    }

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, \"b\"\nc"), "\"a, \"\"b\"\"\nc\"");
    }
}
