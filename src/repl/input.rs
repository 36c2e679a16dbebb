//! Where lines come from: rustyline on a terminal (editing, history, bracketed paste),
//! or plain lines from standard input when it is a pipe or a file (tests, scripts).

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::Editor;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

/// Lines longer than this are not kept in the history (pasted answers).
const HISTORY_MAX_LINE: usize = 500;

/// One read from the user.
#[derive(Debug)]
pub enum Input {
    Line(String),
    /// Ctrl-D on a terminal, or the end of piped input.
    Eof,
    /// Ctrl-C on a terminal.
    Interrupted,
    /// A line that could not be used, with the reason (e.g. not UTF-8).
    Invalid(String),
    /// The terminal or pipe failed.
    Failed(String),
}

enum Source {
    Tty(Box<Editor<(), DefaultHistory>>),
    Piped { reader: Box<dyn BufRead>, line: usize },
}

pub struct Reader {
    source: Source,
    history: Option<PathBuf>,
}

impl Reader {
    /// rustyline when standard input is a terminal, else plain lines; `history` is the
    /// file rustyline's history is loaded from and saved to.
    pub fn new(history: Option<PathBuf>) -> Reader {
        if std::io::stdin().is_terminal() {
            let config = rustyline::Config::builder()
                .auto_add_history(false)
                .max_history_size(500)
                .and_then(|b| b.history_ignore_dups(true))
                .map(|b| b.bracketed_paste(true).build());
            if let Ok(config) = config {
                if let Ok(mut ed) = Editor::<(), DefaultHistory>::with_config(config) {
                    if let Some(h) = &history {
                        let _ = ed.load_history(h);
                    }
                    return Reader { source: Source::Tty(Box::new(ed)), history };
                }
            }
        }
        Reader {
            source: Source::Piped { reader: Box::new(std::io::BufReader::new(std::io::stdin())), line: 0 },
            history: None,
        }
    }

    pub fn is_tty(&self) -> bool {
        matches!(self.source, Source::Tty(_))
    }

    pub fn read(&mut self, prompt: &str) -> Input {
        let _ = std::io::stdout().flush();
        match &mut self.source {
            Source::Tty(ed) => match ed.readline(prompt) {
                Ok(line) => Input::Line(line),
                Err(ReadlineError::Eof) => Input::Eof,
                Err(ReadlineError::Interrupted) => Input::Interrupted,
                Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                    Input::Invalid("that input is not valid UTF-8 text; it was ignored".into())
                }
                Err(e) => Input::Failed(format!("cannot read from the terminal: {e}")),
            },
            Source::Piped { reader, line } => {
                println!("{}", prompt.trim_end());
                let mut buf = Vec::new();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) => Input::Eof,
                    Ok(_) => {
                        *line += 1;
                        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                            buf.pop();
                        }
                        match String::from_utf8(buf) {
                            Ok(s) => Input::Line(s),
                            Err(e) => Input::Invalid(format!(
                                "line {} of standard input is not valid UTF-8 text (bad byte at column {}); it was ignored. Save the answer as UTF-8 and try again",
                                line,
                                e.utf8_error().valid_up_to() + 1
                            )),
                        }
                    }
                    Err(e) => Input::Failed(format!("cannot read standard input: {e}")),
                }
            }
        }
    }

    /// Offer a typed line to the history (short lines only).
    pub fn remember(&mut self, line: &str) {
        if let Source::Tty(ed) = &mut self.source {
            if !line.trim().is_empty() && line.len() <= HISTORY_MAX_LINE {
                let _ = ed.add_history_entry(line);
            }
        }
    }

    pub fn save_history(&mut self) {
        if let (Source::Tty(ed), Some(h)) = (&mut self.source, &self.history) {
            let _ = ed.save_history(h);
        }
    }
}
