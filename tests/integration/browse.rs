//! Integration tests: browse. `grill list` with each filter and their combinations,
//! `show`, `show --reveal`, `reveal`, `topics`, `tools`, their JSON, and the "did you
//! mean" answer to every mistyped name. A few outputs are snapshots under
//! tests/snapshots/ (rewrite them with `UPDATE_SNAPSHOTS=1 cargo test --test integration`).

use crate::util::{repo, Env};
use predicates::prelude::*;
use serde_json::Value;

/// Compare `actual` with tests/snapshots/NAME.txt; with UPDATE_SNAPSHOTS=1, rewrite it.
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = repo().join("tests/snapshots").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {} yet; run with UPDATE_SNAPSHOTS=1 to write it", path.display()));
    assert_eq!(expected, actual, "snapshot {name} differs (review, then UPDATE_SNAPSHOTS=1 to accept)");
}

fn stdout(env: &Env, args: &[&str]) -> String {
    let out = env.grill().args(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("utf-8 output")
}

fn json(env: &Env, args: &[&str]) -> Value {
    let out = env.grill().args(args).assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{args:?} did not print JSON: {e}"))
}

/// `grill list --json ARGS` as (id, row) pairs.
fn list(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut a = vec!["list", "--json"];
    a.extend_from_slice(args);
    json(env, &a).as_array().expect("a JSON array").clone()
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

/// The ids of table rows (lines starting with an id).
fn table_ids(out: &str) -> Vec<String> {
    out.lines().filter(|l| l.starts_with('q')).map(|l| l.split_whitespace().next().unwrap().to_string()).collect()
}

// ---- list ----------------------------------------------------------------------------

#[test]
fn list_shows_every_question_in_a_table() {
    let env = Env::new();
    let out = env
        .grill()
        .arg("list")
        .assert()
        .success()
        .stderr(predicate::str::contains("200 of 200 questions"))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let header = out.lines().next().unwrap();
    for col in ["ID", "LEVEL", "TOPIC", "TITLE", "TOOLS"] {
        assert!(header.contains(col), "{header}");
    }
    assert_eq!(table_ids(&out).len(), 200);
    assert!(!out.contains('\u{1b}'), "NO_COLOR output has escape codes");
}

#[test]
fn list_table_fits_the_width() {
    // Off a terminal grill assumes 100 columns.
    let env = Env::new();
    let out = stdout(&env, &["list"]);
    let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "a row is {widest} characters wide");
}

#[test]
fn list_json_rows_carry_metadata() {
    let env = Env::new();
    let rows = list(&env, &[]);
    assert_eq!(rows.len(), 200);
    for r in &rows {
        for key in ["id", "title", "topic", "tools", "level", "tags", "has_answer", "has_rubric"] {
            assert!(r.get(key).is_some(), "row lacks {key}: {r}");
        }
    }
    assert_eq!(rows[0]["id"], "q001");
    assert_eq!(rows[199]["id"], "q200");
}

#[test]
fn list_by_topic() {
    let env = Env::new();
    let rows = list(&env, &["--topic", "monitoring"]);
    assert!(rows.len() >= 5);
    assert!(rows.iter().all(|r| r["topic"] == "monitoring"));
    // the table agrees with the JSON
    assert_eq!(table_ids(&stdout(&env, &["list", "--topic", "monitoring"])), ids(&rows));
}

#[test]
fn list_by_tool() {
    let env = Env::new();
    let rows = list(&env, &["--tool", "mlflow"]);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["tools"].as_array().unwrap().iter().any(|t| t == "mlflow")));
    // every question tagged mlflow is listed
    let all = list(&env, &[]);
    let tagged = all.iter().filter(|r| r["tools"].as_array().unwrap().iter().any(|t| t == "mlflow")).count();
    assert_eq!(rows.len(), tagged);
}

