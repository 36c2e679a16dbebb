//! `grill list`, `grill show`, `grill reveal`, `grill topics`, `grill tools`.

use super::{print_json, resolve_filter};
use crate::bank::{Bank, Question, Rubric};
use crate::cli::{IdArgs, JsonArgs, ListArgs, ShowArgs};
use crate::config::Config;
use crate::ui::{self, Painter};
use anyhow::{anyhow, Result};
use serde_json::json;

pub fn list(cfg: &Config, args: &ListArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let filter = resolve_filter(&bank, &args.filter)?;
    let found = filter.apply(&bank);
    if args.json {
        let rows: Vec<_> = found
            .iter()
            .map(|q| json!({"id": q.id, "title": q.title, "topic": q.topic, "tools": q.tools, "level": q.level, "tags": q.tags,
                "has_answer": q.answer.is_some(), "has_rubric": bank.rubric(&q.id).is_some()}))
            .collect();
        return print_json(&rows);
    }
    if found.is_empty() {
        eprintln!(
            "No question matches these filters. Try fewer filters, or `grill topics` / `grill tools` for the names."
        );
        return Ok(());
    }
    let p = Painter { color: cfg.color };
    let width = ui::width();
    // id(4) level(6) topic(19) title(rest, min 20) tools
    let fixed = 4 + 2 + 6 + 2 + 19 + 2;
    let rest = width.saturating_sub(fixed).max(30);
    let title_w = (rest * 3 / 5).max(20);
    let tools_w = rest.saturating_sub(title_w + 2).max(8);
    println!(
        "{}",
        p.bold(&format!("{:<4}  {:<6}  {:<19}  {:<title_w$}  {}", "ID", "LEVEL", "TOPIC", "TITLE", "TOOLS"))
    );
    for q in &found {
        let title = ui::truncate(&q.title, title_w);
        let tools = ui::truncate(&q.tools.join(","), tools_w);
        println!(
            "{:<4}  {:<6}  {:<19}  {:<title_w$}  {}",
            q.id,
            q.level.as_str(),
            ui::truncate(&q.topic, 19),
            title,
            p.dim(&tools)
        );
    }
    eprintln!("{} of {} questions", found.len(), bank.questions.len());
    Ok(())
}

fn question_json(bank: &Bank, q: &Question, reveal: bool) -> serde_json::Value {
    let mut v = json!({"id": q.id, "title": q.title, "topic": q.topic, "tools": q.tools, "level": q.level, "tags": q.tags, "scenario": q.scenario});
    if reveal {
        v["answer"] = json!(q.answer);
        v["rubric"] = json!(bank.rubric(&q.id));
    }
    v
}

fn print_header(bank: &Bank, q: &Question, p: Painter, width: usize) {
    let topic = bank.taxonomy.topic(&q.topic).map(|t| t.name.as_str()).unwrap_or(&q.topic);
    let tools: Vec<&str> =
        q.tools.iter().map(|t| bank.taxonomy.tool(t).map(|x| x.name.as_str()).unwrap_or(t)).collect();
    println!("{} {}", p.bold(&q.id), p.bold(&q.title));
    println!(
        "{}",
        p.dim(&format!(
            "{} · {} · {}",
            topic,
            q.level,
            if tools.is_empty() { "no specific tool".to_string() } else { tools.join(", ") }
        ))
    );
    if !q.tags.is_empty() {
        println!("{}", p.dim(&format!("tags: {}", q.tags.join(", "))));
    }
    println!();
    println!("{}", ui::wrap(&q.scenario, width, 0));
}

/// Print a question's model answer and rubric (or say plainly that they are not written yet).
pub fn print_reveal(bank: &Bank, q: &Question, p: Painter, width: usize) {
    println!();
    println!("{}", p.bold(&p.cyan("Model answer")));
    match &q.answer {
        Some(a) => println!("{}", ui::wrap(a, width, 2)),
        None => println!("  {}", p.yellow("No model answer has been written for this question yet.")),
    }
    println!();
    match bank.rubric(&q.id) {
        Some(r) => print_rubric(r, p, width),
        None => println!(
            "{}\n  {}",
            p.bold(&p.cyan("Rubric")),
            p.yellow("No rubric has been written for this question yet, so answers to it cannot be scored.")
        ),
    }
}

fn print_rubric(r: &Rubric, p: Painter, width: usize) {
    let total = r.total_weight();
    println!("{}", p.bold(&p.cyan(&format!("Rubric (version {})", r.version))));
    for c in &r.criteria {
        let pts = 100.0 * c.weight / total;
        println!("  {} {}", p.bold(&format!("[{pts:>4.1} pts]")), p.bold(&c.idea));
        println!("{}", ui::wrap(&c.statement, width, 4));
        let terms: Vec<&str> = c.terms.iter().map(|t| t.label()).collect();
        println!("{}", p.dim(&ui::wrap(&format!("key terms: {}", terms.join(", ")), width, 4)));
        println!("{}", p.dim(&ui::wrap(&format!("follow-up: {}", c.followup), width, 4)));
        println!("{}", p.dim(&ui::wrap(&format!("study: {}", c.study), width, 4)));
    }
    for f in &r.red_flags {
        println!("  {} {}", p.red(&format!("[-{:.0} pts]", f.penalty)), p.red("red flag"));
        println!("{}", ui::wrap(&f.statement, width, 4));
    }
}

pub fn show(cfg: &Config, args: &ShowArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let q = bank.resolve(&args.id).map_err(|e| anyhow!(e))?;
    if args.json {
        return print_json(&question_json(&bank, q, args.reveal));
    }
    let p = Painter { color: cfg.color };
    let width = ui::width();
    print_header(&bank, q, p, width);
    if args.reveal {
        print_reveal(&bank, q, p, width);
    } else {
        println!();
        println!(
            "{}",
            p.dim(&format!(
                "`grill reveal {}` shows the model answer and rubric; `grill practice --id {}` to answer it.",
                q.id, q.id
            ))
        );
    }
    Ok(())
}

pub fn reveal(cfg: &Config, args: &IdArgs) -> Result<()> {
    show(cfg, &ShowArgs { id: args.id.clone(), reveal: true, json: args.json })
}

pub fn topics(cfg: &Config, args: &JsonArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let rows: Vec<_> =
        bank.taxonomy.topics.iter().map(|t| (t, bank.questions.iter().filter(|q| q.topic == t.id).count())).collect();
    if args.json {
        return print_json(
            &rows.iter().map(|(t, n)| json!({"id": t.id, "name": t.name, "questions": n})).collect::<Vec<_>>(),
        );
    }
    let p = Painter { color: cfg.color };
    println!("{}", p.bold(&format!("{:<20} {:>9}  {}", "TOPIC", "QUESTIONS", "NAME")));
    for (t, n) in rows {
        println!("{:<20} {:>9}  {}", t.id, n, t.name);
    }
    Ok(())
}

pub fn tools(cfg: &Config, args: &JsonArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let mut rows: Vec<_> = bank
        .taxonomy
        .tools
        .iter()
        .map(|t| (t, bank.questions.iter().filter(|q| q.tools.contains(&t.id)).count()))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    if args.json {
        return print_json(
            &rows.iter().map(|(t, n)| json!({"id": t.id, "name": t.name, "questions": n})).collect::<Vec<_>>(),
        );
    }
    let p = Painter { color: cfg.color };
    println!("{}", p.bold(&format!("{:<20} {:>9}  {}", "TOOL", "QUESTIONS", "NAME")));
    for (t, n) in rows {
        println!("{:<20} {:>9}  {}", t.id, n, t.name);
    }
    Ok(())
}
