//! Choosing questions for a mock interview: a spread over topics, fixed by a seed.
//! (Practice picks adaptively with [`crate::plan::pick`]: due reviews, then weak topics.)
//! Only questions with a rubric are picked: the others cannot be scored.

use super::InterviewError;
use crate::bank::{Bank, Filter, Question};
use std::collections::HashMap;

/// A small deterministic generator (splitmix64): the same seed gives the same plan.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// The questions matching `filter` that have a rubric (the only ones that can be asked).
pub fn scorable<'b>(bank: &'b Bank, filter: &Filter) -> Vec<&'b Question> {
    filter.apply(bank).into_iter().filter(|q| bank.rubric(&q.id).is_some()).collect()
}

/// The error for filters that leave nothing to ask.
pub fn no_match(filter: &Filter) -> InterviewError {
    let what = if filter.is_empty() {
        "the bank has no question with a rubric yet"
    } else {
        "no question with a rubric matches these filters"
    };
    InterviewError::NoQuestion(format!("{what}; try fewer filters (`grill list` shows what there is)"))
}

/// A mock interview's questions: `n` with a rubric matching `filter`, spread over as
/// many topics as possible, in an order fixed by `seed`.
pub fn mock_questions(bank: &Bank, filter: &Filter, n: usize, seed: u64) -> Result<Vec<String>, InterviewError> {
    let mut pool = scorable(bank, filter);
    if pool.is_empty() {
        return Err(no_match(filter));
    }
    Rng::new(seed).shuffle(&mut pool);
    // round-robin over topics, in the order the shuffle met them
    let mut order: Vec<&str> = Vec::new();
    let mut by_topic: HashMap<&str, Vec<&Question>> = HashMap::new();
    for q in &pool {
        if !by_topic.contains_key(q.topic.as_str()) {
            order.push(&q.topic);
        }
        by_topic.entry(&q.topic).or_default().push(q);
    }
    let mut out = Vec::new();
    let mut round = 0;
    while out.len() < n.max(1) {
        let before = out.len();
        for t in &order {
            if let Some(q) = by_topic[t].get(round) {
                if out.len() < n.max(1) {
                    out.push(q.id.clone());
                }
            }
        }
        if out.len() == before {
            break;
        }
        round += 1;
    }
    Ok(out)
}