#[test]
fn list_by_tool_accepts_a_name_in_any_case() {
    let env = Env::new();
    assert_eq!(ids(&list(&env, &["--tool", "MLflow"])), ids(&list(&env, &["--tool", "mlflow"])));
}

#[test]
fn list_by_level() {
    let env = Env::new();
    let mut total = 0;
    for level in ["junior", "mid", "senior", "staff"] {
        let rows = list(&env, &["--level", level]);
        assert!(!rows.is_empty(), "no {level} question");
        assert!(rows.iter().all(|r| r["level"] == level));
        total += rows.len();
    }
    assert_eq!(total, 200, "levels partition the bank");
    assert_eq!(ids(&list(&env, &["--level", "Senior"])), ids(&list(&env, &["--level", "senior"])));
}

#[test]
fn list_search_is_case_insensitive_over_title_scenario_tags_and_answer() {
    let env = Env::new();
    let lower = ids(&list(&env, &["--search", "oomkilled"]));
    assert!(lower.contains(&"q001".to_string()), "{lower:?}");
    assert_eq!(lower, ids(&list(&env, &["--search", "OOMKilled"])));
    // a word that appears only in q001's model answer
    assert!(ids(&list(&env, &["--search", "container_cpu_cfs_throttled_periods_total"])).contains(&"q001".to_string()));
    // every word must match
    let both = ids(&list(&env, &["--search", "canary latency"]));
    let canary = ids(&list(&env, &["--search", "canary"]));
    assert!(!both.is_empty() && both.len() <= canary.len());
    assert!(both.iter().all(|id| canary.contains(id)));
}

#[test]
fn list_filters_combine() {
    let env = Env::new();
    let topic = list(&env, &["--topic", "model-serving"]);
    let combo = list(&env, &["--topic", "model-serving", "--tool", "kubernetes", "--level", "senior"]);
    assert!(!combo.is_empty(), "expected a senior model-serving question on kubernetes");
    assert!(combo.len() < topic.len());
    for r in &combo {
        assert_eq!(r["topic"], "model-serving");
        assert_eq!(r["level"], "senior");
        assert!(r["tools"].as_array().unwrap().iter().any(|t| t == "kubernetes"));
    }
    let with_search =
        list(&env, &["--topic", "model-serving", "--tool", "kubernetes", "--level", "senior", "--search", "latency"]);
    assert!(with_search.len() <= combo.len());
    assert!(ids(&with_search).iter().all(|id| ids(&combo).contains(id)));
}

#[test]
fn list_with_no_match_says_so() {
    let env = Env::new();
    env.grill()
        .args(["list", "--search", "zzzqqqxxx"])
        .assert()
        .success()
        .stderr(predicate::str::contains("No question matches these filters"));
    assert!(list(&env, &["--search", "zzzqqqxxx"]).is_empty());
}

#[test]
fn list_snapshot() {
    let env = Env::new();
    assert_snapshot("list_topic_security", &stdout(&env, &["list", "--topic", "security"]));
}

#[test]
fn list_into_a_closed_pipe_is_not_an_error() {
    let env = Env::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_grill"))
        .arg("list")
        .env("GRILL_DATA_DIR", env.data_dir())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
}

// ---- mistyped names ------------------------------------------------------------------

fn fails_with(env: &Env, args: &[&str], needle: &str) {
    env.grill().args(args).assert().failure().code(2).stderr(predicate::str::contains(needle));
}

#[test]
fn mistyped_topic_gets_did_you_mean() {
    let env = Env::new();
    fails_with(&env, &["list", "--topic", "monitorng"], "unknown topic 'monitorng'; did you mean monitoring?");
    fails_with(&env, &["list", "--topic", "feature-store"], "did you mean feature-stores");
}

#[test]
fn mistyped_tool_gets_did_you_mean() {
    let env = Env::new();
    fails_with(&env, &["list", "--tool", "kubeflw"], "unknown tool 'kubeflw'; did you mean kubeflow");
    fails_with(&env, &["list", "--tool", "mlfow"], "did you mean mlflow");
}

