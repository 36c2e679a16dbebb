//! A session as people read it: the replay (questions, answers, scores, probes and
//! replies, in the order they happened) and the end-of-mock scorecard with strongest and
//! weakest areas and a hire-band recommendation, as terminal text or Markdown.

use super::scorecard;
use crate::bank::Bank;
use crate::interview::{QuestionSummary, Summary};
use crate::scoring::Band;
use crate::ui::{self, Painter};
use std::fmt::Write as _;

/// Longest stretch of an answer shown in a replay; the store keeps all of it.
const SHOWN_ANSWER_CHARS: usize = 6_000;

/// `m:ss` (or `h:mm:ss`).
pub fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// An RFC 3339 time as `YYYY-MM-DD HH:MM` (UTC as stored); anything else unchanged.
pub fn when(rfc3339: &str) -> String {
    match time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
        }
        Err(_) => rfc3339.to_string(),
    }
}

/// What a band means for the candidate, in one sentence.
pub fn recommendation(band: Band) -> &'static str {
    match band {
        Band::StrongHire => "strong hire: answers cover nearly every idea an interviewer listens for",
        Band::Hire => "hire: solid answers with a few gaps; close them before the real interview",
        Band::LeanHire => "lean hire: borderline; the weakest ideas are what would tip it",
        Band::NoHire => "no hire yet: practise the weakest ideas, then take another mock",
    }
}

fn shown(text: &str) -> String {
    let n = text.chars().count();
    if n <= SHOWN_ANSWER_CHARS {
        text.trim_end().to_string()
    } else {
        let head: String = text.chars().take(SHOWN_ANSWER_CHARS).collect();
        format!("{}\n[… {} more characters, kept in the session store]", head.trim_end(), n - SHOWN_ANSWER_CHARS)
    }
}

fn status_note(q: &QuestionSummary) -> &'static str {
    match q.status.as_str() {
        "scored" => "",
        "skipped" => "skipped",
        "answered" => "answered, not scored",
        "asked" => "unanswered",
        _ => "not reached",
    }
}

fn title(q: &QuestionSummary) -> String {
    if q.title.is_empty() {
        q.question_id.clone()
    } else {
        format!("{} · {}", q.question_id, q.title)
    }
}

fn score_cell(q: &QuestionSummary) -> String {
    match &q.card {
        Some(c) => format!("{:.0}/100 · {}", c.score, c.band.label()),
        None => format!("0/100 · {}", status_note(q)),
    }
}

fn head_line(s: &Summary) -> String {
    let what = if s.kind == "mock" { "Mock interview" } else { "Practice session" };
    let mut line = format!("{what} #{} · started {} · {}", s.session_id, when(&s.started_at), s.status);
    if s.kind == "mock" {
        let _ = write!(
            line,
            " · {} of {} answered · overall {:.0}/100 ({})",
            s.answered,
            s.questions.len(),
            s.overall,
            s.band.label()
        );
    } else if s.answered > 0 {
        let _ = write!(line, " · {} scored · mean {:.0}/100", s.answered, s.overall);
    }
    line
}

fn time_line(s: &Summary) -> Option<String> {
    let limit = s.time_limit_secs?;
    Some(format!("time used {} of {}", clock(s.time_used_secs), clock(limit as f64)))
}

/// The replay of a session in a terminal: every question as it happened.
pub fn replay_text(s: &Summary, bank: &Bank, p: Painter, width: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", p.bold(&head_line(s)));
    if let Some(t) = time_line(s) {
        let _ = writeln!(o, "{}", p.dim(&t));
    }
    if s.questions.is_empty() {
        let _ = writeln!(o, "\nNo question was asked in this session.");
    }
    for (i, q) in s.questions.iter().enumerate() {
        let _ = writeln!(o, "\n{}", p.bold(&format!("── {}. {} ", i + 1, title(q))));
        let mut meta = vec![q.topic.clone(), q.level.clone()];
        if let Some(e) = q.elapsed_secs {
            meta.push(format!("answered in {}", clock(e)));
        }
        if !status_note(q).is_empty() {
            meta.push(status_note(q).to_string());
        }
        meta.retain(|m| !m.is_empty());
        let _ = writeln!(o, "{}", p.dim(&meta.join(" · ")));
        if let Some(question) = bank.question(&q.question_id) {
            let _ = writeln!(o, "{}", ui::wrap(&question.scenario, width, 2));
        }
        match (&q.answer, q.draft.trim()) {
            (Some(a), _) => {
                let _ = writeln!(o, "\n{}", p.cyan("Answer:"));
                let _ = writeln!(o, "{}", ui::wrap(&shown(a), width, 2));
            }
            (None, d) if !d.is_empty() => {
                let _ = writeln!(o, "\n{}", p.cyan("Draft (not submitted):"));
                let _ = writeln!(o, "{}", ui::wrap(&shown(d), width, 2));
            }
            _ => {}
        }
        if let Some(card) = &q.card {
            let _ = writeln!(o);
            o.push_str(&scorecard::render(card, p, width));
        }
        for f in &q.followups {
            let idea = q
                .card
                .as_ref()
                .and_then(|c| c.criteria.iter().find(|c| c.id == f.criterion_id))
                .map_or(f.criterion_id.as_str(), |c| c.idea.as_str());
            let _ = writeln!(o, "\n{} {}", p.cyan(&format!("Follow-up ({idea}):")), f.probe);
            match f.reply.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                Some(r) => {
                    let _ = writeln!(o, "{}", p.cyan("Reply:"));
                    let _ = writeln!(o, "{}", ui::wrap(&shown(r), width, 2));
                    if let Some(c) = f.coverage {
                        let credited = q
                            .card
                            .as_ref()
                            .and_then(|k| k.criteria.iter().find(|x| x.id == f.criterion_id))
                            .is_some_and(|x| x.after_prompt);
                        let verdict = if credited { "credited after a prompt" } else { "not credited" };
                        let _ = writeln!(o, "{}", p.dim(&format!("  coverage {:.0}%, {verdict}", c * 100.0)));
                    }
                }
                None => {
                    let _ = writeln!(o, "{}", p.dim("  (no reply)"));
                }
            }
        }
    }
    if s.kind == "mock" && !s.questions.is_empty() {
        let _ = writeln!(o);
        o.push_str(&areas_text(s, p, width));
    }
    o
}

