//! The gap plan as Markdown, one self-contained HTML file, or JSON.
//!
//! The page layout lives in `templates/gap.md` and `templates/gap.html` (compiled in);
//! this module fills their `{{name}}` placeholders with tables, lists and inline SVG
//! charts built from [`PlanData`]. The HTML has no script and loads nothing: its
//! content security policy forbids it.

use crate::plan::{mastery, Direction, Mastery, NextQuestion, PlanData, Reason, Standing, Trend};
use crate::ui;
use std::fmt::Write as _;

pub const MARKDOWN_TEMPLATE: &str = include_str!("../../templates/gap.md");
pub const HTML_TEMPLATE: &str = include_str!("../../templates/gap.html");

/// Rows shown in the longer tables.
const TOOLS_SHOWN: usize = 10;
const IDEAS_SHOWN: usize = 10;
const STUDY_SHOWN: usize = 10;
const DAYS_SHOWN: usize = 14;
const WEAKEST_SHOWN: usize = 3;

/// Replace each `{{name}}` in `template` with its value. Unknown names are left as
/// they are, and values are not scanned again.
pub fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = after[..end].trim();
                match vars.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders a template uses, in order of appearance.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn trend_text(t: &Trend) -> String {
    match (t.direction, t.delta) {
        (Direction::New, _) | (_, None) => "·".to_string(),
        (_, Some(d)) => format!("{} {d:+.0}", t.arrow()),
    }
}

fn level_of_mean(mean: f64) -> Standing {
    Standing::from_readiness(mean)
}

fn scope_line(d: &PlanData) -> String {
    let t = &d.totals;
    let what = if t.attempts == 0 {
        "no scored answers yet".to_string()
    } else {
        format!(
            "{} to {} on {} in {}",
            plural(t.attempts, "scored answer", "scored answers"),
            plural(t.questions, "question", "questions"),
            plural(t.days, "day", "days"),
            plural(t.sessions, "session", "sessions")
        )
    };
    format!("Scope: {} · as of {} · {what}.", d.scope.label, iso(d.today))
}

fn iso(d: time::Date) -> String {
    crate::plan::srs::iso_date(d)
}

fn names(v: &[&Mastery]) -> String {
    v.iter().map(|m| format!("{} ({:.0})", m.name, m.readiness)).collect::<Vec<_>>().join(", ")
}

