//! Spaced repetition driven by the rubric score, not by self-rating.
//!
//! Each scored attempt is one review of its question: the score maps to a rating
//! (again / hard / good / easy, [`Rating::from_score`]) and an FSRS scheduler turns the
//! rating and the time since the last review into the question's next due date. This is
//! the FSRS model (stability, difficulty, a power-law forgetting curve; FSRS-5 formulas
//! with the reference scheduler's default weights, long-term mode, whole days), written
//! out here because the `fsrs` crate brings its optimiser's ML stack with it.
//!
//! The schedule is replayed from the attempt log ([`replay`]), so it is a pure function
//! of the answers given and their dates.

use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use time::{Date, Duration};

/// Scores below these thresholds rate a review again, hard and good; the rest is easy.
pub const AGAIN_BELOW: f64 = 40.0;
pub const HARD_BELOW: f64 = 60.0;
pub const GOOD_BELOW: f64 = 85.0;

/// How well a question was recalled, as FSRS grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// The rating a rubric score earns.
    pub fn from_score(score: f64) -> Rating {
        match score {
            s if s < AGAIN_BELOW => Rating::Again,
            s if s < HARD_BELOW => Rating::Hard,
            s if s < GOOD_BELOW => Rating::Good,
            _ => Rating::Easy,
        }
    }

    /// The rating of an attempt: an answer written after a hint was not recalled
    /// unaided, so it rates hard at best.
    pub fn for_attempt(score: f64, hint_used: bool) -> Rating {
        let r = Rating::from_score(score);
        if hint_used {
            r.min(Rating::Hard)
        } else {
            r
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }

    fn grade(self) -> f64 {
        self as i32 as f64
    }

    fn index(self) -> usize {
        self as usize - 1
    }
}

/// What FSRS knows about one question: how long it is remembered, and how hard it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Memory {
    /// Days until recall probability falls to 90 %.
    pub stability: f64,
    /// 1 (easy) to 10 (hard).
    pub difficulty: f64,
}

const DECAY: f64 = -0.5;
/// Chosen so that recall probability is 90 % after `stability` days.
const FACTOR: f64 = 19.0 / 81.0;

/// The scheduler's parameters.
#[derive(Debug, Clone)]
pub struct Fsrs {
    pub w: [f64; 19],
    /// Recall probability to aim for at the due date.
    pub retention: f64,
    pub max_interval_days: u32,
}

impl Default for Fsrs {
    fn default() -> Self {
        Fsrs {
            w: [
                0.4072, 1.1829, 3.1262, 15.4722, 7.2102, 0.5316, 1.0651, 0.0234, 1.616, 0.1544, 1.0824, 1.9813, 0.0953,
                0.2975, 2.2042, 0.2407, 2.9466, 0.5034, 0.6567,
            ],
            retention: 0.9,
            max_interval_days: 365,
        }
    }
}

impl Fsrs {
    /// Probability of recall `elapsed_days` after a review that left `stability`.
    pub fn retrievability(elapsed_days: f64, stability: f64) -> f64 {
        (1.0 + FACTOR * elapsed_days.max(0.0) / stability.max(0.01)).powf(DECAY)
    }

    fn init_difficulty(&self, r: Rating) -> f64 {
        self.w[4] - (self.w[5] * (r.grade() - 1.0)).exp() + 1.0
    }

    fn init_stability(&self, r: Rating) -> f64 {
        self.w[r.index()].max(0.1)
    }

    fn next_difficulty(&self, d: f64, r: Rating) -> f64 {
        let delta = -self.w[6] * (r.grade() - 3.0);
        // Linear damping: difficulty moves less the closer it is to 10.
        let damped = d + delta * (10.0 - d) / 9.0;
        (self.w[7] * self.init_difficulty(Rating::Easy) + (1.0 - self.w[7]) * damped).clamp(1.0, 10.0)
    }

    fn recall_stability(&self, m: Memory, retrievability: f64, r: Rating) -> f64 {
        let modifier = match r {
            Rating::Hard => self.w[15],
            Rating::Easy => self.w[16],
            _ => 1.0,
        };
        let growth = self.w[8].exp()
            * (11.0 - m.difficulty)
            * m.stability.powf(-self.w[9])
            * (((1.0 - retrievability) * self.w[10]).exp() - 1.0);
        m.stability * (1.0 + growth * modifier)
    }