fn areas_text(s: &Summary, p: Painter, width: usize) -> String {
    let mut o = String::new();
    if let Some(t) = s.strongest_topic() {
        let _ = writeln!(o, "{} {} ({:.0})", p.green("Strongest topic:"), t.name, t.score);
    }
    if let Some(t) = s.weakest_topic() {
        let _ = writeln!(o, "{} {} ({:.0})", p.red("Weakest topic:"), t.name, t.score);
    }
    if !s.strongest_ideas.is_empty() {
        let ideas: Vec<String> = s.strongest_ideas.iter().map(|i| format!("{} ({})", i.idea, i.question_id)).collect();
        let _ = writeln!(o, "{}", ui::wrap(&format!("{} {}", p.green("Strongest ideas:"), ideas.join(", ")), width, 0));
    }
    if !s.weakest_ideas.is_empty() {
        let _ = writeln!(o, "{}", p.red("Weakest ideas, to study next:"));
        for i in &s.weakest_ideas {
            let prompt = if i.after_prompt { ", only after a prompt" } else { "" };
            let _ = writeln!(
                o,
                "{}",
                ui::wrap(&format!("- {} ({}{prompt}): {}", i.idea, i.question_id, i.study), width, 2)
            );
        }
    }
    o
}

/// The end of a mock interview in a terminal: a scorecard per question, the overall
/// score, strongest and weakest areas, and the hire-band recommendation.
pub fn summary_text(s: &Summary, p: Painter, width: usize) -> String {
    let mut o = String::new();
    for (i, q) in s.questions.iter().enumerate() {
        let _ = writeln!(o, "\n{}", p.bold(&format!("── {}. {} ", i + 1, title(q))));
        match &q.card {
            Some(card) => o.push_str(&scorecard::render(card, p, width)),
            None => {
                let _ = writeln!(o, "{}", p.dim(&format!("0/100: {}", status_note(q))));
            }
        }
    }
    let _ = writeln!(o, "\n{}", p.bold("Scorecard"));
    for (i, q) in s.questions.iter().enumerate() {
        let _ = writeln!(o, "  {}. {:<58} {}", i + 1, ui::truncate(&title(q), 58), score_cell(q));
    }
    let head = format!("Overall {:.0}/100 · {}", s.overall, s.band.label());
    let _ = writeln!(o, "\n{}", p.bold(&head));
    if s.answered < s.questions.len() {
        let _ = writeln!(o, "{}", p.dim("(questions not answered count as 0)"));
    }
    o.push_str(&areas_text(s, p, width));
    let _ = writeln!(o, "\n{} {}", p.bold("Recommendation:"), recommendation(s.band));
    let mut tail = Vec::new();
    if let Some(t) = time_line(s) {
        tail.push(t);
    }
    if s.hints_used > 0 {
        tail.push(format!("{} hint(s) used", s.hints_used));
    }
    if !tail.is_empty() {
        let _ = writeln!(o, "{}", p.dim(&tail.join(" · ")));
    }
    o
}

