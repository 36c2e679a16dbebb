//! `grill transcribe FILE.wav [--json]`: what was said, and how.

use super::print_json;
use crate::cli::TranscribeArgs;
use crate::config::Config;
use crate::speech::{Spoken, Transcriber};
use crate::ui::{self, Painter};
use anyhow::Result;
use std::path::Path;

/// Transcribe a recording with the configured recogniser and measure its delivery.
pub fn transcribe(cfg: &Config, path: &Path) -> Result<Spoken> {
    let mut t = Transcriber::new(cfg.speech.clone());
    let transcript = t.transcribe_file(path)?;
    if cfg.verbose {
        eprintln!("speech: {}", transcript.engine);
    }
    Ok(Spoken::from_transcript(transcript))
}

pub fn run(cfg: &Config, args: &TranscribeArgs) -> Result<()> {
    let spoken = transcribe(cfg, &args.file)?;
    if args.json {
        return print_json(&spoken);
    }
    let p = Painter { color: cfg.color };
    let width = ui::width();
    println!("{}\n{}\n", p.bold("transcript:"), ui::wrap(&spoken.transcript.text, width, 2));
    let d = &spoken.delivery;
    println!("{} {}", p.bold("delivery:"), d.summary());
    if !d.fillers.is_empty() {
        println!("{}", ui::wrap(&format!("fillers: {}", crate::speech::delivery::filler_list(&d.fillers)), width, 2));
    }
    for (at, secs) in &d.long_pauses {
        println!("pause of {secs:.1} s at {}:{:02}", (*at as u64) / 60, (*at as u64) % 60);
    }
    for a in &d.advice {
        println!("{}", p.yellow(&ui::wrap(&format!("- {a}"), width, 2)));
    }
    Ok(())
}
