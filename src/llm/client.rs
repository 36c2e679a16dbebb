//! The HTTP side: streaming chat completions over server-sent events, with a first-token
//! and a total timeout, retries only before anything was streamed, and every message from
//! a server scrubbed of the key and cut to one line.

use super::prompt::{build_request, parse_reply};
use super::render::JsonStreamRenderer;
use super::sse::SseDecoder;
use super::{Feedback, FeedbackRequest, FeedbackSource, LlmError, Settings};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Tries per request when the failure is safe to retry (nothing streamed yet).
const ATTEMPTS: u32 = 3;
const BACKOFF: Duration = Duration::from_millis(400);
/// The longest `Retry-After` honoured; a longer one is reported instead of waited out.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(8);

/// Feedback from an OpenAI-compatible endpoint.
pub struct HttpFeedback {
    settings: Settings,
}

/// What `grill doctor` learns about an endpoint.
#[derive(Debug, Clone)]
pub struct EndpointCheck {
    pub api_root: String,
    pub models: Vec<String>,
    /// The model feedback will use.
    pub model: String,
    /// The time to the first streamed token of a tiny chat request.
    pub first_token: Duration,
}

impl HttpFeedback {
    pub fn new(settings: Settings) -> HttpFeedback {
        HttpFeedback { settings }
    }
}

impl FeedbackSource for HttpFeedback {
    fn feedback(&self, req: FeedbackRequest<'_>, on_token: &mut dyn FnMut(&str)) -> Result<Feedback, LlmError> {
        let s = &self.settings;
        let root = s.api_root()?;
        block_on(s, async {
            let http = Http::new(s, root)?;
            let model = match &s.model {
                Some(m) => m.clone(),
                None => http.models().await?.into_iter().next().ok_or_else(|| {
                    LlmError::Config("the endpoint lists no models; set llm_model (or GRILL_LLM_MODEL)".into())
                })?,
            };
            http.feedback(&model, req, on_token).await
        })
    }
}

/// Check an endpoint: list its models, then time the first token of a tiny streamed chat.
pub fn check_endpoint(settings: &Settings) -> Result<EndpointCheck, LlmError> {
    let root = settings.api_root()?;
    block_on(settings, async {
        let http = Http::new(settings, root.clone())?;
        let models = http.models().await?;
        let model = match &settings.model {
            Some(m) => m.clone(),
            None => models.first().cloned().ok_or_else(|| LlmError::Config("the endpoint lists no models".into()))?,
        };
        let body = serde_json::json!({
            "model": model,
            "messages": [{"role": "user", "content": "Say OK."}],
            "stream": true,
            "max_tokens": 2,
            "temperature": 0
        })
        .to_string();
        let start = Instant::now();
        let mut first = None;
        http.stream(&body, &mut |_| {
            first.get_or_insert_with(|| start.elapsed());
        })
        .await?;
        Ok(EndpointCheck { api_root: root, models, model, first_token: first.unwrap_or_else(|| start.elapsed()) })
    })
}

/// Transcribe a WAV recording at an OpenAI-compatible `/audio/transcriptions` endpoint;
/// returns its `verbose_json` reply (text, segments and, where supported, word timings).
pub fn transcribe(settings: &Settings, model: &str, wav: &[u8]) -> Result<Value, LlmError> {
    let root = settings.api_root()?;
    block_on(settings, async {
        let http = Http::new(settings, root)?;
        let url = format!("{}/audio/transcriptions", http.root);
        let file = reqwest::multipart::Part::bytes(wav.to_vec())
            .file_name("answer.wav")
            .mime_str("audio/wav")
            .map_err(|e| LlmError::Io(e.to_string()))?;
        let form = reqwest::multipart::Form::new()
            .part("file", file)
            .text("model", model.to_string())
            .text("language", "en")
            .text("response_format", "verbose_json")
            .text("timestamp_granularities[]", "word")
            .text("timestamp_granularities[]", "segment");
        let resp = http.client.post(&url).multipart(form).send().await.map_err(|e| http.send_error(&url, &e))?;
        if !resp.status().is_success() {
            return Err(http.status_error(resp).await);
        }
        let body = resp.text().await.map_err(|e| LlmError::Io(http.clean(&e.to_string())))?;
        serde_json::from_str(&body)
            .map_err(|e| LlmError::Malformed(format!("POST {url} did not return verbose_json ({e})")))
    })
}

/// Run `fut` on a small single-threaded runtime under the total timeout.
fn block_on<T>(s: &Settings, fut: impl std::future::Future<Output = Result<T, LlmError>>) -> Result<T, LlmError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LlmError::Io(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(async {
        match tokio::time::timeout(s.total_timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(LlmError::TotalTimeout { secs: s.total_timeout.as_secs() }),
        }
    })
}

