//! One module per subcommand, each with a `run` taking the validated [`Config`].

pub mod bank;
pub mod browse;
pub mod calibrate;
pub mod doctor;
pub mod eval;
pub mod feedback;
pub mod history;
pub mod practice;
pub mod report;
pub mod score;
pub mod transcribe;

use crate::bank::{suggest, Bank, Filter, Level};
use crate::cli::FilterArgs;
use anyhow::{bail, Result};

/// Turn filter flags into a [`Filter`], rejecting unknown names with suggestions.
pub fn resolve_filter(bank: &Bank, args: &FilterArgs) -> Result<Filter> {
    let topic = match &args.topic {
        Some(t) => {
            let t = t.trim().to_lowercase();
            if bank.taxonomy.topic(&t).is_none() {
                let known: Vec<&str> = bank.taxonomy.topics.iter().map(|x| x.id.as_str()).collect();
                bail!("{}", unknown("topic", &t, &known, "grill topics"));
            }
            Some(t)
        }
        None => None,
    };
    let tool = match &args.tool {
        Some(t) => {
            let t = t.trim().to_lowercase();
            let found = bank
                .taxonomy
                .tools
                .iter()
                .find(|x| x.id == t || x.aliases.contains(&t) || x.name.eq_ignore_ascii_case(&t));
            match found {
                Some(x) => Some(x.id.clone()),
                None => {
                    let known: Vec<&str> = bank.taxonomy.tools.iter().map(|x| x.id.as_str()).collect();
                    bail!("{}", unknown("tool", &t, &known, "grill tools"));
                }
            }
        }
        None => None,
    };
    let level = match &args.level {
        Some(l) => match Level::parse(l) {
            Some(l) => Some(l),
            None => {
                let known: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
                bail!("{}", unknown("level", l, &known, "junior, mid, senior or staff"));
            }
        },
        None => None,
    };
    let search = args.search.clone().filter(|s| !s.trim().is_empty());
    Ok(Filter { topic, tool, level, search })
}

fn unknown(kind: &str, value: &str, known: &[&str], listing: &str) -> String {
    let close = suggest(value, known);
    if close.is_empty() {
        format!("unknown {kind} '{value}' (see `{listing}`)")
    } else {
        format!("unknown {kind} '{value}'; did you mean {}? (see `{listing}`)", close.join(", "))
    }
}

/// Print JSON to standard output.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
