//! How an answer was said: pace, fillers, long pauses and length, from a timed transcript.
//!
//! Targets are those interview coaches use for a spoken technical answer: 120 to 160
//! words a minute, at most about 3 fillers a minute, no silence over 3 seconds once
//! started, and 2 to 3 minutes for a scenario question.

use super::{TimedWord, Transcript};
use crate::scoring::text::{filler_kinds, filler_uses};
use serde::{Deserialize, Serialize};

/// A comfortable pace for explaining technical work, in words per minute.
pub const PACE_TARGET: (f64, f64) = (120.0, 160.0);
/// The length a scenario answer should take, in seconds.
pub const LENGTH_TARGET: (f64, f64) = (120.0, 180.0);
/// A silence between words at least this long is a long pause.
pub const LONG_PAUSE_SECS: f64 = 3.0;
/// More fillers a minute than this distract the listener.
pub const FILLERS_PER_MIN_MAX: f64 = 3.0;

/// Delivery metrics of one spoken answer; stored with its scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Length of the recording.
    pub duration_secs: f64,
    /// From the first word to the last.
    pub speaking_secs: f64,
    /// Words said, fillers not counted.
    pub words: usize,
    pub words_per_minute: f64,
    /// Each kind of filler used and how often ("um", "uh", "you know", "like", "so", ...).
    pub fillers: Vec<(String, usize)>,
    pub fillers_per_minute: f64,
    /// Silences of at least [`LONG_PAUSE_SECS`] between words: (starts at, seconds).
    pub long_pauses: Vec<(f64, f64)>,
    /// Advice, one line per metric off target; empty when all are on target.
    pub advice: Vec<String>,
}

impl Delivery {
    pub fn filler_count(&self) -> usize {
        self.fillers.iter().map(|(_, n)| n).sum()
    }

    /// One line: "2:14 · 138 wpm · 4 fillers (1.8/min) · 1 long pause".
    pub fn summary(&self) -> String {
        let secs = self.duration_secs.round() as u64;
        let pauses = self.long_pauses.len();
        format!(
            "{}:{:02} · {:.0} wpm · {} filler{} ({:.1}/min) · {} long pause{}",
            secs / 60,
            secs % 60,
            self.words_per_minute,
            self.filler_count(),
            if self.filler_count() == 1 { "" } else { "s" },
            self.fillers_per_minute,
            pauses,
            if pauses == 1 { "" } else { "s" }
        )
    }
}

/// Fillers as `"um" ×3, "like" ×1`, for scorecards and reports.
pub fn filler_list(fillers: &[(String, usize)]) -> String {
    fillers.iter().map(|(k, n)| format!("\"{k}\" ×{n}")).collect::<Vec<_>>().join(", ")
}

/// Measure a timed transcript.
pub fn measure(t: &Transcript) -> Delivery {
    let texts: Vec<&str> = t.words.iter().map(|w| w.text.as_str()).collect();
    let kinds = filler_kinds(&texts);
    let mut fillers: Vec<(String, usize)> = Vec::new();
    for k in filler_uses(&kinds) {
        match fillers.iter_mut().find(|(name, _)| name == k) {
            Some((_, n)) => *n += 1,
            None => fillers.push((k.to_string(), 1)),
        }
    }
    fillers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let words = kinds.iter().filter(|k| k.is_none()).count();
    let speaking_secs = match (t.words.first(), t.words.last()) {
        (Some(a), Some(b)) => (b.end - a.start).max(0.0),
        _ => 0.0,
    };
    let long_pauses: Vec<(f64, f64)> = t
        .words
        .windows(2)
        .filter_map(|w: &[TimedWord]| {
            let gap = w[1].start - w[0].end;
            (gap >= LONG_PAUSE_SECS).then_some((round1(w[0].end), round1(gap)))
        })
        .collect();
    let minutes = (speaking_secs / 60.0).max(1.0 / 60.0);
    let filler_total: usize = fillers.iter().map(|(_, n)| n).sum();
    let mut d = Delivery {
        duration_secs: round1(t.duration_secs.max(speaking_secs)),
        speaking_secs: round1(speaking_secs),
        words,
        words_per_minute: round1(if speaking_secs > 0.0 { words as f64 / minutes } else { 0.0 }),
        fillers,
        fillers_per_minute: round1(filler_total as f64 / minutes),
        long_pauses,
        advice: Vec::new(),
    };
    d.advice = advise(&d);
    d
}