struct Http<'a> {
    client: reqwest::Client,
    root: String,
    settings: &'a Settings,
}

/// What one streamed response held.
struct Streamed {
    text: String,
    model: Option<String>,
}

impl<'a> Http<'a> {
    fn new(settings: &'a Settings, root: String) -> Result<Http<'a>, LlmError> {
        let mut headers = HeaderMap::new();
        if let Some(key) = &settings.api_key {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                LlmError::Config(format!("the API key in ${} is not a valid header value", settings.api_key_env))
            })?;
            v.set_sensitive(true);
            headers.insert(AUTHORIZATION, v);
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(settings.first_token_timeout)
            .build()
            .map_err(|e| LlmError::Io(settings.scrub(&e.to_string())))?;
        Ok(Http { client, root, settings })
    }

    /// Server text made safe for a one-line message: key scrubbed, one line, short.
    fn clean(&self, text: &str) -> String {
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut s = self.settings.scrub(&one_line);
        if s.chars().count() > 200 {
            s = s.chars().take(200).collect::<String>() + "…";
        }
        s
    }

    fn send_error(&self, url: &str, e: &reqwest::Error) -> LlmError {
        let mut reason = String::new();
        let mut src: Option<&dyn std::error::Error> = Some(e);
        // The innermost cause says what happened ("Connection refused"); reqwest's own text
        // only says that sending failed.
        while let Some(err) = src {
            reason = err.to_string();
            src = err.source();
        }
        if e.is_connect() || e.is_timeout() {
            LlmError::Unreachable { url: url.to_string(), reason: self.clean(&reason) }
        } else {
            LlmError::Io(self.clean(&format!("{url}: {reason}")))
        }
    }

