//! The `:commands` a user can type instead of a line of answer.

use crate::bank::suggest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Help,
    Edit,
    Draft,
    Hint,
    Skip,
    Reveal,
    Time,
    Aloud,
    Quit,
}

/// Name, command, what it does (for `:help`).
pub const COMMANDS: &[(&str, Cmd, &str)] = &[
    ("edit", Cmd::Edit, "open $EDITOR on what you have typed so far"),
    ("draft", Cmd::Draft, "show what you have typed so far"),
    ("hint", Cmd::Hint, "name one rubric idea your draft is missing (the scorecard notes it)"),
    ("skip", Cmd::Skip, "pass on this question (or this follow-up); your draft is kept"),
    ("reveal", Cmd::Reveal, "show the model answer (practice only; ends the question unscored)"),
    ("time", Cmd::Time, "show the time spent (and left, in a mock)"),
    ("aloud", Cmd::Aloud, "answer aloud: record until Enter, then the transcript joins your draft"),
    ("quit", Cmd::Quit, "leave; everything typed is saved (a mock can be resumed)"),
    ("help", Cmd::Help, "show this list"),
];

const ALIASES: &[(&str, Cmd)] = &[("q", Cmd::Quit), ("exit", Cmd::Quit), ("h", Cmd::Help), ("e", Cmd::Edit)];

/// `None` when the line is answer text (including lines like `:)` or `: because`);
/// otherwise the command, or a message naming the unknown one with a suggestion.
pub fn parse(line: &str) -> Option<Result<Cmd, String>> {
    let t = line.trim();
    let name = t.strip_prefix(':')?;
    if name == "?" {
        return Some(Ok(Cmd::Help));
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let name = name.to_ascii_lowercase();
    if let Some((_, c, _)) = COMMANDS.iter().find(|(n, _, _)| *n == name) {
        return Some(Ok(*c));
    }
    if let Some((_, c)) = ALIASES.iter().find(|(n, _)| *n == name) {
        return Some(Ok(*c));
    }
    let names: Vec<&str> = COMMANDS.iter().map(|(n, _, _)| *n).collect();
    let close = suggest(&name, &names);
    let hint = match close.first() {
        Some(c) => format!("did you mean :{c}? "),
        None => String::new(),
    };
    Some(Err(format!("unknown command :{name}; {hint}(:help lists the commands; a line starting with `:` is never part of your answer)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_aliases_and_answer_text() {
        assert_eq!(parse(":hint"), Some(Ok(Cmd::Hint)));
        assert_eq!(parse("  :QUIT "), Some(Ok(Cmd::Quit)));
        assert_eq!(parse(":q"), Some(Ok(Cmd::Quit)));
        assert_eq!(parse(":?"), Some(Ok(Cmd::Help)));
        assert_eq!(parse("I would roll back first"), None);
        assert_eq!(parse(":)"), None);
        assert_eq!(parse(": then I scale"), None);
        let err = parse(":hnit").unwrap().unwrap_err();
        assert!(err.contains(":hint"), "{err}");
        assert!(parse(":frobnicate").unwrap().unwrap_err().contains(":help"));
    }
}