    fn forget_stability(&self, m: Memory, retrievability: f64) -> f64 {
        let s = self.w[11]
            * m.difficulty.powf(-self.w[12])
            * ((m.stability + 1.0).powf(self.w[13]) - 1.0)
            * ((1.0 - retrievability) * self.w[14]).exp();
        // A lapse never makes a question stick better than before it.
        s.min(m.stability)
    }

    /// Memory after a review rated `r`, given the memory before it and the days since.
    pub fn next_memory(&self, prior: Option<(Memory, f64)>, r: Rating) -> Memory {
        match prior {
            None => Memory { stability: self.init_stability(r), difficulty: self.init_difficulty(r).clamp(1.0, 10.0) },
            Some((m, elapsed)) => {
                let ret = Fsrs::retrievability(elapsed, m.stability);
                let stability = match r {
                    Rating::Again => self.forget_stability(m, ret),
                    _ => self.recall_stability(m, ret, r),
                };
                Memory { stability: stability.max(0.1), difficulty: self.next_difficulty(m.difficulty, r) }
            }
        }
    }

    /// Days until recall probability falls to the target retention.
    pub fn interval(&self, stability: f64) -> u32 {
        let days = stability / FACTOR * (self.retention.powf(1.0 / DECAY) - 1.0);
        days.round().clamp(1.0, self.max_interval_days as f64) as u32
    }

    /// Memory and interval for each rating (indexed again, hard, good, easy), kept in
    /// order again < hard < good < easy as the reference scheduler does. A failed answer
    /// comes back the next day whatever its stability, as after Anki's relearning step:
    /// an interview is no time to have forgotten it.
    pub fn outcomes(&self, prior: Option<(Memory, f64)>) -> [(Memory, u32); 4] {
        let mems = Rating::ALL.map(|r| self.next_memory(prior, r));
        let mut iv = mems.map(|m| self.interval(m.stability));
        iv[0] = 1;
        iv[1] = iv[1].max(iv[0] + 1);
        iv[2] = iv[2].max(iv[1] + 1);
        iv[3] = iv[3].max(iv[2] + 1);
        for i in &mut iv {
            *i = (*i).min(self.max_interval_days);
        }
        [(mems[0], iv[0]), (mems[1], iv[1]), (mems[2], iv[2]), (mems[3], iv[3])]
    }

    /// Review `card` (or a question never reviewed) on `on` with a score.
    pub fn review(&self, card: Option<&Card>, question: &str, on: Date, score: f64, hint_used: bool) -> Card {
        let rating = Rating::for_attempt(score, hint_used);
        let prior = card.map(|c| (c.memory, (on - c.last_review).whole_days().max(0) as f64));
        let (memory, interval) = self.outcomes(prior)[rating.index()];
        Card {
            question: question.to_string(),
            memory,
            reps: card.map_or(0, |c| c.reps) + 1,
            lapses: card.map_or(0, |c| c.lapses) + u32::from(card.is_some() && rating == Rating::Again),
            last_review: on,
            due: on.saturating_add(Duration::days(interval.into())),
            interval_days: interval,
            last_score: score,
            last_rating: rating,
        }
    }
}

/// Serialise a date as `YYYY-MM-DD`.
pub fn ser_date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso_date(*d))
}

/// `YYYY-MM-DD`.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// A question's place in the review schedule.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub question: String,
    pub memory: Memory,
    /// Scored attempts so far.
    pub reps: u32,
    /// Reviews rated again after the first.
    pub lapses: u32,
    #[serde(serialize_with = "ser_date")]
    pub last_review: Date,
    #[serde(serialize_with = "ser_date")]
    pub due: Date,
    pub interval_days: u32,
    pub last_score: f64,
    pub last_rating: Rating,
}

impl Card {
    pub fn is_due(&self, today: Date) -> bool {
        self.due <= today
    }

    /// Days past the due date (negative when not yet due).
    pub fn overdue_days(&self, today: Date) -> i64 {
        (today - self.due).whole_days()
    }
}

/// One scored attempt, as the scheduler sees it.
#[derive(Debug, Clone, Copy)]
pub struct Review<'a> {
    pub question: &'a str,
    pub on: Date,
    pub score: f64,
    pub hint_used: bool,
}

