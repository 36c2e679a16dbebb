//! grill: an offline mock interviewer for MLOps engineers.
//!
//! Layers, from the bottom: [`bank`] (questions, rubrics, taxonomy), [`embed`] (local
//! ONNX sentence embeddings), [`scoring`] (rubric coverage and the Scorecard), [`eval`]
//! (agreement with human grades, calibration fitting), [`store`] (SQLite sessions),
//! [`interview`] (practice and mock flows, no terminal I/O), and the front end:
//! [`repl`], [`report`], [`cmd`]. Only the front end prints.

pub mod bank;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod embed;
pub mod engine;
pub mod eval;
pub mod interview;
pub mod llm;
pub mod plan;
pub mod repl;
pub mod report;
pub mod scoring;
pub mod speech;
pub mod store;
pub mod ui;

use anyhow::Result;
use cli::{Cli, Command};
use config::Config;

/// Run one grill command.
pub fn run(cli: Cli) -> Result<()> {
    let cfg = Config::from_cli(&cli)?;
    match cli.command.unwrap_or(Command::Practice(Default::default())) {
        Command::Practice(a) => cmd::practice::practice(&cfg, &a),
        Command::Mock(a) => cmd::practice::mock(&cfg, &a),
        Command::List(a) => cmd::browse::list(&cfg, &a),
        Command::Show(a) => cmd::browse::show(&cfg, &a),
        Command::Reveal(a) => cmd::browse::reveal(&cfg, &a),
        Command::Topics(a) => cmd::browse::topics(&cfg, &a),
        Command::Tools(a) => cmd::browse::tools(&cfg, &a),
        Command::Bank(c) => cmd::bank::run(&cfg, &c),
        Command::Score(a) => cmd::score::run(&cfg, &a),
        Command::Transcribe(a) => cmd::transcribe::run(&cfg, &a),
        Command::Feedback(a) => cmd::feedback::run(&cfg, &a),
        Command::Eval(a) => cmd::eval::run(&cfg, &a),
        Command::Calibrate(a) => cmd::calibrate::run(&cfg, &a),
        Command::History(a) => cmd::history::history(&cfg, &a),
        Command::Replay(a) => cmd::history::replay(&cfg, &a),
        Command::Report(a) => cmd::report::report(&cfg, &a),
        Command::Export(a) => cmd::report::export(&cfg, &a),
        Command::Doctor => cmd::doctor::run(&cfg),
    }
}
