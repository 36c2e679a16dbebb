//! A scorecard as terminal text (coloured when the painter says so) or Markdown.

use crate::scoring::{Scorecard, Status};
use crate::ui::{self, Painter};
use std::fmt::Write as _;

fn band_colour(p: Painter, score: f64, text: &str) -> String {
    if score >= 65.0 {
        p.green(text)
    } else if score >= 50.0 {
        p.yellow(text)
    } else {
        p.red(text)
    }
}

/// The scorecard for a terminal.
pub fn render(card: &Scorecard, p: Painter, width: usize) -> String {
    let mut o = String::new();
    let head = format!("Score {:.0}/100 · {}", card.score, card.band.label());
    let _ = writeln!(o, "{}", p.bold(&band_colour(p, card.score, &head)));
    for cap in &card.caps {
        let _ =
            writeln!(o, "{}", p.red(&ui::wrap(&format!("capped at {:.0}: {}", cap.max_score, cap.reason), width, 2)));
    }
    let _ = writeln!(o);
    for c in &card.criteria {
        let (mark, colour): (&str, fn(&Painter, &str) -> String) = match c.status {
            Status::Covered => ("✔", Painter::green),
            Status::Partial => ("◐", Painter::yellow),
            Status::Missed => ("✘", Painter::red),
        };
        let prompt = if c.after_prompt { " (after a prompt)" } else { "" };
        let _ = writeln!(
            o,
            "{} {} {}{}",
            colour(&p, mark),
            p.bold(&format!("{:>4.1}/{:<4.1}", c.points, c.max_points)),
            p.bold(&c.idea),
            p.dim(prompt)
        );
        let _ = writeln!(o, "{}", p.dim(&ui::wrap(&c.statement, width, 6)));
        match (&c.evidence, c.status) {
            (Some(ev), Status::Covered | Status::Partial) => {
                let _ = writeln!(o, "{}", ui::wrap(&format!("“{}”", ui::truncate(ev, 240)), width, 6));
            }
            _ => {
                if !c.terms_missing.is_empty() {
                    let _ = writeln!(
                        o,
                        "{}",
                        p.dim(&ui::wrap(&format!("missing: {}", c.terms_missing.join(", ")), width, 6))
                    );
                }
            }
        }
    }
    for f in &card.red_flags {
        let _ = writeln!(o, "{} {}", p.red(&format!("-{:.0} red flag:", f.penalty)), f.statement);
        let _ = writeln!(o, "{}", ui::wrap(&format!("“{}”", ui::truncate(&f.evidence, 240)), width, 6));
    }
    if !card.terms_used.is_empty() {
        let _ = writeln!(o, "\n{}", ui::wrap(&format!("key terms used: {}", card.terms_used.join(", ")), width, 0));
    }
    if card.hint_used {
        let _ = writeln!(o, "{}", p.yellow("a hint was used on this question"));
    }
    for n in &card.notes {
        let _ = writeln!(o, "{}", p.dim(&ui::wrap(&format!("note: {n}"), width, 0)));
    }
    if let Some(d) = &card.delivery {
        let _ = writeln!(o, "\n{} {}", p.bold("delivery:"), d.summary());
        if !d.fillers.is_empty() {
            let _ = writeln!(
                o,
                "{}",
                p.dim(&ui::wrap(&format!("fillers: {}", crate::speech::delivery::filler_list(&d.fillers)), width, 2))
            );
        }
        for a in &d.advice {
            let _ = writeln!(o, "{}", p.yellow(&ui::wrap(&format!("- {a}"), width, 2)));
        }
    }
    o
}

/// The scorecard as Markdown, for reports and replays.
pub fn markdown(card: &Scorecard) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "**Score {:.0}/100 · {}**\n", card.score, card.band.label());
    for cap in &card.caps {
        let _ = writeln!(o, "> Capped at {:.0}: {}\n", cap.max_score, cap.reason);
    }
    let _ = writeln!(o, "| | Idea | Points | Evidence |\n|---|---|---|---|");
    for c in &card.criteria {
        let mark = match c.status {
            Status::Covered => "covered",
            Status::Partial => "partial",
            Status::Missed => "missed",
        };
        let ev = match (&c.evidence, c.status) {
            (Some(e), Status::Covered | Status::Partial) => format!("“{}”", ui::truncate(e, 160).replace('|', "\\|")),
            _ => format!("missing: {}", c.terms_missing.join(", ")),
        };
        let prompt = if c.after_prompt { " (after a prompt)" } else { "" };
        let _ = writeln!(o, "| {mark}{prompt} | {} | {:.1}/{:.1} | {} |", c.idea, c.points, c.max_points, ev);
    }
    for f in &card.red_flags {
        let _ = writeln!(o, "\n- Red flag (-{:.0}): {} “{}”", f.penalty, f.statement, ui::truncate(&f.evidence, 160));
    }
    if card.hint_used {
        let _ = writeln!(o, "\n- A hint was used.");
    }
    for n in &card.notes {
        let _ = writeln!(o, "\n- Note: {n}");
    }
    if let Some(d) = &card.delivery {
        let _ = writeln!(o, "\n- Delivery: {}", d.summary());
        for a in &d.advice {
            let _ = writeln!(o, "  - {a}");
        }
    }
    o
}
