//! Readable text from a JSON reply while it is still streaming: headings for the parts,
//! bullets for strengths and gaps, string contents as they arrive. A reply that does not
//! start with `{` (a server that ignored the schema) passes through unchanged.

#[derive(Debug)]
enum Frame {
    Object { key: Option<String>, expect_key: bool },
    Array,
}

#[derive(Debug, Default)]
pub struct JsonStreamRenderer {
    /// `None` until the first non-blank character decides: JSON (`Some(true)`) or text.
    json: Option<bool>,
    stack: Vec<Frame>,
    in_string: bool,
    string_is_key: bool,
    key: String,
    escape: bool,
    /// Hex digits of a `\u` escape being read.
    unicode: Option<String>,
    high_surrogate: Option<u32>,
    suffix: &'static str,
    /// What follows a line break inside a value, so continued lines stay indented.
    indent: &'static str,
    headings: usize,
}

fn heading(key: &str) -> String {
    match key {
        "strengths" => "Strengths".into(),
        "gaps" => "Gaps".into(),
        "better_paragraph" => "A better version of your weakest paragraph".into(),
        "follow_up" => "Follow-up question".into(),
        other => other.replace('_', " "),
    }
}

impl JsonStreamRenderer {
    pub fn new() -> JsonStreamRenderer {
        JsonStreamRenderer::default()
    }

    /// The object keys from the outermost in, for the string value about to start.
    fn path(&self) -> (Option<&str>, Option<&str>) {
        let keys: Vec<&str> = self
            .stack
            .iter()
            .filter_map(|f| match f {
                Frame::Object { key: Some(k), .. } => Some(k.as_str()),
                _ => None,
            })
            .collect();
        (keys.first().copied(), if keys.len() > 1 { keys.last().copied() } else { None })
    }

    /// Feed a piece of the reply; returns the text to show for it.
    pub fn push(&mut self, piece: &str) -> String {
        let mut out = String::new();
        for ch in piece.chars() {
            match self.json {
                None if ch.is_whitespace() => continue,
                None => self.json = Some(ch == '{'),
                _ => {}
            }
            if self.json == Some(false) {
                out.push(ch);
                continue;
            }
            if self.in_string {
                self.string_char(ch, &mut out);
            } else {
                self.structural(ch, &mut out);
            }
        }
        out
    }

    fn emit(&mut self, c: char, out: &mut String) {
        if self.string_is_key {
            self.key.push(c);
        } else {
            out.push(c);
            if c == '\n' {
                out.push_str(self.indent);
            }
        }
    }

    fn string_char(&mut self, ch: char, out: &mut String) {
        if let Some(hex) = &mut self.unicode {
            hex.push(ch);
            if hex.len() == 4 {
                let code = u32::from_str_radix(hex, 16).unwrap_or(0xFFFD);
                self.unicode = None;
                if (0xD800..0xDC00).contains(&code) {
                    self.high_surrogate = Some(code);
                    return;
                }
                let c = match self.high_surrogate.take() {
                    Some(hi) if (0xDC00..0xE000).contains(&code) => {
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (code - 0xDC00))
                    }
                    _ => char::from_u32(code),
                };
                self.emit(c.unwrap_or('\u{FFFD}'), out);
            }
            return;
        }
        if self.escape {
            self.escape = false;
            let c = match ch {
                'n' => '\n',
                't' => '\t',
                'r' => return,
                'b' | 'f' => return,
                'u' => {
                    self.unicode = Some(String::new());
                    return;
                }
                other => other,
            };
            self.emit(c, out);
            return;
        }
        match ch {
            '\\' => self.escape = true,
            '"' => {
                self.in_string = false;
                if self.string_is_key {
                    let key = std::mem::take(&mut self.key);
                    if self.stack.len() == 1 {
                        if self.headings > 0 {
                            out.push('\n');
                        }
                        self.headings += 1;
                        out.push_str(&heading(&key));
                        out.push_str(":\n");
                    }
                    if let Some(Frame::Object { key: k, expect_key }) = self.stack.last_mut() {
                        *k = Some(key);
                        *expect_key = false;
                    }
                } else {
                    out.push_str(self.suffix);
                }
            }
            c => self.emit(c, out),
        }
    }

    fn structural(&mut self, ch: char, out: &mut String) {
        match ch {
            '{' => self.stack.push(Frame::Object { key: None, expect_key: true }),
            '[' => self.stack.push(Frame::Array),
            '}' | ']' => {
                self.stack.pop();
            }
            ',' => {
                if let Some(Frame::Object { expect_key, .. }) = self.stack.last_mut() {
                    *expect_key = true;
                }
            }
            '"' => {
                self.in_string = true;
                self.string_is_key = matches!(self.stack.last(), Some(Frame::Object { expect_key: true, .. }));
                if !self.string_is_key {
                    let (prefix, suffix) = match self.path() {
                        (Some("gaps"), Some("criterion")) => ("  - [", "]\n"),
                        (Some("gaps"), Some("missing")) => ("    ", "\n"),
                        (Some("gaps"), Some("evidence")) => ("    your words: ", "\n"),
                        (Some(_), _) if matches!(self.stack.last(), Some(Frame::Array)) => ("  - ", "\n"),
                        _ => ("  ", "\n"),
                    };
                    out.push_str(prefix);
                    self.suffix = suffix;
                    self.indent = if matches!(self.path(), (Some("gaps"), _)) { "    " } else { "  " };
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = r#"{"strengths": ["Names \"canary\" rollout", "Rollback \u00e9 \ud83d\ude00"], "gaps": [{"criterion": "c2", "missing": "No drift metric.", "evidence": "not mentioned"}], "better_paragraph": "Line one\nline two", "follow_up": "How would you alert?"}"#;

    #[test]
    fn json_streams_as_readable_text_whatever_the_chunks() {
        let whole = JsonStreamRenderer::new().push(REPLY);
        assert_eq!(
            whole,
            "Strengths:\n  - Names \"canary\" rollout\n  - Rollback é 😀\n\nGaps:\n  - [c2]\n    No drift metric.\n    your words: not mentioned\n\n\
             A better version of your weakest paragraph:\n  Line one\n  line two\n\nFollow-up question:\n  How would you alert?\n"
        );
        let mut r = JsonStreamRenderer::new();
        let by_char: String = REPLY.chars().map(|c| r.push(&c.to_string())).collect();
        assert_eq!(by_char, whole);
    }

    #[test]
    fn plain_text_passes_through() {
        let mut r = JsonStreamRenderer::new();
        assert_eq!(r.push("  Strengths: "), "Strengths: ");
        assert_eq!(r.push("{not json}"), "{not json}");
    }
}
