//! Settings from flags, environment variables and the config file, decided in one place.
//! Precedence: flag, then environment variable, then config file, then the default.

use crate::cli::Cli;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The validated settings every command runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// A bank on disk, or `None` for the built-in bank.
    pub bank_dir: Option<PathBuf>,
    /// Sessions database, calibration and embedding cache live here.
    pub data_dir: PathBuf,
    /// A folder with `model.onnx` and `tokenizer.json` to use instead of the built-in model.
    pub model_dir: Option<PathBuf>,
    /// The ONNX Runtime shared library, if set explicitly.
    pub ort_library: Option<PathBuf>,
    /// A calibration file to use instead of the data directory's or the built-in one.
    pub calibration: Option<PathBuf>,
    /// Colour and styles on standard output.
    pub color: bool,
    pub verbose: bool,
    /// Optional LLM feedback; off unless a base URL is set.
    pub llm: crate::llm::Settings,
    /// Speech recognition for spoken answers.
    pub speech: crate::speech::Settings,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bank: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    model_dir: Option<PathBuf>,
    ort_library: Option<PathBuf>,
    calibration: Option<PathBuf>,
    llm_base_url: Option<String>,
    llm_model: Option<String>,
    llm_api_key_env: Option<String>,
    llm_first_token_timeout_secs: Option<u64>,
    llm_timeout_secs: Option<u64>,
    whisper_model: Option<PathBuf>,
    transcription_url: Option<String>,
    transcription_model: Option<String>,
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "grill")
}

fn read_file_config(path: &Path, explicit: bool) -> Result<FileConfig> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).with_context(|| {
            format!("config file {} is not valid (keys: bank, data_dir, model_dir, ort_library, calibration, llm_base_url, llm_model, llm_api_key_env, llm_first_token_timeout_secs, llm_timeout_secs, whisper_model, transcription_url, transcription_model)", path.display())
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(FileConfig::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read config file {}", path.display())),
    }
}

fn env_string(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// LLM settings: `grill feedback` flags, then GRILL_LLM_* variables, then the config file.
fn llm_settings(cli: &Cli, file: &FileConfig) -> crate::llm::Settings {
    let flags = match &cli.command {
        Some(crate::cli::Command::Feedback(a)) => Some(a),
        _ => None,
    };
    let mut s = crate::llm::Settings::new(
        flags
            .and_then(|a| a.llm_url.clone())
            .or_else(|| env_string("GRILL_LLM_BASE_URL"))
            .or(file.llm_base_url.clone()),
        flags.and_then(|a| a.llm_model.clone()).or_else(|| env_string("GRILL_LLM_MODEL")).or(file.llm_model.clone()),
        file.llm_api_key_env.clone(),
    );
    if let Some(t) = flags.and_then(|a| a.first_token_timeout).or(file.llm_first_token_timeout_secs) {
        s.first_token_timeout = std::time::Duration::from_secs(t.max(1));
    }
    if let Some(t) = flags.and_then(|a| a.timeout).or(file.llm_timeout_secs) {
        s.total_timeout = std::time::Duration::from_secs(t.max(1));
    }
    s.structured = !flags.is_some_and(|a| a.plain);
    s
}

/// Speech settings: GRILL_WHISPER_MODEL / GRILL_TRANSCRIPTION_URL, then the config file.
/// An endpoint shares the LLM's API key variable.
fn speech_settings(file: &FileConfig) -> crate::speech::Settings {
    let url = env_string("GRILL_TRANSCRIPTION_URL").or(file.transcription_url.clone());
    crate::speech::Settings {
        model: env_path("GRILL_WHISPER_MODEL").or(file.whisper_model.clone()),
        endpoint: url.map(|u| crate::llm::Settings::new(Some(u), None, file.llm_api_key_env.clone())),
        endpoint_model: env_string("GRILL_TRANSCRIPTION_MODEL").or(file.transcription_model.clone()),
    }
}

impl Config {
    pub fn from_cli(cli: &Cli) -> Result<Config> {
        let file = match (&cli.config, env_path("GRILL_CONFIG"), project_dirs()) {
            (Some(p), _, _) => read_file_config(p, true)?,
            (None, Some(p), _) => read_file_config(&p, false)?,
            (None, None, Some(dirs)) => read_file_config(&dirs.config_dir().join("config.toml"), false)?,
            (None, None, None) => FileConfig::default(),
        };
        let llm = llm_settings(cli, &file);
        let speech = speech_settings(&file);
        let data_dir = cli
            .data_dir
            .clone()
            .or_else(|| env_path("GRILL_DATA_DIR"))
            .or(file.data_dir)
            .or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
            .unwrap_or_else(|| PathBuf::from(".grill"));
        let no_color = cli.no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ok(Config {
            bank_dir: cli.bank.clone().or_else(|| env_path("GRILL_BANK")).or(file.bank),
            data_dir,
            model_dir: env_path("GRILL_MODEL_DIR").or(file.model_dir),
            ort_library: env_path("ORT_DYLIB_PATH").or(file.ort_library),
            calibration: env_path("GRILL_CALIBRATION").or(file.calibration),
            color: !no_color && std::io::stdout().is_terminal(),
            verbose: cli.verbose,
            llm,
            speech,
        })
    }

    /// Settings for tests and library users: built-in bank, data in `data_dir`, no colour.
    pub fn for_data_dir(data_dir: PathBuf) -> Config {
        Config {
            bank_dir: None,
            data_dir,
            model_dir: None,
            ort_library: None,
            calibration: None,
            color: false,
            verbose: false,
            llm: Default::default(),
            speech: Default::default(),
        }
    }

    pub fn load_bank(&self) -> Result<crate::bank::Bank> {
        let bank = match &self.bank_dir {
            Some(dir) => crate::bank::Bank::from_dir(dir),
            None => crate::bank::Bank::embedded(),
        };
        bank.map_err(|e| {
            anyhow::anyhow!(
                "{e}\nhint: run `grill bank validate` to check the bank; docs/bank-format.md describes the format"
            )
        })
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("grill.sqlite3")
    }
}