/// The headline as plain sentences (Markdown emphasis only on the overall figure).
fn headline_parts(d: &PlanData) -> Vec<String> {
    let t = &d.totals;
    let mut parts = Vec::new();
    let Some(mean) = t.mean else {
        parts.push("No scored answers in this scope yet. Answer a few questions (`grill practice`, or `grill mock` for a timed interview) and this plan fills in; until then it suggests where to start.".to_string());
        return parts;
    };
    parts.push(format!("**Overall: {mean:.0}/100 ({}).**", level_of_mean(mean).label()));
    let mut ready: Vec<&Mastery> = d.topics.iter().filter(|m| m.standing >= Standing::Ready).collect();
    ready.reverse();
    ready.truncate(WEAKEST_SHOWN);
    if !ready.is_empty() {
        parts.push(format!("Ready: {}.", names(&ready)));
    }
    let weak: Vec<&Mastery> = d.topics.iter().filter(|m| m.standing < Standing::Ready).take(WEAKEST_SHOWN).collect();
    if !weak.is_empty() {
        parts.push(format!("Weakest: {}.", names(&weak)));
    }
    if !d.untouched_topics.is_empty() {
        let all = d.untouched_topics.len() + d.topics.len();
        parts.push(format!("Not practised yet: {} of {all} topics.", d.untouched_topics.len()));
    }
    parts.push(match t.due_now {
        0 => "No review is due.".to_string(),
        n => format!("{} due now.", plural(n, "review", "reviews")),
    });
    parts
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn md_mastery_table(kind: &str, rows: &[&Mastery]) -> String {
    let mut o = format!("| {kind} | Standing | Readiness | Mean | Answers | Questions | Trend | Confidence | Last practised |\n|---|---|---:|---:|---:|---:|---|---|---|\n");
    for m in rows {
        let _ = writeln!(
            o,
            "| {} | {} | {:.0} | {:.0} | {} | {} | {} | {} | {} |",
            md_cell(&m.name),
            m.standing.label(),
            m.readiness,
            m.mean,
            m.attempts,
            m.questions,
            trend_text(&m.trend),
            m.confidence_level.label(),
            iso(m.last_practised)
        );
    }
    o.trim_end().to_string()
}

fn md_topics(d: &PlanData) -> String {
    if d.topics.is_empty() {
        return "_No topic practised in this scope yet._".to_string();
    }
    let rows: Vec<&Mastery> = d.topics.iter().collect();
    let mut o = md_mastery_table("Topic", &rows);
    if !d.untouched_topics.is_empty() {
        let list = d.untouched_topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join("; ");
        let _ = write!(o, "\n\nNot practised yet: {list}.");
    }
    o
}

fn md_tools(d: &PlanData) -> String {
    if d.tools.is_empty() {
        return "_No tool practised in this scope yet._".to_string();
    }
    let rows: Vec<&Mastery> = d.tools.iter().take(TOOLS_SHOWN).collect();
    let mut o = md_mastery_table("Tool", &rows);
    if d.tools.len() > TOOLS_SHOWN {
        let _ = write!(
            o,
            "\n\nThe {TOOLS_SHOWN} weakest of {} tools practised (`--format json` lists all).",
            d.tools.len()
        );
    }
    o
}

fn missed_text(m: &Mastery) -> String {
    m.missed_ideas
        .iter()
        .map(|i| format!("{} ({} of {})", i.idea, i.not_covered, i.seen))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The areas below "ready", weakest first: topics, then tools.
fn weak_areas(d: &PlanData) -> Vec<(&'static str, &Mastery)> {
    let topics = d.topics.iter().filter(|m| m.standing < Standing::Ready).take(WEAKEST_SHOWN).map(|m| ("topic", m));
    let tools = d.tools.iter().filter(|m| m.standing < Standing::Ready).take(WEAKEST_SHOWN).map(|m| ("tool", m));
    topics.chain(tools).collect()
}

fn area_summary(kind: &str, m: &Mastery) -> String {
    format!(
        "{kind}, readiness {:.0}: mean {:.0} over {}, {} confidence",
        m.readiness,
        m.mean,
        plural(m.attempts, "answer", "answers"),
        m.confidence_level.label()
    )
}

fn md_weakest(d: &PlanData) -> String {
    if d.totals.attempts == 0 {
        return "_Nothing to rank yet._".to_string();
    }
    let areas = weak_areas(d);
    if areas.is_empty() {
        return "No topic or tool is below ready (65). Keep the reviews going, and try the topics you have not practised.".to_string();
    }
    let mut o = String::new();
    for (i, (kind, m)) in areas.iter().enumerate() {
        let _ = write!(o, "{}. **{}** ({})", i + 1, m.name, area_summary(kind, m));
        if !m.missed_ideas.is_empty() {
            let _ = write!(o, ". Most often missed: {}", missed_text(m));
        }
        o.push_str(".\n");
    }
    o.trim_end().to_string()
}

fn md_ideas(d: &PlanData) -> String {
    let rows: Vec<_> = d.ideas.iter().filter(|i| i.miss_weight() > 0.0).take(IDEAS_SHOWN).collect();
    if rows.is_empty() {
        return if d.ideas.is_empty() {
            "_No rubric ideas assessed yet._".to_string()
        } else {
            "Every idea your answers were scored on was covered.".to_string()
        };
    }
    let mut o = String::from("| Idea | Missed | Partial | Covered | Mean coverage | Trend | Questions |\n|---|---:|---:|---:|---:|---|---|\n");
    for i in rows {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {:.0} % | {} | {} |",
            md_cell(&i.idea),
            i.missed,
            i.partial,
            i.covered,
            i.mean_coverage,
            trend_text(&i.trend),
            i.questions.join(", ")
        );
    }
    o.trim_end().to_string()
}

fn md_study(d: &PlanData) -> String {
    if d.study.is_empty() {
        return if d.totals.attempts == 0 {
            "_Nothing yet._".to_string()
        } else {
            "Nothing outstanding: your latest answers covered every idea.".to_string()
        };
    }
    let mut o = String::new();
    for (i, s) in d.study.iter().take(STUDY_SHOWN).enumerate() {
        let _ = writeln!(
            o,
            "{}. {} _({}; {}; {:.0} points at stake)_",
            i + 1,
            s.note,
            s.ideas.join(", "),
            s.questions.join(", "),
            s.points_at_stake
        );
    }
    o.trim_end().to_string()
}

/// The date a question is listed under; a review already due says so.
fn when(n: &NextQuestion) -> String {
    match n.reason {
        Reason::Due { due, overdue_days, .. } if overdue_days > 0 && due == n.date => {
            format!("{} (overdue)", iso(n.date))
        }
        _ => iso(n.date),
    }
}

fn md_question_table(rows: &[NextQuestion], last_col: &str, last: impl Fn(&NextQuestion) -> String) -> String {
    let mut o = format!("| Date | Question | Topic | {last_col} |\n|---|---|---|---|\n");
    for n in rows {
        let _ = writeln!(
            o,
            "| {} | {} · {} | {} | {} |",
            when(n),
            n.id,
            md_cell(&n.title),
            md_cell(&n.topic_name),
            md_cell(&last(n))
        );
    }
    o.trim_end().to_string()
}

fn md_next(d: &PlanData) -> String {
    if d.next.is_empty() {
        return "_Nothing to practise: every question is answered and none is due._".to_string();
    }
    let mut o = md_question_table(&d.next, "Why", |n| n.why.clone());
    o.push_str(
        "\n\n`grill practice --due` starts with what is due; `grill practice --id ID` starts with one question.",
    );
    o
}

fn md_calendar(d: &PlanData) -> String {
    if d.upcoming.is_empty() {
        return "_Nothing else scheduled yet: each answer you give schedules its question's next review._".to_string();
    }
    md_question_table(&d.upcoming, "Last score", |n| n.last_score.map_or_else(String::new, |s| format!("{s:.0}")))
}

fn md_progress(d: &PlanData) -> String {
    if d.progress.is_empty() {
        return "_No scored answers yet._".to_string();
    }
    let skip = d.progress.len().saturating_sub(DAYS_SHOWN);
    let mut o = String::from("| Day | Answers | Mean | Best | Running mean |\n|---|---:|---:|---:|---:|\n");
    for p in &d.progress[skip..] {
        let _ =
            writeln!(o, "| {} | {} | {:.0} | {:.0} | {:.0} |", iso(p.date), p.attempts, p.mean, p.best, p.running_mean);
    }
    if skip > 0 {
        let _ = writeln!(o, "\nThe last {DAYS_SHOWN} of {} days.", d.progress.len());
    }
    o.trim_end().to_string()
}

/// Delivery of spoken answers, as lines of text (shared by Markdown and HTML).
fn delivery_lines(d: &PlanData) -> Option<(String, Vec<String>, Vec<String>)> {
    let t = d.delivery.as_ref()?;
    let fillers = if t.top_fillers.is_empty() {
        "no fillers".to_string()
    } else {
        crate::speech::delivery::filler_list(&t.top_fillers)
    };
    let head = format!(
        "{} spoken answer(s): median {:.0} wpm (aim for 120-160), {:.1} fillers a minute (aim for at most 3; {fillers}), {:.1} long pauses an answer, median length {}:{:02} (aim for 2-3 minutes).",
        t.answers,
        t.median_words_per_minute,
        t.median_fillers_per_minute,
        t.long_pauses_per_answer,
        (t.median_secs as u64) / 60,
        (t.median_secs as u64) % 60
    );
    let recent = t.recent.iter().map(|(day, wpm, fpm)| format!("{day}: {wpm:.0} wpm, {fpm:.1} fillers/min")).collect();
    Some((head, t.habits.clone(), recent))
}

fn md_delivery(d: &PlanData) -> String {
    let Some((head, habits, recent)) = delivery_lines(d) else {
        return "No spoken answers yet: `grill practice --aloud` records them, `grill score ID --audio F.wav` scores a recording.".into();
    };
    let mut o = head;
    if habits.is_empty() {
        o.push_str("\n\nPace, fillers, pauses and length are on target in most spoken answers.");
    } else {
        o.push_str("\n\nHabits to work on:\n");
        for h in habits {
            let _ = write!(o, "\n- {h}");
        }
    }
    let _ = write!(o, "\n\nLatest spoken answers: {}.", recent.join("; "));
    o
}

fn html_delivery(d: &PlanData) -> String {
    let Some((head, habits, recent)) = delivery_lines(d) else {
        return "<p class=\"muted\">No spoken answers yet: <code>grill practice --aloud</code> records them.</p>"
            .into();
    };
    let mut o = format!("<p>{}</p>", esc(&head));
    if !habits.is_empty() {
        o.push_str("<ul>");
        for h in habits {
            let _ = write!(o, "<li>{}</li>", esc(&h));
        }
        o.push_str("</ul>");
    }
    let _ = write!(o, "<p class=\"muted\">Latest: {}.</p>", esc(&recent.join("; ")));
    o
}

fn md_notes(d: &PlanData) -> String {
    d.notes.iter().map(|n| format!("\n> Note: {n}.")).collect::<Vec<_>>().join("\n")
}

/// The gap plan as Markdown.
pub fn render_markdown(data: &PlanData) -> String {
    let vars = [
        ("scope", scope_line(data)),
        ("headline", headline_parts(data).join(" ")),
        ("topics", md_topics(data)),
        ("tools", md_tools(data)),
        ("weakest", md_weakest(data)),
        ("ideas", md_ideas(data)),
        ("study", md_study(data)),
        ("next", md_next(data)),
        ("calendar", md_calendar(data)),
        ("progress", md_progress(data)),
        ("delivery", md_delivery(data)),
        ("notes", md_notes(data)),
    ];
    let mut out = fill(MARKDOWN_TEMPLATE, &vars).trim_end().to_string();
    out.push('\n');
    out
}

/// The gap plan as pretty JSON (the whole [`PlanData`]).
pub fn render_json(data: &PlanData) -> String {
    let mut s = serde_json::to_string_pretty(data).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

// ---------------------------------------------------------------- HTML

/// Escape text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Markdown's `code` and **bold** in already-escaped text, as HTML.
pub fn inline_md(escaped: &str) -> String {
    let mut o = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(o, "<code>{part}</code>");
        } else {
            for (j, seg) in part.split("**").enumerate() {
                if j % 2 == 1 {
                    let _ = write!(o, "<b>{seg}</b>");
                } else {
                    o.push_str(seg);
                }
            }
        }
    }
    o
}

