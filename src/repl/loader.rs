//! The scoring model, loaded on a background thread while the user reads and types,
//! and spinners for the moments the user waits.

use crate::config::Config;
use crate::engine::Engine;
use anyhow::{anyhow, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::thread::JoinHandle;
use std::time::Duration;

enum State {
    Loading(JoinHandle<Result<Engine>>),
    Ready(Box<Engine>),
    Failed(String),
}

pub struct Loader {
    state: State,
}

/// A spinner on standard error (drawn only on a terminal).
pub fn spinner(message: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        pb.set_style(style);
    }
    pb.set_message(message.to_string());
    pb.enable_steady_tick(Duration::from_millis(80));
    pb
}

impl Loader {
    /// Start loading the model now; [`Loader::get`] waits for it.
    pub fn start(cfg: &Config) -> Loader {
        let cfg = cfg.clone();
        let handle = std::thread::Builder::new().name("grill-model".into()).spawn(move || Engine::load(&cfg));
        match handle {
            Ok(h) => Loader { state: State::Loading(h) },
            Err(e) => Loader { state: State::Failed(format!("cannot start loading the scoring model: {e}")) },
        }
    }

    /// The engine, waiting (with a spinner) if it is still loading.
    pub fn get(&mut self) -> Result<&mut Engine> {
        if !matches!(self.state, State::Loading(_)) {
            // already resolved
        } else if let State::Loading(handle) = std::mem::replace(&mut self.state, State::Failed(String::new())) {
            let pb = (!handle.is_finished()).then(|| spinner("loading the scoring model…"));
            let result = handle.join();
            if let Some(pb) = pb {
                pb.finish_and_clear();
            }
            self.state = match result {
                Ok(Ok(engine)) => State::Ready(Box::new(engine)),
                Ok(Err(e)) => State::Failed(format!("{e:#}")),
                Err(_) => State::Failed("the scoring model's loader crashed".into()),
            };
        }
        match &mut self.state {
            State::Ready(engine) => Ok(engine),
            State::Failed(msg) => Err(anyhow!(
                "the scoring model is not available: {msg}\nhint: `grill doctor` checks the model and ONNX Runtime"
            )),
            State::Loading(_) => Err(anyhow!("the scoring model is still loading")),
        }
    }
}

impl Drop for Loader {
    /// Wait for a load still in progress: exiting while another thread is inside ONNX
    /// Runtime's session set-up races its library teardown and can crash the process.
    fn drop(&mut self) {
        if let State::Loading(handle) = std::mem::replace(&mut self.state, State::Failed(String::new())) {
            let _ = handle.join();
        }
    }
}
