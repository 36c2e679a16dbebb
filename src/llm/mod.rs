//! Optional written feedback from a language model behind any OpenAI-compatible endpoint
//! (llama.cpp's llama-server, vLLM, Ollama, a hosted API).
//!
//! The rubric score is final: the model is asked to explain the [`Scorecard`], never to
//! re-grade, and nothing it says flows back into a score. The candidate's answer is sent
//! fenced as data. Feedback streams as it is written; with a JSON schema where the server
//! honours one (validated against the rubric's criteria), as plain text where it does not.
//!
//! This is the only module that speaks HTTP (it also sends recordings to a speech
//! endpoint for [`crate::speech`]). Callers see [`FeedbackSource`] (or the
//! one-call [`feedback_stream`]) and get a [`Feedback`] or an [`LlmError`] whose message
//! is one line. The API key lives in a [`Secret`] that prints as `***` and is scrubbed
//! from anything a server sends back, so it cannot reach logs, errors, the store or a
//! report.

mod client;
mod prompt;
mod render;
mod sse;

pub use client::{check_endpoint, transcribe, EndpointCheck, HttpFeedback};
pub use prompt::{build_request, response_schema, ChatRequest, Schema};
pub use render::JsonStreamRenderer;

use crate::bank::Question;
use crate::scoring::Scorecard;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The environment variable the API key is read from unless the settings name another.
pub const DEFAULT_API_KEY_ENV: &str = "GRILL_LLM_API_KEY";
/// How long to wait for the first token (connecting, prompt processing, queueing).
pub const DEFAULT_FIRST_TOKEN_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one feedback may take in all, retries included.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(180);

/// A value that must never be shown: Debug and Display print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The real value, for the one place that needs it: the Authorization header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.0, "***")
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Where and how to ask for feedback. Off (`base_url` is `None`) unless configured.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The endpoint, e.g. `http://127.0.0.1:8080` or `http://host/v1`.
    pub base_url: Option<String>,
    /// The model name to send; `None` uses the first model the server lists.
    pub model: Option<String>,
    /// The name of the environment variable the key came from (for hints).
    pub api_key_env: String,
    pub api_key: Option<Secret>,
    pub first_token_timeout: Duration,
    pub total_timeout: Duration,
    /// Ask for a JSON schema (`response_format`); off sends a plain-text request.
    pub structured: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            base_url: None,
            model: None,
            api_key_env: DEFAULT_API_KEY_ENV.to_string(),
            api_key: None,
            first_token_timeout: DEFAULT_FIRST_TOKEN_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            structured: true,
        }
    }
}

impl Settings {
    /// Settings for `base_url`, with the key read from the environment variable `api_key_env`.
    pub fn new(base_url: Option<String>, model: Option<String>, api_key_env: Option<String>) -> Settings {
        let api_key_env = api_key_env.filter(|s| !s.is_empty()).unwrap_or_else(|| DEFAULT_API_KEY_ENV.to_string());
        let api_key = std::env::var(&api_key_env).ok().filter(|k| !k.trim().is_empty()).map(|k| Secret::new(k.trim()));
        Settings {
            base_url: base_url.filter(|s| !s.trim().is_empty()),
            model: model.filter(|s| !s.trim().is_empty()),
            api_key_env,
            api_key,
            ..Settings::default()
        }
    }

    pub fn is_configured(&self) -> bool {
        self.base_url.is_some()
    }

    /// The API root the paths hang from: a bare `http://host:port` gets `/v1`, a URL
    /// with a path (`http://host/v1`, `http://host/api/v1`) is used as given.
    pub fn api_root(&self) -> Result<String, LlmError> {
        let raw = self.base_url.as_deref().ok_or(LlmError::NotConfigured)?.trim().trim_end_matches('/');
        let rest = if let Some(r) = raw.strip_prefix("http://") {
            r
        } else if raw.starts_with("https://") {
            return Err(LlmError::Config(format!(
                "{raw}: this build speaks plain HTTP only (no TLS); point llm_base_url at a local server or an HTTP proxy"
            )));
        } else {
            return Err(LlmError::Config(format!("llm_base_url '{raw}' must start with http://")));
        };
        if rest.is_empty() || rest.starts_with('/') {
            return Err(LlmError::Config(format!("llm_base_url '{raw}' has no host")));
        }
        Ok(if rest.contains('/') { raw.to_string() } else { format!("{raw}/v1") })
    }

    /// Replace the secret in `text` with `***`.
    pub fn scrub(&self, text: &str) -> String {
        match &self.api_key {
            Some(k) => k.scrub(text),
            None => text.to_string(),
        }
    }
}