fn badge(l: Standing) -> String {
    format!("<span class=\"badge {0}\">{0}</span>", l.label())
}

fn bar(value: f64, level: Standing) -> String {
    format!(
        "<span class=\"bar\"><span class=\"{}\" style=\"width:{:.0}%\"></span></span>",
        level.label(),
        value.clamp(0.0, 100.0)
    )
}

fn html_mastery_table(kind: &str, rows: &[&Mastery]) -> String {
    let mut o = format!(
        "<table><thead><tr><th>{kind}</th><th>Readiness</th><th class=\"num\">Mean</th><th class=\"num\">Answers</th><th class=\"num\">Questions</th><th>Trend</th><th>Confidence</th><th>Last practised</th></tr></thead><tbody>\n"
    );
    for m in rows {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"nowrap\">{}{:.0} {}</td><td class=\"num\">{:.0}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"nowrap\">{}</td></tr>",
            esc(&m.name),
            bar(m.readiness, m.standing),
            m.readiness,
            badge(m.standing),
            m.mean,
            m.attempts,
            m.questions,
            esc(&trend_text(&m.trend)),
            m.confidence_level.label(),
            iso(m.last_practised)
        );
    }
    o.push_str("</tbody></table>");
    o
}

fn html_headline(d: &PlanData) -> String {
    let t = &d.totals;
    let mut o = String::new();
    if let Some(mean) = t.mean {
        let l = level_of_mean(mean);
        o.push_str("<div class=\"cards\">");
        let _ = write!(
            o,
            "<div class=\"card\"><b>{mean:.0}<small>/100</small></b><span>overall · {}</span></div>",
            l.label()
        );
        let _ = write!(o, "<div class=\"card\"><b>{}</b><span>scored answers</span></div>", t.attempts);
        let _ = write!(
            o,
            "<div class=\"card\"><b>{}<small>/{}</small></b><span>questions answered</span></div>",
            t.questions, t.bank_questions
        );
        let _ = write!(o, "<div class=\"card\"><b>{}</b><span>days practised</span></div>", t.days);
        let _ = write!(o, "<div class=\"card\"><b>{}</b><span>reviews due now</span></div>", t.due_now);
        o.push_str("</div>");
    }
    let text = headline_parts(d).iter().map(|p| inline_md(&esc(p))).collect::<Vec<_>>().join(" ");
    let _ = write!(o, "<p class=\"lead\">{text}</p>");
    o
}

