//! Command-line types. No logic lives here: `config::Config::from_cli` turns these into
//! validated settings, and each subcommand's `run` in `cmd/` does the work.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "grill", version, about = "An offline mock interviewer for MLOps engineers", long_about = None)]
pub struct Cli {
    /// Use the bank in DIR (questions/ and rubrics/) instead of the built-in one [env: GRILL_BANK]
    #[arg(long, global = true, value_name = "DIR")]
    pub bank: Option<PathBuf>,
    /// Where sessions and answers are stored [env: GRILL_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Config file (default: the platform config dir's grill/config.toml) [env: GRILL_CONFIG]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Never colour the output (NO_COLOR works too)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Say which model and runtime library are used, and how long things take
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Practise questions one at a time in an interactive session (the default)
    Practice(PracticeArgs),
    /// A timed mock interview with follow-ups and a scorecard at the end
    Mock(MockArgs),
    /// List questions, filtered by topic, tool, level or keywords
    List(ListArgs),
    /// Show a question's scenario and metadata
    Show(ShowArgs),
    /// Show a question's model answer and rubric
    Reveal(IdArgs),
    /// List the topics (skills) and how many questions each has
    Topics(JsonArgs),
    /// List the tools and how many questions name each
    Tools(JsonArgs),
    /// Inspect or validate a bank
    #[command(subcommand)]
    Bank(BankCommand),
    /// Score an answer to a question against its rubric (typed, or a WAV recording with --audio)
    Score(ScoreArgs),
    /// Transcribe a spoken answer (WAV) and measure its delivery: pace, fillers, pauses, length
    Transcribe(TranscribeArgs),
    /// Score an answer, then stream written feedback from an LLM endpoint (optional; see `grill doctor`)
    Feedback(FeedbackArgs),
    /// Measure the scorer's agreement with human grades on a JSONL file
    Eval(EvalArgs),
    /// Fit the score calibration on a graded JSONL file
    Calibrate(CalibrateArgs),
    /// List past sessions
    History(JsonArgs),
    /// Show a past session as it happened
    Replay(ReplayArgs),
    /// Your gap plan: mastery by topic and tool, ideas most often missed, what to practise next
    Report(ReportArgs),
    /// Export the bank as an Anki deck, or your attempts as CSV
    Export(ExportArgs),
    /// Check the bank, the embedding model, the runtime library and the data directory
    Doctor,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Md,
    Html,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only this session (see `grill history`)
    #[arg(long)]
    pub session: Option<i64>,
    /// Only attempts on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportKind {
    /// The bank as a tab-separated file Anki imports (front: scenario; back: answer and ideas)
    Anki,
    /// Every saved attempt as CSV
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export
    #[arg(value_enum)]
    pub kind: ExportKind,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only questions of this topic (see `grill topics`)
    #[arg(long)]
    pub topic: Option<String>,
    /// Only questions tagged with this tool (see `grill tools`)
    #[arg(long)]
    pub tool: Option<String>,
    /// Only questions at this level: junior, mid, senior or staff
    #[arg(long)]
    pub level: Option<String>,
    /// Only questions whose title, scenario, tags or answer contain all these words
    #[arg(long, value_name = "WORDS")]
    pub search: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct PracticeArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Start with this question
    #[arg(long)]
    pub id: Option<String>,
    /// Only questions due for review (spaced repetition), weakest topics first
    #[arg(long)]
    pub due: bool,
    /// Answer aloud: record each answer from the microphone until Enter (`:aloud` does it for one)
    #[arg(long)]
    pub aloud: bool,
    /// Read each question aloud with espeak-ng
    #[arg(long)]
    pub speak: bool,
}

#[derive(Debug, Args)]
pub struct MockArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Number of questions
    #[arg(long, default_value_t = 4)]
    pub questions: usize,
    /// Time limit for the whole interview, in minutes
    #[arg(long, default_value_t = 40)]
    pub minutes: u64,
    /// Carry on with the last interrupted mock interview
    #[arg(long)]
    pub resume: bool,
    /// Answer aloud: record each answer from the microphone until Enter (`:aloud` does it for one)
    #[arg(long)]
    pub aloud: bool,
    /// Read each question aloud with espeak-ng
    #[arg(long)]
    pub speak: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Question id, e.g. q042 or 42
    pub id: String,
    /// Also show the model answer and the rubric
    #[arg(long)]
    pub reveal: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// Question id, e.g. q042 or 42
    pub id: String,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Counts by topic, tool and level, and how many questions have answers and rubrics
    Stats(JsonArgs),
    /// Check every file of a bank and report each problem with its file and line
    Validate {
        /// The bank to check (default: the bank in use)
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// The recording (WAV; any rate and channel count)
    pub file: PathBuf,
    /// Print the transcript and metrics as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Question id, e.g. q042 or 42
    pub id: String,
    /// The answer file; `-` reads standard input (same as --answer-file)
    #[arg(value_name = "FILE", conflicts_with_all = ["answer_file", "audio"])]
    pub answer: Option<PathBuf>,
    /// Read the answer from this file; `-` reads standard input
    #[arg(long, short = 'a', value_name = "FILE", conflicts_with = "audio")]
    pub answer_file: Option<PathBuf>,
    /// A spoken answer: transcribe this WAV recording, measure its delivery, and score it
    #[arg(long, alias = "audio-file", value_name = "FILE.wav")]
    pub audio: Option<PathBuf>,
    /// Print the scorecard as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FeedbackArgs {
    /// Question id, e.g. q042 or 42
    pub id: String,
    /// Read the answer from this file; `-` reads standard input
    #[arg(long, short = 'a', value_name = "FILE")]
    pub answer_file: Option<PathBuf>,
    /// Print the request that would be sent (API key masked) and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print the scorecard and the feedback as JSON when done, instead of streaming text
    #[arg(long)]
    pub json: bool,
    /// The OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080 [env: GRILL_LLM_BASE_URL]
    #[arg(long, value_name = "URL")]
    pub llm_url: Option<String>,
    /// The model to ask (default: the first the endpoint lists) [env: GRILL_LLM_MODEL]
    #[arg(long, value_name = "NAME")]
    pub llm_model: Option<String>,
    /// Seconds to wait for the first token [default: 60]
    #[arg(long, value_name = "SECS")]
    pub first_token_timeout: Option<u64>,
    /// Seconds the whole feedback may take [default: 180]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Ask for plain text instead of a JSON schema
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// JSONL rows with question_id (or question + reference), answer, score, max_score
    #[arg(long, value_name = "FILE")]
    pub dataset: PathBuf,
    /// Only rows whose `split` field equals this
    #[arg(long)]
    pub split: Option<String>,
    /// Print the figures as JSON
    #[arg(long)]
    pub json: bool,
    /// Also write one JSON line per row (prediction, human grade, features) to FILE
    #[arg(long, value_name = "FILE")]
    pub rows: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Graded JSONL file to fit on
    #[arg(long, value_name = "FILE")]
    pub dataset: PathBuf,
    /// Only rows whose `split` field equals this
    #[arg(long)]
    pub split: Option<String>,
    /// Where to write the calibration (default: the data directory's calibration.toml)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write one JSON line per row (cross-validated prediction, human grade, features) to FILE
    #[arg(long, value_name = "FILE")]
    pub rows: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReplayFormat {
    Text,
    Md,
    Json,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Session id (see `grill history`); `last` for the most recent
    #[arg(default_value = "last")]
    pub session: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReplayFormat::Text)]
    pub format: ReplayFormat,
    /// Same as --format json
    #[arg(long)]
    pub json: bool,
}