/// Why feedback could not be had. Every message is one line and never holds the key.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error(
        "LLM feedback is off: set llm_base_url in the config file or GRILL_LLM_BASE_URL (e.g. http://127.0.0.1:8080)"
    )]
    NotConfigured,
    #[error("LLM settings: {0}")]
    Config(String),
    #[error("cannot reach the LLM endpoint {url}: {reason} (is the server running? `grill doctor` checks it)")]
    Unreachable { url: String, reason: String },
    #[error("the LLM endpoint sent nothing within {secs}s (first-token timeout); the score stands, try again or raise the timeout")]
    FirstTokenTimeout { secs: u64 },
    #[error("the LLM feedback did not finish within {secs}s (total timeout); the score stands")]
    TotalTimeout { secs: u64 },
    #[error("the LLM endpoint refused the request: HTTP {status}: {message} (check the API key in ${env})")]
    Unauthorized { status: u16, message: String, env: String },
    #[error("the LLM endpoint answered HTTP 404: {message} (check llm_base_url and llm_model; `grill doctor` lists the models)")]
    NotFound { message: String },
    #[error("the LLM endpoint answered HTTP {status}: {message}")]
    Status { status: u16, message: String },
    #[error("the LLM endpoint sent malformed data: {0}")]
    Malformed(String),
    #[error("the LLM connection failed: {0}")]
    Io(String),
}

/// One rubric idea the answer missed or only touched, as the model explains it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Gap {
    /// The rubric criterion's id.
    pub criterion: String,
    /// What was missing or weak, and why it matters.
    pub missing: String,
    /// The candidate's own words on it, or "not mentioned".
    pub evidence: String,
}

/// Written feedback on one scored answer. It explains the score; it never changes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Feedback {
    pub strengths: Vec<String>,
    pub gaps: Vec<Gap>,
    /// A better version of the answer's weakest paragraph.
    pub better_paragraph: String,
    pub follow_up: String,
    /// The model's text as it arrived (JSON when structured).
    pub text: String,
    /// True when `text` was valid JSON matching the schema; false for plain text.
    pub structured: bool,
    /// The model the server says answered.
    pub model: String,
}

impl Feedback {
    /// The feedback as Markdown, for reports.
    pub fn to_markdown(&self) -> String {
        if !self.structured {
            return format!("{}\n", self.text.trim());
        }
        let mut out = String::new();
        if !self.strengths.is_empty() {
            out.push_str("**Strengths**\n\n");
            for s in &self.strengths {
                out.push_str(&format!("- {}\n", s.trim()));
            }
            out.push('\n');
        }
        if !self.gaps.is_empty() {
            out.push_str("**Gaps**\n\n");
            for g in &self.gaps {
                out.push_str(&format!(
                    "- `{}`: {} (your words: {})\n",
                    g.criterion,
                    g.missing.trim(),
                    g.evidence.trim()
                ));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "**A better version of your weakest paragraph**\n\n{}\n\n",
            self.better_paragraph.trim()
        ));
        out.push_str(&format!("**Follow-up question**\n\n{}\n", self.follow_up.trim()));
        out
    }
}

/// What the feedback is about.
#[derive(Debug, Clone, Copy)]
pub struct FeedbackRequest<'a> {
    pub question: &'a Question,
    pub scorecard: &'a Scorecard,
    pub answer: &'a str,
}

/// Anything that writes feedback on a scored answer, streaming text to `on_token` as it
/// is written. The REPL and the reports depend on this, never on HTTP.
pub trait FeedbackSource {
    fn feedback(&self, req: FeedbackRequest<'_>, on_token: &mut dyn FnMut(&str)) -> Result<Feedback, LlmError>;
}

/// Ask the configured endpoint for feedback on `answer`, streaming readable text (not raw
/// JSON) to `on_token` as it arrives. Blocks; runs its own small async runtime.
pub fn feedback_stream(
    settings: &Settings,
    question: &Question,
    scorecard: &Scorecard,
    answer: &str,
    mut on_token: impl FnMut(&str),
) -> Result<Feedback, LlmError> {
    HttpFeedback::new(settings.clone()).feedback(FeedbackRequest { question, scorecard, answer }, &mut on_token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("sk-test-SECRET123");
        assert_eq!(format!("{s} {s:?}"), "*** ***");
        let settings = Settings { api_key: Some(s), ..Settings::default() };
        assert!(!format!("{settings:?}").contains("SECRET123"));
        assert_eq!(settings.scrub("Bearer sk-test-SECRET123 x"), "Bearer *** x");
    }

    #[test]
    fn api_root_adds_v1_only_to_a_bare_host() {
        let root = |u: &str| Settings { base_url: Some(u.into()), ..Settings::default() }.api_root();
        assert_eq!(root("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080/v1");
        assert_eq!(root("http://127.0.0.1:8080/").unwrap(), "http://127.0.0.1:8080/v1");
        assert_eq!(root("http://h/v1/").unwrap(), "http://h/v1");
        assert_eq!(root("http://h/api/v1").unwrap(), "http://h/api/v1");
        assert!(matches!(root("https://h/v1"), Err(LlmError::Config(_))));
        assert!(matches!(root("ftp://h"), Err(LlmError::Config(_))));
        assert!(matches!(Settings::default().api_root(), Err(LlmError::NotConfigured)));
    }
}