fn html_topics(d: &PlanData) -> String {
    if d.topics.is_empty() {
        return "<p class=\"muted\">No topic practised in this scope yet.</p>".to_string();
    }
    let rows: Vec<&Mastery> = d.topics.iter().collect();
    let mut o = html_mastery_table("Topic", &rows);
    if !d.untouched_topics.is_empty() {
        let list = d.untouched_topics.iter().map(|t| esc(&t.name)).collect::<Vec<_>>().join("; ");
        let _ = write!(o, "<p class=\"muted\">Not practised yet: {list}.</p>");
    }
    o
}

fn html_tools(d: &PlanData) -> String {
    if d.tools.is_empty() {
        return "<p class=\"muted\">No tool practised in this scope yet.</p>".to_string();
    }
    let rows: Vec<&Mastery> = d.tools.iter().take(TOOLS_SHOWN).collect();
    let mut o = html_mastery_table("Tool", &rows);
    if d.tools.len() > TOOLS_SHOWN {
        let _ = write!(o, "<p class=\"muted\">The {TOOLS_SHOWN} weakest of {} tools practised.</p>", d.tools.len());
    }
    o
}

fn html_weakest(d: &PlanData) -> String {
    if d.totals.attempts == 0 {
        return "<p class=\"muted\">Nothing to rank yet.</p>".to_string();
    }
    let areas = weak_areas(d);
    if areas.is_empty() {
        return "<p>No topic or tool is below ready (65). Keep the reviews going, and try the topics you have not practised.</p>".to_string();
    }
    let mut o = String::from("<ol class=\"weak\">");
    for (kind, m) in areas {
        let _ = write!(
            o,
            "<li><b>{}</b> {} <span class=\"muted\">({})</span>",
            esc(&m.name),
            badge(m.standing),
            esc(&area_summary(kind, m))
        );
        if !m.missed_ideas.is_empty() {
            let _ = write!(o, "<br>Most often missed: {}", esc(&missed_text(m)));
        }
        o.push_str("</li>");
    }
    o.push_str("</ol>");
    o
}