    async fn status_error(&self, resp: reqwest::Response) -> LlmError {
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap_or_default();
        let message = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| {
                v.pointer("/error/message")
                    .or_else(|| v.get("error"))
                    .or_else(|| v.get("message"))
                    .and_then(|m| m.as_str().map(str::to_string))
            })
            .unwrap_or(body);
        let message = match self.clean(&message) {
            m if m.is_empty() => {
                reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("").to_string()
            }
            m => m,
        };
        match status {
            401 | 403 => LlmError::Unauthorized { status, message, env: self.settings.api_key_env.clone() },
            404 => LlmError::NotFound { message },
            _ => LlmError::Status { status, message },
        }
    }

    async fn models(&self) -> Result<Vec<String>, LlmError> {
        let url = format!("{}/models", self.root);
        let first_token = self.settings.first_token_timeout;
        let secs = first_token.as_secs();
        let resp = tokio::time::timeout(first_token, self.client.get(&url).send())
            .await
            .map_err(|_| LlmError::FirstTokenTimeout { secs })?
            .map_err(|e| self.send_error(&url, &e))?;
        if !resp.status().is_success() {
            return Err(self.status_error(resp).await);
        }
        let body = tokio::time::timeout(first_token, resp.text())
            .await
            .map_err(|_| LlmError::FirstTokenTimeout { secs })?
            .map_err(|e| LlmError::Io(self.clean(&e.to_string())))?;
        let v: Value = serde_json::from_str(&body)
            .map_err(|e| LlmError::Malformed(format!("GET {url} did not return JSON ({e})")))?;
        let data = v
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| LlmError::Malformed(format!("GET {url} returned JSON without a \"data\" list of models")))?;
        Ok(data.iter().filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_string)).collect())
    }

    async fn feedback(
        &self,
        model: &str,
        req: FeedbackRequest<'_>,
        on_token: &mut dyn FnMut(&str),
    ) -> Result<Feedback, LlmError> {
        let ids: Vec<&str> = req.scorecard.criteria.iter().map(|c| c.id.as_str()).collect();
        let mut structured = self.settings.structured;
        let mut renderer = JsonStreamRenderer::new();
        let mut render = |t: &str| {
            let shown = renderer.push(t);
            if !shown.is_empty() {
                on_token(&shown);
            }
        };
        let body = |structured| serde_json::to_string(&build_request(model, req, structured)).unwrap_or_default();
        let streamed = match self.stream(&body(structured), &mut render).await {
            // A server that rejects `response_format` gets the plain-text request instead.
            Err(LlmError::Status { status: 400 | 422, .. }) if structured => {
                structured = false;
                self.stream(&body(false), &mut render).await?
            }
            other => other?,
        };
        let model = streamed.model.unwrap_or_else(|| model.to_string());
        if streamed.text.trim().is_empty() {
            return Err(LlmError::Malformed("the model returned no text".into()));
        }
        let parsed = if structured { parse_reply(&streamed.text, &ids, &model) } else { None };
        Ok(parsed.unwrap_or(Feedback {
            strengths: Vec::new(),
            gaps: Vec::new(),
            better_paragraph: String::new(),
            follow_up: String::new(),
            text: streamed.text,
            structured: false,
            model,
        }))
    }

    /// POST a chat completion and stream its content to `on_token`. Retries connection
    /// failures, 429 and 5xx, with backoff, as long as nothing has been streamed.
    async fn stream(&self, body: &str, on_token: &mut dyn FnMut(&str)) -> Result<Streamed, LlmError> {
        let url = format!("{}/chat/completions", self.root);
        let secs = self.settings.first_token_timeout.as_secs();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let deadline = tokio::time::Instant::now() + self.settings.first_token_timeout;
            let sent = tokio::time::timeout_at(
                deadline,
                self.client.post(&url).header(CONTENT_TYPE, "application/json").body(body.to_string()).send(),
            )
            .await
            .map_err(|_| LlmError::FirstTokenTimeout { secs })?;
            let resp = match sent {
                Ok(r) => r,
                Err(e) if e.is_connect() && attempt < ATTEMPTS => {
                    tokio::time::sleep(BACKOFF * 2u32.pow(attempt - 1)).await;
                    continue;
                }
                Err(e) => return Err(self.send_error(&url, &e)),
            };
            let status = resp.status();
            if (status.as_u16() == 429 || status.is_server_error()) && attempt < ATTEMPTS {
                let wait = retry_after(resp.headers()).unwrap_or(BACKOFF * 2u32.pow(attempt - 1));
                if wait <= MAX_RETRY_AFTER {
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            if !status.is_success() {
                return Err(self.status_error(resp).await);
            }
            return self.read_stream(resp, deadline, on_token).await;
        }
    }

    async fn read_stream(
        &self,
        mut resp: reqwest::Response,
        first_token_deadline: tokio::time::Instant,
        on_token: &mut dyn FnMut(&str),
    ) -> Result<Streamed, LlmError> {
        let secs = self.settings.first_token_timeout.as_secs();
        let is_sse = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let mut out = Streamed { text: String::new(), model: None };
        if !is_sse {
            // A server that ignores `stream: true` answers with one JSON completion.
            let body = tokio::time::timeout_at(first_token_deadline, resp.text())
                .await
                .map_err(|_| LlmError::FirstTokenTimeout { secs })?
                .map_err(|e| LlmError::Io(self.clean(&e.to_string())))?;
            let v: Value = serde_json::from_str(&body)
                .map_err(|e| LlmError::Malformed(format!("the response is not JSON ({e}): {}", self.clean(&body))))?;
            self.check_error_object(&v)?;
            let text = v
                .pointer("/choices/0/message/content")
                .and_then(Value::as_str)
                .ok_or_else(|| LlmError::Malformed("the response has no choices[0].message.content".into()))?;
            out.model = v.get("model").and_then(Value::as_str).map(str::to_string);
            on_token(text);
            out.text = text.to_string();
            return Ok(out);
        }
        let mut sse = SseDecoder::default();
        loop {
            let chunk = if out.text.is_empty() {
                tokio::time::timeout_at(first_token_deadline, resp.chunk())
                    .await
                    .map_err(|_| LlmError::FirstTokenTimeout { secs })?
            } else {
                resp.chunk().await
            };
            let (events, ended) =
                match chunk.map_err(|e| LlmError::Io(self.clean(&format!("the stream broke off: {e}"))))? {
                    Some(bytes) => (sse.push(&bytes), false),
                    // The body ended without `[DONE]`: keep what came.
                    None => (sse.finish().into_iter().collect(), true),
                };
            for data in events {
                if data.trim() == "[DONE]" {
                    return Ok(out);
                }
                let v: Value = serde_json::from_str(&data).map_err(|e| {
                    LlmError::Malformed(format!("a stream event is not JSON ({e}): {}", self.clean(&data)))
                })?;
                self.check_error_object(&v)?;
                if out.model.is_none() {
                    out.model = v.get("model").and_then(Value::as_str).map(str::to_string);
                }
                if let Some(t) = v.pointer("/choices/0/delta/content").and_then(Value::as_str) {
                    if !t.is_empty() {
                        out.text.push_str(t);
                        on_token(t);
                    }
                }
            }
            if ended {
                return Ok(out);
            }
        }
    }

    /// An `{"error": …}` event or body is the server reporting a failure in-band.
    fn check_error_object(&self, v: &Value) -> Result<(), LlmError> {
        match v.get("error") {
            Some(e) if !e.is_null() => {
                let msg = e.get("message").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| e.to_string());
                let status = e.get("code").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok()).unwrap_or(500);
                Err(LlmError::Status { status, message: self.clean(&msg) })
            }
            _ => Ok(()),
        }
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok().map(Duration::from_secs)
}