/// The schedule after replaying `reviews` (oldest first): one card per question.
pub fn replay<'a>(fsrs: &Fsrs, reviews: impl IntoIterator<Item = Review<'a>>) -> BTreeMap<String, Card> {
    let mut cards: BTreeMap<String, Card> = BTreeMap::new();
    for r in reviews {
        let next = fsrs.review(cards.get(r.question), r.question, r.on, r.score, r.hint_used);
        cards.insert(r.question.to_string(), next);
    }
    cards
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn scores_map_to_ratings_at_the_documented_thresholds() {
        assert_eq!(Rating::from_score(0.0), Rating::Again);
        assert_eq!(Rating::from_score(39.9), Rating::Again);
        assert_eq!(Rating::from_score(40.0), Rating::Hard);
        assert_eq!(Rating::from_score(59.0), Rating::Hard);
        assert_eq!(Rating::from_score(60.0), Rating::Good);
        assert_eq!(Rating::from_score(84.9), Rating::Good);
        assert_eq!(Rating::from_score(85.0), Rating::Easy);
        assert_eq!(Rating::for_attempt(95.0, true), Rating::Hard);
        assert_eq!(Rating::for_attempt(20.0, true), Rating::Again);
    }

    #[test]
    fn first_review_intervals_follow_the_default_weights() {
        let f = Fsrs::default();
        let iv: Vec<u32> = f.outcomes(None).iter().map(|o| o.1).collect();
        // again 0.41 d -> 1, hard 1.18 d -> 2 (kept above again), good 3.13 d -> 3, easy 15.5 d -> 15
        assert_eq!(iv, vec![1, 2, 3, 15]);
        // at 90 % retention the interval equals the stability
        assert_eq!(f.interval(10.0), 10);
    }

    #[test]
    fn intervals_are_ordered_for_any_history() {
        let f = Fsrs::default();
        for s in [0.1, 0.5, 2.0, 10.0, 80.0] {
            for d in [1.0, 5.0, 9.5] {
                for elapsed in [0.0, 1.0, 7.0, 60.0] {
                    let o = f.outcomes(Some((Memory { stability: s, difficulty: d }, elapsed)));
                    assert!(
                        o[0].1 == 1 && o[0].1 < o[1].1 && o[1].1 < o[2].1 && o[2].1 < o[3].1,
                        "{s} {d} {elapsed}: {o:?}"
                    );
                    assert!(o.iter().all(|x| x.0.difficulty >= 1.0 && x.0.difficulty <= 10.0 && x.0.stability > 0.0));
                }
            }
        }
    }

    #[test]
    fn good_reviews_stretch_the_interval_and_a_lapse_shrinks_it() {
        let f = Fsrs::default();
        let mut day = date!(2025 - 03 - 03);
        let mut card = f.review(None, "q001", day, 70.0, false);
        let mut intervals = vec![card.interval_days];
        for _ in 0..4 {
            day = card.due;
            card = f.review(Some(&card), "q001", day, 70.0, false);
            intervals.push(card.interval_days);
        }
        assert!(intervals.windows(2).all(|w| w[1] > w[0]), "{intervals:?}");
        let before = card.memory.stability;
        let lapse = f.review(Some(&card), "q001", card.due, 10.0, false);
        assert!(lapse.memory.stability < before);
        assert_eq!(lapse.interval_days, 1);
        assert_eq!(lapse.lapses, 1);
        assert_eq!(lapse.reps, 6);
        assert!(lapse.memory.difficulty > card.memory.difficulty);
    }

    #[test]
    fn replay_keeps_one_card_per_question_with_its_latest_due_date() {
        let f = Fsrs::default();
        let reviews = [
            Review { question: "q001", on: date!(2025 - 03 - 03), score: 30.0, hint_used: false },
            Review { question: "q002", on: date!(2025 - 03 - 03), score: 90.0, hint_used: false },
            Review { question: "q001", on: date!(2025 - 03 - 04), score: 65.0, hint_used: false },
        ];
        let cards = replay(&f, reviews);
        assert_eq!(cards.len(), 2);
        assert_eq!(cards["q001"].reps, 2);
        assert_eq!(cards["q001"].last_rating, Rating::Good);
        assert_eq!(cards["q002"].due, date!(2025 - 03 - 18));
        assert!(cards["q001"].is_due(cards["q001"].due));
        assert_eq!(cards["q002"].overdue_days(date!(2025 - 03 - 20)), 2);
    }

    #[test]
    fn retrievability_is_ninety_percent_at_the_stability() {
        assert!((Fsrs::retrievability(7.0, 7.0) - 0.9).abs() < 1e-9);
        assert!((Fsrs::retrievability(0.0, 3.0) - 1.0).abs() < 1e-12);
    }
}