fn html_ideas(d: &PlanData) -> String {
    let rows: Vec<_> = d.ideas.iter().filter(|i| i.miss_weight() > 0.0).take(IDEAS_SHOWN).collect();
    if rows.is_empty() {
        let msg = if d.ideas.is_empty() {
            "No rubric ideas assessed yet."
        } else {
            "Every idea your answers were scored on was covered."
        };
        return format!("<p class=\"muted\">{msg}</p>");
    }
    let mut o = String::from(
        "<table><thead><tr><th>Idea</th><th class=\"num\">Missed</th><th class=\"num\">Partial</th><th class=\"num\">Covered</th><th>Mean coverage</th><th>Trend</th><th>Questions</th></tr></thead><tbody>\n",
    );
    for i in rows {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"nowrap\">{}{:.0} %</td><td class=\"nowrap\">{}</td><td>{}</td></tr>",
            esc(&i.idea),
            i.missed,
            i.partial,
            i.covered,
            bar(i.mean_coverage, Standing::from_readiness(i.mean_coverage)),
            i.mean_coverage,
            esc(&trend_text(&i.trend)),
            esc(&i.questions.join(", "))
        );
    }
    o.push_str("</tbody></table>");
    o
}

fn html_study(d: &PlanData) -> String {
    if d.study.is_empty() {
        let msg = if d.totals.attempts == 0 {
            "Nothing yet."
        } else {
            "Nothing outstanding: your latest answers covered every idea."
        };
        return format!("<p class=\"muted\">{msg}</p>");
    }
    let mut o = String::from("<ol class=\"study\">");
    for s in d.study.iter().take(STUDY_SHOWN) {
        let _ = write!(
            o,
            "<li>{} <span class=\"muted\">({}; {}; {:.0} points at stake)</span></li>",
            esc(&s.note),
            esc(&s.ideas.join(", ")),
            esc(&s.questions.join(", ")),
            s.points_at_stake
        );
    }
    o.push_str("</ol>");
    o
}

fn html_question_table(rows: &[NextQuestion], last_col: &str, last: impl Fn(&NextQuestion) -> String) -> String {
    let mut o = format!(
        "<table><thead><tr><th>Date</th><th>Question</th><th>Topic</th><th>{last_col}</th></tr></thead><tbody>\n"
    );
    for n in rows {
        let _ = writeln!(
            o,
            "<tr><td class=\"nowrap\">{}</td><td><code>{}</code> {}</td><td>{}</td><td>{}</td></tr>",
            when(n),
            esc(&n.id),
            esc(&n.title),
            esc(&n.topic_name),
            esc(&last(n))
        );
    }
    o.push_str("</tbody></table>");
    o
}

