//! A small builder for running `grill` in an isolated data directory.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A temporary home for one test: data dir, config dir, scratch files.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Write a file under the test's directory and return its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, contents).expect("write");
        p
    }

    /// `grill` with this test's data dir, no user config, no colour.
    pub fn grill(&self) -> Command {
        let mut c = Command::cargo_bin("grill").expect("grill binary");
        c.env("GRILL_DATA_DIR", self.data_dir())
            .env("GRILL_CONFIG", self.dir.path().join("no-config.toml"))
            .env_remove("GRILL_BANK")
            .env_remove("GRILL_CALIBRATION")
            .env("NO_COLOR", "1")
            .env("HOME", self.dir.path());
        c
    }
}

/// The repository root (for shipped files).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The text of a shipped question's model answer.
pub fn model_answer(id: &str) -> String {
    let text = std::fs::read_to_string(repo().join(format!("questions/{id}.toml"))).expect("question file");
    let v: toml::Value = toml::from_str(&text).expect("toml");
    v["answer"].as_str().expect("answer").to_string()
}
