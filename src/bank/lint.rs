//! Quality checks beyond validity: the bar a shipped question and rubric must meet.
//! `grill bank validate` prints these as warnings; the test suite fails on any of them
//! for the shipped bank.

use super::{Bank, Question};

/// Every alias of every tool that `text` names, as tool ids.
pub fn tools_named(bank: &Bank, text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    bank.taxonomy
        .tools
        .iter()
        .filter(|t| t.aliases.iter().any(|a| contains_word(&lower, a)))
        .map(|t| t.id.clone())
        .collect()
}

/// `needle` occurs in `hay` with no letter or digit directly on either side.
pub fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut start = 0;
    while let Some(pos) = hay[start..].find(needle) {
        let at = start + pos;
        let end = at + needle.len();
        let before = hay[..at].chars().next_back();
        let after = hay[end..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if edge(before) && edge(after) {
            return true;
        }
        start = at + needle.len().max(1);
        while !hay.is_char_boundary(start) {
            start += 1;
        }
    }
    false
}

fn lint_question(bank: &Bank, q: &Question, out: &mut Vec<String>) {
    let file = format!("questions/{}.toml", q.id);
    for t in tools_named(bank, &q.scenario) {
        if !q.tools.contains(&t) {
            out.push(format!("{file}: the scenario names {t} but `tools` does not list it"));
        }
    }
    if !(2..=6).contains(&q.tags.len()) {
        out.push(format!("{file}: {} tags (use 2 to 6)", q.tags.len()));
    }
    if let Some(a) = &q.answer {
        let words = a.split_whitespace().count();
        if !(300..=600).contains(&words) {
            out.push(format!("{file}: the model answer has {words} words (aim for 300 to 600)"));
        }
    }
    if let Some(r) = bank.rubric(&q.id) {
        let rfile = format!("rubrics/{}.toml", q.id);
        for c in &r.criteria {
            if !c.followup.trim_end().ends_with('?') {
                out.push(format!("{rfile}: criterion '{}' has a follow-up that is not a question", c.id));
            }
            if c.statement.split_whitespace().count() < 6 {
                out.push(format!(
                    "{rfile}: criterion '{}' has a very short statement (state the idea in a full sentence)",
                    c.id
                ));
            }
        }
    }
}

/// Warnings for the whole bank, one line each, naming the file.
pub fn lint(bank: &Bank) -> Vec<String> {
    let mut out = Vec::new();
    for q in &bank.questions {
        lint_question(bank, q, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::contains_word;

    #[test]
    fn words_need_boundaries() {
        assert!(contains_word("we use s3 for it", "s3"));
        assert!(!contains_word("uses3 files", "s3"));
        assert!(contains_word("github actions, then", "github actions"));
        assert!(!contains_word("digit", "git"));
        assert!(contains_word("(git)", "git"));
    }
}