fn html_next(d: &PlanData) -> String {
    if d.next.is_empty() {
        return "<p class=\"muted\">Nothing to practise: every question is answered and none is due.</p>".to_string();
    }
    let mut o = html_question_table(&d.next, "Why", |n| n.why.clone());
    o.push_str("<p class=\"muted\"><code>grill practice --due</code> starts with what is due; <code>grill practice --id ID</code> starts with one question.</p>");
    o
}

fn html_calendar(d: &PlanData) -> String {
    if d.upcoming.is_empty() {
        return "<p class=\"muted\">Nothing else scheduled yet: each answer you give schedules its question's next review.</p>".to_string();
    }
    html_question_table(&d.upcoming, "Last score", |n| n.last_score.map_or_else(String::new, |s| format!("{s:.0}")))
}

fn html_progress(d: &PlanData) -> String {
    if d.progress.is_empty() {
        return String::new();
    }
    let skip = d.progress.len().saturating_sub(DAYS_SHOWN);
    let mut o = String::from(
        "<table><thead><tr><th>Day</th><th class=\"num\">Answers</th><th class=\"num\">Mean</th><th class=\"num\">Best</th><th class=\"num\">Running mean</th></tr></thead><tbody>\n",
    );
    for p in &d.progress[skip..] {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.0}</td><td class=\"num\">{:.0}</td><td class=\"num\">{:.0}</td></tr>",
            iso(p.date),
            p.attempts,
            p.mean,
            p.best,
            p.running_mean
        );
    }
    o.push_str("</tbody></table>");
    o
}

/// Red at 0, amber at 50, green at 100.
fn score_colour(v: f64) -> (u8, u8, u8) {
    let lerp = |a: (f64, f64, f64), b: (f64, f64, f64), t: f64| {
        (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, a.2 + (b.2 - a.2) * t)
    };
    let (red, amber, green) = ((200.0, 54.0, 43.0), (246.0, 200.0, 95.0), (47.0, 133.0, 74.0));
    let v = v.clamp(0.0, 100.0);
    let c = if v < 50.0 { lerp(red, amber, v / 50.0) } else { lerp(amber, green, (v - 50.0) / 50.0) };
    (c.0.round() as u8, c.1.round() as u8, c.2.round() as u8)
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn ink_on((r, g, b): (u8, u8, u8)) -> &'static str {
    let lum = 0.2126 * r as f64 + 0.7152 * g as f64 + 0.0722 * b as f64;
    if lum < 150.0 {
        "#ffffff"
    } else {
        "#1d2330"
    }
}

const SVG_FONT: &str = "font-family=\"system-ui, 'DejaVu Sans', sans-serif\" font-size=\"12\" fill=\"#1d2330\"";

/// The skill x tool heatmap as inline SVG.
pub fn heatmap_svg(d: &PlanData) -> String {
    let h = &d.heatmap;
    if h.topics.is_empty() || h.tools.is_empty() {
        return "<p class=\"muted\">No answers on questions with tools yet.</p>".to_string();
    }
    let (label_w, cw, ch, top) = (280.0, 48.0, 30.0, 120.0);
    // room on the right for the last tool's slanted name
    let width = label_w + cw * h.tools.len() as f64 + 120.0;
    let height = top + ch * h.topics.len() as f64 + 56.0;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"Mean score by topic and tool\" {SVG_FONT}>"
    );
    o.push_str("<defs><linearGradient id=\"scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">");
    for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(o, "<stop offset=\"{:.2}\" stop-color=\"{}\"/>", v / 100.0, hex(score_colour(v)));
    }
    o.push_str("</linearGradient></defs>\n");
    for (j, tool) in h.tools.iter().enumerate() {
        let x = label_w + cw * j as f64 + cw / 2.0;
        let _ = writeln!(
            o,
            "<text transform=\"translate({x:.1},{:.1}) rotate(-45)\">{}</text>",
            top - 8.0,
            esc(&ui::truncate(&tool.name, 20))
        );
    }
    for (i, topic) in h.topics.iter().enumerate() {
        let y = top + ch * i as f64;
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\"><title>{}</title>{}</text>",
            label_w - 10.0,
            y + ch / 2.0 + 4.0,
            esc(&topic.name),
            esc(&ui::truncate(&topic.name, 40))
        );
        for (j, cell) in h.cells[i].iter().enumerate() {
            let x = label_w + cw * j as f64;
            match cell {
                Some(c) => {
                    let col = score_colour(c.mean);
                    let _ = writeln!(
                        o,
                        "<g><title>{} × {}: mean {:.0} over {}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{}\" font-weight=\"600\">{:.0}</text></g>",
                        esc(&topic.name),
                        esc(&h.tools[j].name),
                        c.mean,
                        plural(c.attempts, "answer", "answers"),
                        x + 1.0,
                        y + 1.0,
                        cw - 2.0,
                        ch - 2.0,
                        hex(col),
                        x + cw / 2.0,
                        y + ch / 2.0 + 4.0,
                        ink_on(col),
                        c.mean
                    );
                }
                None => {
                    let _ = writeln!(
                        o,
                        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"#eef0f4\"/>",
                        x + 1.0,
                        y + 1.0,
                        cw - 2.0,
                        ch - 2.0
                    );
                }
            }
        }
    }
    let ly = top + ch * h.topics.len() as f64 + 22.0;
    let _ = writeln!(
        o,
        "<rect x=\"{label_w:.1}\" y=\"{ly:.1}\" width=\"200\" height=\"10\" rx=\"3\" fill=\"url(#scale)\"/>"
    );
    for v in [0.0, 50.0, 100.0] {
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#5d6677\">{v:.0}</text>",
            label_w + 2.0 * v,
            ly + 26.0
        );
    }
    o.push_str("</svg>");
    o
}

