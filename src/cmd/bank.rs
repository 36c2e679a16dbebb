//! `grill bank stats` and `grill bank validate`.

use super::print_json;
use crate::bank::{Bank, Level, LoadError};
use crate::cli::{BankCommand, JsonArgs};
use crate::config::Config;
use crate::ui::Painter;
use anyhow::{bail, Result};
use serde_json::json;
use std::collections::BTreeMap;

pub fn run(cfg: &Config, cmd: &BankCommand) -> Result<()> {
    match cmd {
        BankCommand::Stats(args) => stats(cfg, args),
        BankCommand::Validate { dir } => validate(cfg, dir.as_deref()),
    }
}

fn stats(cfg: &Config, args: &JsonArgs) -> Result<()> {
    let bank = cfg.load_bank()?;
    let (answers, rubrics) = bank.completeness();
    let by_topic: BTreeMap<&str, usize> = bank
        .taxonomy
        .topics
        .iter()
        .map(|t| (t.id.as_str(), bank.questions.iter().filter(|q| q.topic == t.id).count()))
        .collect();
    let by_level: BTreeMap<&str, usize> =
        Level::ALL.iter().map(|l| (l.as_str(), bank.questions.iter().filter(|q| q.level == *l).count())).collect();
    let mut by_tool: Vec<(&str, usize)> = bank
        .taxonomy
        .tools
        .iter()
        .map(|t| (t.id.as_str(), bank.questions.iter().filter(|q| q.tools.contains(&t.id)).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    by_tool.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let titled = bank.questions.iter().filter(|q| !q.title.is_empty()).count();
    if args.json {
        return print_json(&json!({
            "origin": bank.origin, "questions": bank.questions.len(), "with_title": titled,
            "with_answer": answers, "with_rubric": rubrics,
            "by_topic": by_topic, "by_level": by_level, "by_tool": by_tool.iter().cloned().collect::<BTreeMap<_, _>>(),
        }));
    }
    let p = Painter { color: cfg.color };
    println!("{} ({})", p.bold(&format!("{} questions", bank.questions.len())), bank.origin);
    println!("  with a title, topic, tools and level: {}", titled);
    println!("  with a model answer: {answers}");
    println!("  with a rubric: {rubrics}");
    println!("\n{}", p.bold("By topic"));
    for (t, n) in &by_topic {
        println!("  {t:<20} {n:>4}");
    }
    println!("\n{}", p.bold("By level"));
    for (l, n) in &by_level {
        println!("  {l:<20} {n:>4}");
    }
    println!("\n{}", p.bold("By tool"));
    for (t, n) in &by_tool {
        println!("  {t:<20} {n:>4}");
    }
    Ok(())
}

fn validate(cfg: &Config, dir: Option<&std::path::Path>) -> Result<()> {
    let p = Painter { color: cfg.color };
    let (result, what) = match dir.or(cfg.bank_dir.as_deref()) {
        Some(d) => (Bank::from_dir(d), d.display().to_string()),
        None => (Bank::embedded(), "the built-in bank".to_string()),
    };
    match result {
        Ok(bank) => {
            let (answers, rubrics) = bank.completeness();
            let warnings = crate::bank::lint(&bank);
            for w in &warnings {
                println!("{} {w}", p.yellow("warning:"));
            }
            println!(
                "{} {what}: {} questions, {answers} with a model answer, {rubrics} with a rubric{}",
                p.green("ok"),
                bank.questions.len(),
                if warnings.is_empty() { String::new() } else { format!(", {} warning(s)", warnings.len()) }
            );
            Ok(())
        }
        Err(LoadError::Invalid(diags)) => {
            for d in &diags {
                eprintln!("{} {d}", p.red("error:"));
            }
            bail!("{what} has {} problem(s); fix them and run `grill bank validate` again", diags.len())
        }
        Err(e) => Err(e.into()),
    }
}
