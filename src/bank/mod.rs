//! The question bank: questions, rubrics and the taxonomy they draw on.
//!
//! A bank is plain TOML files (see `docs/bank-format.md`). [`Bank::embedded`] loads the
//! bank shipped inside the binary; [`Bank::from_dir`] loads a user's own. Loading
//! validates everything and reports every problem with its file and line.

mod filter;
mod lint;
mod load;

pub use filter::{suggest, Filter};
pub use lint::{contains_word, lint, tools_named};
pub use load::{Diagnostic, LoadError};

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A skill area; every question has exactly one.
#[derive(Debug, Clone, Serialize)]
pub struct Topic {
    pub id: String,
    pub name: String,
}

/// A tool a question can be tagged with, and the spellings that name it in a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
}

/// The fixed vocabulary of topics and tools.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Taxonomy {
    pub topics: Vec<Topic>,
    pub tools: Vec<Tool>,
}

impl Taxonomy {
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }
    pub fn tool(&self, id: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.id == id)
    }
}

/// Seniority a question is pitched at, judged by scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Junior,
    Mid,
    Senior,
    Staff,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Junior, Level::Mid, Level::Senior, Level::Staff];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Junior => "junior",
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One scenario question with its metadata and (once written) its model answer.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub tools: Vec<String>,
    pub level: Level,
    pub tags: Vec<String>,
    pub scenario: String,
    /// `None` until the model answer has been written.
    pub answer: Option<String>,
}

/// A set of aliases for one idea, e.g. `PSI | population stability index`.
#[derive(Debug, Clone, Serialize)]
pub struct TermGroup {
    pub aliases: Vec<String>,
}

impl TermGroup {
    pub fn parse(s: &str) -> TermGroup {
        let aliases = s.split('|').map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
        TermGroup { aliases }
    }

    /// The first alias, used when naming the group to a person.
    pub fn label(&self) -> &str {
        self.aliases.first().map(String::as_str).unwrap_or("")
    }
}

/// One idea a strong answer contains.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub id: String,
    pub idea: String,
    pub weight: f64,
    pub statement: String,
    pub terms: Vec<TermGroup>,
    pub followup: String,
    pub study: String,
}

/// Tempting wrong or harmful advice that costs points.
#[derive(Debug, Clone, Serialize)]
pub struct RedFlag {
    pub statement: String,
    pub terms: Vec<TermGroup>,
    pub penalty: f64,
}

/// How a question's answers are scored.
#[derive(Debug, Clone, Serialize)]
pub struct Rubric {
    pub question: String,
    pub version: u32,
    pub criteria: Vec<Criterion>,
    pub red_flags: Vec<RedFlag>,
}

impl Rubric {
    pub fn total_weight(&self) -> f64 {
        self.criteria.iter().map(|c| c.weight).sum()
    }
}

/// A loaded, validated bank.
#[derive(Debug, Clone)]
pub struct Bank {
    pub taxonomy: Taxonomy,
    /// In id order.
    pub questions: Vec<Question>,
    pub rubrics: BTreeMap<String, Rubric>,
    /// Where it came from: "embedded" or a directory.
    pub origin: String,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_bank.rs"));
}

/// The built-in taxonomy, used by banks that ship none of their own.
pub const DEFAULT_TAXONOMY: &str = include_str!("../../questions/taxonomy.toml");

impl Bank {
    /// The bank compiled into this binary.
    pub fn embedded() -> Result<Bank, LoadError> {
        let files = embedded::FILES.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect();
        load::load(files, "embedded".to_string())
    }

    /// A bank on disk: `DIR/questions/*.toml`, `DIR/rubrics/*.toml`, optional `DIR/taxonomy.toml`.
    pub fn from_dir(dir: &std::path::Path) -> Result<Bank, LoadError> {
        load::load_dir(dir)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id.eq_ignore_ascii_case(id))
    }

    pub fn rubric(&self, id: &str) -> Option<&Rubric> {
        self.rubrics.get(&id.to_ascii_lowercase())
    }

    /// Look a question up by id, accepting `q7`, `7` and `Q007`; unknown ids get suggestions.
    pub fn resolve(&self, id: &str) -> Result<&Question, String> {
        let norm = normalize_id(id);
        if let Some(q) = self.question(&norm) {
            return Ok(q);
        }
        let ids: Vec<&str> = self.questions.iter().map(|q| q.id.as_str()).collect();
        let mut msg = format!("no question with id '{id}'");
        let close = suggest(id, &ids);
        if !close.is_empty() {
            msg.push_str(&format!("; did you mean {}?", close.join(", ")));
        } else if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
            msg.push_str(&format!(" (ids run from {first} to {last}; `grill list` shows them)"));
        }
        Err(msg)
    }

    /// Counts of questions with a model answer and with a rubric.
    pub fn completeness(&self) -> (usize, usize) {
        let answers = self.questions.iter().filter(|q| q.answer.is_some()).count();
        let rubrics = self.questions.iter().filter(|q| self.rubrics.contains_key(&q.id)).count();
        (answers, rubrics)
    }
}

/// `7`, `q7`, `Q007` -> `q007`; anything else is returned lower-cased.
pub fn normalize_id(id: &str) -> String {
    let s = id.trim().to_ascii_lowercase();
    let digits = s.strip_prefix('q').unwrap_or(&s);
    match digits.parse::<u32>() {
        Ok(n) if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) => format!("q{n:03}"),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_normalise() {
        assert_eq!(normalize_id("7"), "q007");
        assert_eq!(normalize_id("Q12"), "q012");
        assert_eq!(normalize_id("q200"), "q200");
        assert_eq!(normalize_id("x1"), "x1");
    }

    #[test]
    fn term_groups_split_on_bars() {
        let g = TermGroup::parse("PSI | population stability index |");
        assert_eq!(g.aliases, vec!["PSI", "population stability index"]);
        assert_eq!(g.label(), "PSI");
    }

    #[test]
    fn levels_parse_case_insensitively() {
        assert_eq!(Level::parse("Senior"), Some(Level::Senior));
        assert_eq!(Level::parse("principal"), None);
    }
}