/// The score trend (mean per day and running mean) as inline SVG.
pub fn trend_svg(d: &PlanData) -> String {
    let p = &d.progress;
    if p.is_empty() {
        return "<p class=\"muted\">No scored answers yet.</p>".to_string();
    }
    let (w, h, left, right, top, bottom) = (920.0, 280.0, 44.0, 64.0, 14.0, 44.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let first = p[0].date;
    let span = (p[p.len() - 1].date - first).whole_days().max(0) as f64;
    let x = |date: time::Date| {
        if span == 0.0 {
            left + pw / 2.0
        } else {
            left + pw * (date - first).whole_days() as f64 / span
        }
    };
    let y = |v: f64| top + ph * (100.0 - v.clamp(0.0, 100.0)) / 100.0;
    let mut o = String::new();
    let _ = writeln!(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"Score trend\" {SVG_FONT}>");
    for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = writeln!(
            o,
            "<line x1=\"{left:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#dde1e8\"/>",
            left + pw,
            y(v),
            y(v)
        );
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#5d6677\">{v:.0}</text>",
            left - 8.0,
            y(v) + 4.0
        );
    }
    for (v, label, colour) in [(mastery::READY, "ready", "#3f8f4e"), (mastery::ALMOST, "almost", "#d9911a")] {
        let _ = writeln!(o, "<line x1=\"{left:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-dasharray=\"2 4\"/>", left + pw, y(v), y(v));
        let _ = writeln!(
            o,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{colour}\" font-size=\"11\">{label}</text>",
            left + pw + 6.0,
            y(v) + 4.0
        );
    }
    let line = |f: &dyn Fn(&mastery::DayPoint) -> f64| {
        p.iter().map(|d| format!("{:.1},{:.1}", x(d.date), y(f(d)))).collect::<Vec<_>>().join(" ")
    };
    if p.len() > 1 {
        let _ = writeln!(
            o,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#8a93a6\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
            line(&|d| d.running_mean)
        );
        let _ = writeln!(
            o,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#3559c7\" stroke-width=\"2.5\"/>",
            line(&|d| d.mean)
        );
    }
    for d in p {
        let _ = writeln!(
            o,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"#3559c7\"><title>{}: mean {:.0} over {} (best {:.0})</title></circle>",
            x(d.date),
            y(d.mean),
            iso(d.date),
            d.mean,
            plural(d.attempts, "answer", "answers"),
            d.best
        );
    }
    // At most 8 date labels, always the first and the last.
    let step = p.len().div_ceil(8).max(1);
    for (i, d) in p.iter().enumerate() {
        if i % step == 0 || i == p.len() - 1 {
            let _ = writeln!(
                o,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#5d6677\">{}</text>",
                x(d.date),
                top + ph + 22.0,
                &iso(d.date)[5..]
            );
        }
    }
    o.push_str("</svg>");
    o
}