#[test]
fn mistyped_level_gets_did_you_mean() {
    let env = Env::new();
    fails_with(&env, &["list", "--level", "senoir"], "unknown level 'senoir'; did you mean senior?");
}

#[test]
fn unknown_names_without_a_close_match_point_to_the_listing() {
    let env = Env::new();
    fails_with(&env, &["list", "--topic", "xyzzy"], "see `grill topics`");
    fails_with(&env, &["list", "--tool", "xyzzy"], "see `grill tools`");
    fails_with(&env, &["list", "--level", "principal"], "junior, mid, senior or staff");
}

#[test]
fn mistyped_id_gets_did_you_mean() {
    let env = Env::new();
    fails_with(&env, &["show", "q1000"], "no question with id 'q1000'; did you mean q100");
    fails_with(&env, &["reveal", "q2010"], "did you mean");
    fails_with(&env, &["show", "q201"], "no question with id 'q201'");
    fails_with(&env, &["show", "banana"], "grill list");
}

#[test]
fn filters_on_practice_are_checked_too() {
    let env = Env::new();
    fails_with(&env, &["practice", "--topic", "monitorng"], "did you mean monitoring");
}

// ---- show / reveal -------------------------------------------------------------------

#[test]
fn show_prints_scenario_and_metadata_without_the_answer() {
    let env = Env::new();
    let out = stdout(&env, &["show", "q001"]);
    assert!(out.starts_with("q001 Latency spike after sixfold model growth\n"), "{out}");
    assert!(out.contains("Model serving and inference performance · senior · Kubernetes"), "{out}");
    assert!(out.contains("tags: "));
    assert!(out.contains("800ms p99 latency"));
    assert!(out.contains("grill reveal q001"));
    assert!(!out.contains("Model answer") && !out.contains("Rubric"), "show without --reveal must not reveal:\n{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 100), "lines are wrapped to the width");
}

#[test]
fn ids_are_accepted_in_several_forms() {
    let env = Env::new();
    let a = stdout(&env, &["show", "q007"]);
    assert_eq!(a, stdout(&env, &["show", "7"]));
    assert_eq!(a, stdout(&env, &["show", "Q7"]));
}

#[test]
fn show_snapshot() {
    let env = Env::new();
    assert_snapshot("show_q001", &stdout(&env, &["show", "q001"]));
}

#[test]
fn show_reveal_and_reveal_print_answer_and_rubric() {
    let env = Env::new();
    let revealed = stdout(&env, &["show", "q005", "--reveal"]);
    assert_eq!(revealed, stdout(&env, &["reveal", "q005"]));
    assert!(revealed.contains("Model answer"));
    assert!(revealed.contains("Rubric (version"));
    assert!(revealed.contains("key terms:") && revealed.contains("follow-up:") && revealed.contains("study:"));
    assert!(revealed.contains("mlflow.search_runs"), "the model answer's text is shown");
    let pts: f64 = revealed
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix('[')
                .and_then(|r| r.split_once(" pts]"))
                .map(|(n, _)| n.trim().parse::<f64>().unwrap())
        })
        .filter(|p| *p > 0.0)
        .sum();
    assert!((pts - 100.0).abs() < 0.5, "criteria points add to 100, got {pts}");
    assert!(!revealed.contains('\u{1b}'));
}

#[test]
fn show_json_and_reveal_json() {
    let env = Env::new();
    let shown = json(&env, &["show", "q005", "--json"]);
    assert_eq!(shown["id"], "q005");
    assert!(shown["scenario"].as_str().unwrap().contains("MLflow"));
    assert!(shown.get("answer").is_none() && shown.get("rubric").is_none(), "show --json must not reveal: {shown}");
    let revealed = json(&env, &["reveal", "q005", "--json"]);
    assert_eq!(revealed, json(&env, &["show", "q005", "--reveal", "--json"]));
    let words = revealed["answer"].as_str().unwrap().split_whitespace().count();
    assert!((300..=600).contains(&words));
    let criteria = revealed["rubric"]["criteria"].as_array().unwrap();
    assert!((4..=8).contains(&criteria.len()));
    assert!(criteria.iter().all(|c| c["weight"].as_f64().unwrap() > 0.0 && c["statement"].is_string()));
}