fn advise(d: &Delivery) -> Vec<String> {
    let mut out = Vec::new();
    if d.words == 0 {
        return vec!["no speech was recognised; check the microphone and speak closer to it".into()];
    }
    let (lo, hi) = PACE_TARGET;
    if d.words_per_minute < lo {
        out.push(format!(
            "pace {:.0} wpm is slow (aim for {lo:.0}-{hi:.0}): outline your plan in one sentence first, then fill it in",
            d.words_per_minute
        ));
    } else if d.words_per_minute > hi {
        out.push(format!(
            "pace {:.0} wpm is fast (aim for {lo:.0}-{hi:.0}): pause after each step so the interviewer can follow",
            d.words_per_minute
        ));
    }
    if d.fillers_per_minute > FILLERS_PER_MIN_MAX {
        let top = d.fillers.first().map(|(k, _)| k.as_str()).unwrap_or("um");
        out.push(format!(
            "{:.1} fillers a minute (mostly \"{top}\"; aim for at most {FILLERS_PER_MIN_MAX:.0}): a silent pause sounds more confident",
            d.fillers_per_minute
        ));
    }
    if !d.long_pauses.is_empty() {
        let longest = d.long_pauses.iter().map(|p| p.1).fold(0.0, f64::max);
        out.push(format!(
            "{} silence(s) over {LONG_PAUSE_SECS:.0} s (longest {longest:.1} s): say what you are weighing while you think",
            d.long_pauses.len()
        ));
    }
    let (short, long) = LENGTH_TARGET;
    if d.speaking_secs < short {
        out.push(format!(
            "{:.0} s is short for a scenario question (aim for 2-3 minutes): add the trade-offs and how you would verify it worked",
            d.speaking_secs
        ));
    } else if d.speaking_secs > long {
        out.push(format!(
            "{:.0} s is long (aim for 2-3 minutes): lead with the decision and cut the background",
            d.speaking_secs
        ));
    }
    out
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Option<&'static str>> {
        filler_kinds(&text.split_whitespace().collect::<Vec<_>>())
    }

    #[test]
    fn hesitations_are_fillers() {
        assert_eq!(
            kinds("Um, I would, uh, erm roll back"),
            vec![Some("um"), None, None, Some("uh"), Some("um"), None, None]
        );
    }

    #[test]
    fn like_and_so_only_as_fillers() {
        // hedge uses
        assert_eq!(kinds("it's, like, a pipeline")[1], Some("like"));
        assert_eq!(kinds("So, we start with the registry")[0], Some("so"));
        assert_eq!(kinds("so um we start")[0], Some("so"));
        // content uses
        assert!(kinds("it looks like drift so that we retrain, like 5,000 rows").iter().all(Option::is_none));
        assert!(kinds("I'd like to deploy it and so on.").iter().all(Option::is_none));
    }

    #[test]
    fn you_know_and_i_mean_only_as_tics() {
        assert_eq!(
            kinds("it fails, you know, at night"),
            vec![None, None, Some("you know"), Some("you know"), None, None]
        );
        assert!(kinds("you know that the canary failed").iter().all(Option::is_none));
        assert_eq!(kinds("I mean, the cache")[..2], [Some("I mean"), Some("I mean")]);
        assert!(kinds("what I mean is the cache").iter().all(Option::is_none));
    }

    #[test]
    fn cleaning_removes_fillers_and_keeps_sentences() {
        let (clean, n) = crate::scoring::text::strip_fillers(
            "So, um, we register the model, uh. Then, like, we promote it, you know.",
        );
        assert_eq!((clean.as_str(), n), ("We register the model. Then, we promote it.", 5));
    }

    fn timed(words: &[(&str, f64, f64)], duration: f64) -> Transcript {
        Transcript {
            text: words.iter().map(|w| w.0).collect::<Vec<_>>().join(" "),
            words: words.iter().map(|&(t, s, e)| TimedWord { text: t.into(), start: s, end: e }).collect(),
            duration_secs: duration,
            engine: "test".into(),
        }
    }

    #[test]
    fn measures_pace_fillers_and_pauses() {
        // 4 words + 1 filler over 6 s of speech, with a 3.5 s silence
        let t = timed(
            &[("Um,", 0.5, 0.8), ("we", 0.9, 1.0), ("roll", 1.1, 1.5), ("back", 5.0, 5.5), ("fast.", 5.6, 6.5)],
            7.0,
        );
        let d = measure(&t);
        assert_eq!(d.words, 4);
        assert_eq!(d.speaking_secs, 6.0);
        assert_eq!(d.words_per_minute, 40.0);
        assert_eq!(d.fillers, vec![("um".to_string(), 1)]);
        assert_eq!(d.fillers_per_minute, 10.0);
        assert_eq!(d.long_pauses, vec![(1.5, 3.5)]);
        assert_eq!(d.duration_secs, 7.0);
        // slow, filler-heavy, a long silence and far too short: four pieces of advice
        assert_eq!(d.advice.len(), 4, "{:?}", d.advice);
        assert!(d.summary().starts_with("0:07 · 40 wpm · 1 filler (10.0/min) · 1 long pause"), "{}", d.summary());
    }

    #[test]
    fn on_target_answer_gets_no_advice() {
        // 140 words evenly over 60 s... scaled to 150 s: 350 words, no fillers, no pauses
        let words: Vec<(String, f64, f64)> =
            (0..350).map(|i| ("word".to_string(), i as f64 * 150.0 / 350.0, i as f64 * 150.0 / 350.0 + 0.3)).collect();
        let refs: Vec<(&str, f64, f64)> = words.iter().map(|(t, s, e)| (t.as_str(), *s, *e)).collect();
        let d = measure(&timed(&refs, 151.0));
        assert!((d.words_per_minute - 140.0).abs() < 1.0, "{}", d.words_per_minute);
        assert!(d.advice.is_empty(), "{:?}", d.advice);
    }

    #[test]
    fn silence_says_check_the_microphone() {
        let d = measure(&timed(&[], 5.0));
        assert_eq!(d.words, 0);
        assert!(d.advice[0].contains("microphone"));
    }
}