/// The gap plan as one self-contained HTML page.
pub fn render_html(data: &PlanData) -> String {
    let notes = data
        .notes
        .iter()
        .map(|n| format!("<section><p class=\"muted\">Note: {}.</p></section>", esc(n)))
        .collect::<Vec<_>>()
        .join("\n");
    let vars = [
        ("scope_label", esc(&data.scope.label)),
        ("scope", esc(&scope_line(data))),
        ("headline", html_headline(data)),
        ("topics", html_topics(data)),
        ("tools", html_tools(data)),
        ("heatmap", heatmap_svg(data)),
        ("weakest", html_weakest(data)),
        ("ideas", html_ideas(data)),
        ("study", html_study(data)),
        ("next", html_next(data)),
        ("calendar", html_calendar(data)),
        ("trend", trend_svg(data)),
        ("progress", html_progress(data)),
        ("delivery", html_delivery(data)),
        ("notes", notes),
        ("generated", esc(&data.generated_at)),
    ];
    fill(HTML_TEMPLATE, &vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_names_once_and_keeps_unknown_ones() {
        let out = fill("a {{x}} b {{ y }} c {{z}} {{", &[("x", "1 {{y}}".into()), ("y", "2".into())]);
        assert_eq!(out, "a 1 {{y}} b 2 c {{z}} {{");
        assert_eq!(placeholders("{{a}} and {{ b }}"), vec!["a", "b"]);
    }

    #[test]
    fn templates_use_exactly_the_names_the_renderers_fill() {
        let md: std::collections::BTreeSet<String> = placeholders(MARKDOWN_TEMPLATE).into_iter().collect();
        let want: std::collections::BTreeSet<String> = [
            "scope", "headline", "topics", "tools", "weakest", "ideas", "study", "next", "calendar", "progress",
            "delivery", "notes",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(md, want);
        let html: std::collections::BTreeSet<String> = placeholders(HTML_TEMPLATE).into_iter().collect();
        let mut want_html = want.clone();
        want_html.extend(["scope_label", "heatmap", "trend", "generated"].iter().map(|s| s.to_string()));
        assert_eq!(html, want_html);
    }

    #[test]
    fn html_escaping_and_inline_markdown() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(inline_md("run `kubectl top` **first**"), "run <code>kubectl top</code> <b>first</b>");
    }

    #[test]
    fn colours_run_from_red_through_amber_to_green() {
        assert_eq!(hex(score_colour(0.0)), "#c8362b");
        assert_eq!(hex(score_colour(50.0)), "#f6c85f");
        assert_eq!(hex(score_colour(100.0)), "#2f854a");
        assert_eq!(ink_on(score_colour(0.0)), "#ffffff");
        assert_eq!(ink_on(score_colour(50.0)), "#1d2330");
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;
    use crate::plan::tests::{attempt, fixture_bank};
    use crate::plan::{from_attempts, PlanFilter};
    use time::macros::datetime;

    #[test]
    fn an_empty_history_renders_every_section_without_placeholders() {
        let bank = fixture_bank();
        let data = from_attempts(&bank, vec![], &PlanFilter::default(), datetime!(2025-03-10 08:00 UTC));
        let md = render_markdown(&data);
        assert!(!md.contains("{{"), "{md}");
        assert!(md.contains("No scored answers in this scope yet"));
        assert!(md.contains("| 2025-03-10 | q3 · Title of q3 |"), "new questions are still proposed:\n{md}");
        let html = render_html(&data);
        assert!(!html.contains("{{"));
        assert!(html.contains("No scored answers yet."));
    }

    #[test]
    fn text_from_the_bank_is_escaped_in_html_and_markdown_tables() {
        let mut bank = fixture_bank();
        bank.questions[0].title = "<script>alert(1)</script> | pipes".into();
        bank.taxonomy.topics[0].name = "Serving & <b>friends</b>".into();
        let atts = vec![attempt(1, "q1", "serving", &["kubernetes"], "2025-03-03", 20.0, &[("rollback <plan>", 0.0)])];
        let data = from_attempts(&bank, atts, &PlanFilter::default(), datetime!(2025-03-10 08:00 UTC));
        let html = render_html(&data);
        assert!(!html.contains("<script>") && !html.contains("<b>friends</b>"));
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                && html.contains("Serving &amp; &lt;b&gt;friends&lt;/b&gt;")
        );
        assert!(html.contains("rollback &lt;plan&gt;"));
        let md = render_markdown(&data);
        assert!(md.contains("\\| pipes"), "{md}");
    }
}
