//! Reference-only mode: a question with a reference answer but no rubric gets a rubric
//! made from the reference, one criterion per sentence or clause.

use super::text;
use crate::bank::{Criterion, Rubric, TermGroup};

/// Build a rubric from a reference answer. Each sentence (long ones split at clause
/// boundaries) becomes a criterion weighted by its content words; those words are its terms.
pub fn rubric_from_reference(question_id: &str, reference: &str) -> Rubric {
    let mut parts = Vec::new();
    for seg in text::segments(reference) {
        let ws = text::words(&seg);
        if ws.len() > 18 {
            let mut cur = String::new();
            for piece in seg.split_inclusive([',', ';']) {
                cur.push_str(piece);
                if text::words(&cur).len() >= 6 {
                    parts.push(cur.trim().to_string());
                    cur.clear();
                }
            }
            if !cur.trim().is_empty() {
                match parts.last_mut() {
                    Some(last) if text::words(&cur).len() < 4 => last.push_str(&cur),
                    _ => parts.push(cur.trim().to_string()),
                }
            }
        } else {
            parts.push(seg);
        }
    }
    if parts.is_empty() && !reference.trim().is_empty() {
        parts.push(reference.trim().to_string());
    }
    let criteria = parts
        .into_iter()
        .enumerate()
        .map(|(i, statement)| {
            let mut content: Vec<String> = text::words(&statement).into_iter().filter(|w| w.len() > 2 && !text::is_function_word(w)).collect();
            content.dedup();
            let weight = content.len().max(1) as f64;
            let terms = content.iter().take(6).map(|w| TermGroup { aliases: vec![w.clone()] }).collect();
            Criterion {
                id: format!("ref-{}", i + 1),
                idea: text::words(&statement).into_iter().filter(|w| !text::is_function_word(w)).take(4).collect::<Vec<_>>().join(" "),
                weight,
                followup: format!("Can you say more about this: {statement}?"),
                study: statement.clone(),
                statement,
                terms,
            }
        })
        .collect();
    Rubric { question: question_id.to_string(), version: 0, criteria, red_flags: vec![] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_reference_into_weighted_criteria() {
        let r = rubric_from_reference("x", "The bulb lights because the circuit is closed. A battery provides the voltage, and the switch must be on, so current flows through the bulb and back to the battery terminal.");
        assert!(r.criteria.len() >= 3, "{:?}", r.criteria.iter().map(|c| &c.statement).collect::<Vec<_>>());
        assert!(r.criteria.iter().all(|c| c.weight >= 1.0 && !c.terms.is_empty()));
    }
}
