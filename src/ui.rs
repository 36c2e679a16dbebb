//! Terminal presentation helpers: styles that vanish when colour is off, wrapping to the
//! terminal width. Only front-end code (commands, the REPL) uses this module.

use anstyle::{AnsiColor, Style};

/// Paints text when colour is on, and leaves it alone otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    pub color: bool,
}

impl Painter {
    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{}{}", style.render(), text, style.render_reset())
        } else {
            text.to_string()
        }
    }
    pub fn bold(&self, t: &str) -> String {
        self.paint(Style::new().bold(), t)
    }
    pub fn dim(&self, t: &str) -> String {
        self.paint(Style::new().dimmed(), t)
    }
    pub fn green(&self, t: &str) -> String {
        self.paint(AnsiColor::Green.on_default(), t)
    }
    pub fn yellow(&self, t: &str) -> String {
        self.paint(AnsiColor::Yellow.on_default(), t)
    }
    pub fn red(&self, t: &str) -> String {
        self.paint(AnsiColor::Red.on_default(), t)
    }
    pub fn cyan(&self, t: &str) -> String {
        self.paint(AnsiColor::Cyan.on_default(), t)
    }
}

/// The terminal's width, or 100 columns when not on a terminal.
pub fn width() -> usize {
    terminal_size::terminal_size().map(|(w, _)| w.0 as usize).unwrap_or(100).clamp(40, 120)
}

/// Wrap each paragraph of `text` to `width`, indenting every line by `indent` spaces.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let opts = textwrap::Options::new(width.saturating_sub(indent).max(20));
    text.lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                let lead = line.len() - line.trim_start().len();
                let sub = format!("{pad}{}", &line[..lead]);
                let cont = if line.trim_start().starts_with(['-', '*'])
                    || line.trim_start().chars().next().is_some_and(|c| c.is_ascii_digit())
                {
                    format!("{sub}  ")
                } else {
                    sub.clone()
                };
                textwrap::fill(line.trim_start(), opts.clone().initial_indent(&sub).subsequent_indent(&cont))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cut `s` to at most `n` characters, marking the cut with an ellipsis.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}