fn quote_md(text: &str) -> String {
    shown(text)
        .lines()
        .map(|l| if l.trim().is_empty() { ">".to_string() } else { format!("> {l}") })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The session as Markdown: the saved mock report, and `grill replay --format md`.
pub fn markdown(s: &Summary, bank: &Bank) -> String {
    let mut o = String::new();
    let what = if s.kind == "mock" { "Mock interview" } else { "Practice session" };
    let _ = writeln!(o, "# {what} #{}\n", s.session_id);
    let _ = writeln!(o, "- Started: {}", when(&s.started_at));
    let _ = writeln!(o, "- Status: {}", s.status);
    if let Some(t) = time_line(s) {
        let _ = writeln!(o, "- Time: {t}");
    }
    if s.hints_used > 0 {
        let _ = writeln!(o, "- Hints used: {}", s.hints_used);
    }
    if s.kind == "mock" {
        let _ = writeln!(
            o,
            "- Overall: **{:.0}/100 · {}** ({} of {} answered; unanswered questions count as 0)",
            s.overall,
            s.band.label(),
            s.answered,
            s.questions.len()
        );
    } else if s.answered > 0 {
        let _ = writeln!(o, "- Mean score: **{:.0}/100** over {} scored question(s)", s.overall, s.answered);
    }
    if s.kind == "mock" {
        let _ = writeln!(o, "- Recommendation: {}", recommendation(s.band));
    }
    if !s.questions.is_empty() {
        let _ = writeln!(o, "\n## Scorecard\n\n| # | Question | Topic | Score |\n|---|---|---|---|");
        for (i, q) in s.questions.iter().enumerate() {
            let _ = writeln!(o, "| {} | {} | {} | {} |", i + 1, title(q).replace('|', "\\|"), q.topic, score_cell(q));
        }
    }
    if s.kind == "mock" {
        let _ = writeln!(o, "\n## Strongest and weakest areas\n");
        if let Some(t) = s.strongest_topic() {
            let _ = writeln!(o, "- Strongest topic: {} ({:.0})", t.name, t.score);
        }
        if let Some(t) = s.weakest_topic() {
            let _ = writeln!(o, "- Weakest topic: {} ({:.0})", t.name, t.score);
        }
        for i in &s.strongest_ideas {
            let _ = writeln!(o, "- Strong idea: {} ({})", i.idea, i.question_id);
        }
        for i in &s.weakest_ideas {
            let prompt = if i.after_prompt { ", only after a prompt" } else { "" };
            let _ = writeln!(o, "- Weak idea: {} ({}{prompt}). Study: {}", i.idea, i.question_id, i.study);
        }
    }
    for (i, q) in s.questions.iter().enumerate() {
        let _ = writeln!(o, "\n## {}. {}\n", i + 1, title(q));
        let mut meta = vec![format!("Topic: {}", q.topic), format!("level: {}", q.level)];
        if let Some(e) = q.elapsed_secs {
            meta.push(format!("answered in {}", clock(e)));
        }
        if !status_note(q).is_empty() {
            meta.push(status_note(q).to_string());
        }
        let _ = writeln!(o, "*{}*\n", meta.join(" · "));
        if let Some(question) = bank.question(&q.question_id) {
            let _ = writeln!(o, "{}\n", question.scenario.trim());
        }
        match (&q.answer, q.draft.trim()) {
            (Some(a), _) => {
                let _ = writeln!(o, "### Answer\n\n{}\n", quote_md(a));
            }
            (None, d) if !d.is_empty() => {
                let _ = writeln!(o, "### Draft (not submitted)\n\n{}\n", quote_md(d));
            }
            _ => {}
        }
        if let Some(card) = &q.card {
            let _ = writeln!(o, "### Score\n\n{}", scorecard::markdown(card));
        }
        for f in &q.followups {
            let _ = writeln!(o, "### Follow-up\n\n**{}**\n", f.probe);
            match f.reply.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                Some(r) => {
                    let _ = writeln!(o, "{}\n", quote_md(r));
                    if let Some(c) = f.coverage {
                        let _ = writeln!(o, "*Coverage of the idea: {:.0}%*\n", c * 100.0);
                    }
                }
                None => {
                    let _ = writeln!(o, "*(no reply)*\n");
                }
            }
        }
        if s.kind == "mock" {
            if let Some(model) = bank.question(&q.question_id).and_then(|x| x.answer.as_deref()) {
                let _ = writeln!(o, "<details><summary>Model answer</summary>\n\n{}\n\n</details>", model.trim());
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_read_as_minutes_and_seconds() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(65.4), "1:05");
        assert_eq!(clock(3725.0), "1:02:05");
        assert_eq!(clock(-3.0), "0:00");
        assert_eq!(when("2026-11-27T04:25:45.69Z"), "2026-11-27 04:25 UTC");
        assert_eq!(when("not a time"), "not a time");
    }

    #[test]
    fn long_answers_are_cut_for_display_only() {
        let long = "word ".repeat(5_000);
        let s = shown(&long);
        assert!(s.contains("more characters"));
        assert!(s.len() < long.len());
        assert_eq!(shown("short\n"), "short");
    }
}