// A user bank whose question has no answer or rubric yet: grill says so plainly.
const DRAFT: &str = r#"id = "q001"
title = "Draft question"
topic = "cost"
tools = ["kubernetes"]
level = "staff"
tags = ["draft", "spend"]
scenario = '''The GPU bill doubled in a month and nobody knows which team caused it. What do you do?'''
"#;

#[test]
fn reveal_says_plainly_when_answer_and_rubric_are_missing() {
    let env = Env::new();
    env.write("bank/questions/q001.toml", DRAFT);
    let out = env
        .grill()
        .arg("--bank")
        .arg(env.path().join("bank"))
        .args(["reveal", "q001"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("No model answer has been written for this question yet."), "{out}");
    assert!(out.contains("No rubric has been written for this question yet"), "{out}");
    assert_snapshot("reveal_draft", &out);
    let v: Value = serde_json::from_slice(
        &env.grill()
            .arg("--bank")
            .arg(env.path().join("bank"))
            .args(["reveal", "q001", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert!(v["answer"].is_null() && v["rubric"].is_null(), "{v}");
    let rows = {
        let o = env
            .grill()
            .arg("--bank")
            .arg(env.path().join("bank"))
            .args(["list", "--json"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice::<Value>(&o).unwrap()
    };
    assert_eq!(rows[0]["has_answer"], false);
    assert_eq!(rows[0]["has_rubric"], false);
}

#[test]
fn score_without_a_rubric_or_answer_says_so() {
    let env = Env::new();
    env.write("bank/questions/q001.toml", DRAFT);
    let a =
        env.write("a.txt", "I would break the bill down by namespace label with Kubecost and charge it back to teams.");
    env.grill()
        .arg("--bank")
        .arg(env.path().join("bank"))
        .args(["score", "q001", "--answer-file"])
        .arg(a)
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot be scored"));
}

// ---- topics / tools ------------------------------------------------------------------

#[test]
fn topics_lists_every_topic_with_counts() {
    let env = Env::new();
    let v = json(&env, &["topics", "--json"]);
    let topics = v.as_array().unwrap();
    assert!((12..=16).contains(&topics.len()));
    let total: u64 = topics.iter().map(|t| t["questions"].as_u64().unwrap()).sum();
    assert_eq!(total, 200);
    assert!(topics.iter().all(|t| t["questions"].as_u64().unwrap() >= 5));
    let out = stdout(&env, &["topics"]);
    assert_eq!(out.lines().count(), topics.len() + 1);
    assert_snapshot("topics", &out);
}

#[test]
fn tools_lists_tools_with_counts_busiest_first() {
    let env = Env::new();
    let v = json(&env, &["tools", "--json"]);
    let tools = v.as_array().unwrap();
    assert!(tools.len() >= 10);
    let counts: Vec<u64> = tools.iter().map(|t| t["questions"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "sorted by count: {counts:?}");
    for t in ["mlflow", "airflow", "kubeflow", "feast", "dvc", "kubernetes", "triton"] {
        assert!(tools.iter().any(|x| x["id"] == t), "no tool {t}");
    }
    // the count of a tool agrees with `list --tool`
    let mlflow = tools.iter().find(|x| x["id"] == "mlflow").unwrap()["questions"].as_u64().unwrap();
    assert_eq!(mlflow as usize, list(&env, &["--tool", "mlflow"]).len());
    let out = stdout(&env, &["tools"]);
    assert!(out.starts_with("TOOL"));
    assert_eq!(out.lines().count(), tools.len() + 1);
}
