//! Integration tests: bank. The shipped bank meets its bar (every file valid, every
//! question complete, scenarios verbatim from the seed list), and `grill bank stats` and
//! `grill bank validate` report on good and broken banks, naming file and line.

use crate::browse::assert_snapshot;
use crate::util::{repo, Env};
use grill::bank::{lint, Bank};
use predicates::prelude::*;
use std::collections::BTreeMap;

/// The seed list the 200 scenarios were imported from (lines 3 to 202).
const SEEDS: &str = "../shared/seeds/000_8ca2f3bdac335583.txt";

fn shipped() -> Bank {
    Bank::embedded().unwrap_or_else(|e| panic!("the shipped bank does not load:\n{e}"))
}

#[test]
fn shipped_bank_loads_with_200_questions() {
    let bank = shipped();
    assert_eq!(bank.questions.len(), 200);
    let ids: Vec<&str> = bank.questions.iter().map(|q| q.id.as_str()).collect();
    let expected: Vec<String> = (1..=200).map(|n| format!("q{n:03}")).collect();
    assert_eq!(ids, expected.iter().map(String::as_str).collect::<Vec<_>>(), "ids run q001..q200 in order");
}

#[test]
fn shipped_bank_on_disk_equals_the_embedded_one() {
    // The binary embeds questions/ and rubrics/; the same folder loaded as a user bank must agree.
    let disk = Bank::from_dir(&repo()).unwrap_or_else(|e| panic!("the repository root does not load as a bank:\n{e}"));
    let emb = shipped();
    assert_eq!(disk.questions.len(), emb.questions.len());
    assert_eq!(disk.rubrics.len(), emb.rubrics.len());
}

#[test]
fn every_shipped_question_is_complete() {
    let bank = shipped();
    let mut problems = Vec::new();
    for q in &bank.questions {
        let words = q.title.split_whitespace().count();
        if words == 0 || words > 8 {
            problems.push(format!("{}: title has {words} words", q.id));
        }
        if bank.taxonomy.topic(&q.topic).is_none() {
            problems.push(format!("{}: unknown topic {}", q.id, q.topic));
        }
        if q.tools.iter().any(|t| bank.taxonomy.tool(t).is_none()) {
            problems.push(format!("{}: unknown tool in {:?}", q.id, q.tools));
        }
        match &q.answer {
            None => problems.push(format!("{}: no model answer", q.id)),
            Some(a) => {
                let n = a.split_whitespace().count();
                if !(300..=600).contains(&n) {
                    problems.push(format!("{}: model answer has {n} words (300-600)", q.id));
                }
            }
        }
        match bank.rubric(&q.id) {
            None => problems.push(format!("{}: no rubric", q.id)),
            Some(r) => {
                if !(4..=8).contains(&r.criteria.len()) {
                    problems.push(format!("{}: rubric has {} criteria", q.id, r.criteria.len()));
                }
                for c in &r.criteria {
                    if c.weight <= 0.0
                        || c.weight.is_nan()
                        || c.terms.is_empty()
                        || c.followup.is_empty()
                        || c.study.is_empty()
                    {
                        problems.push(format!("{}: criterion {} is incomplete", q.id, c.id));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn shipped_bank_has_no_lint_warnings() {
    let warnings = lint(&shipped());
    assert!(warnings.is_empty(), "{} warning(s):\n{}", warnings.len(), warnings.join("\n"));
}

#[test]
fn every_topic_has_at_least_five_questions() {
    let bank = shipped();
    let n = bank.taxonomy.topics.len();
    assert!((12..=16).contains(&n), "the taxonomy has {n} topics (the bank needs 12 to 16)");
    let mut counts: BTreeMap<&str, usize> = bank.taxonomy.topics.iter().map(|t| (t.id.as_str(), 0)).collect();
    for q in &bank.questions {
        *counts.entry(q.topic.as_str()).or_default() += 1;
    }
    let thin: Vec<_> = counts.iter().filter(|(_, &n)| n < 5).collect();
    assert!(thin.is_empty(), "topics with fewer than 5 questions: {thin:?}");
}

#[test]
fn every_level_is_used() {
    let bank = shipped();
    for l in grill::bank::Level::ALL {
        assert!(bank.questions.iter().any(|q| q.level == l), "no {l} question");
    }
}

#[test]
fn scenarios_equal_the_seed_lines() {
    // CI has the seed file; a missing file is a failure, never a skip.
    let path = repo().join(SEEDS);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("the seed file {} is missing ({e}); the bank's scenarios are checked against it", path.display())
    });
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 202, "the seed file has {} lines, expected at least 202", lines.len());
    let bank = shipped();
    let mut diffs = Vec::new();
    for (i, seed) in lines[2..202].iter().enumerate() {
        let id = format!("q{:03}", i + 1);
        let q = bank.question(&id).unwrap_or_else(|| panic!("{id} missing"));
        if q.scenario != seed.trim() {
            diffs.push(format!("{id}:\n  seed: {}\n  bank: {}", seed.trim(), q.scenario));
        }
    }
    assert!(diffs.is_empty(), "{} scenario(s) differ from the seed lines:\n{}", diffs.len(), diffs.join("\n"));
}

#[test]
fn bank_stats_counts_everything() {
    let env = Env::new();
    let out = env.grill().args(["bank", "stats"]).assert().success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("200 questions (embedded)"), "{out}");
    assert!(out.contains("with a title, topic, tools and level: 200"), "{out}");
    assert!(out.contains("with a model answer: 200"), "{out}");
    assert!(out.contains("with a rubric: 200"), "{out}");
    for section in ["By topic", "By level", "By tool"] {
        assert!(out.contains(section), "missing {section}:\n{out}");
    }
    assert!(!out.contains('\u{1b}'), "NO_COLOR output has escape codes");
}

#[test]
fn bank_stats_json_adds_up() {
    let env = Env::new();
    let out = env.grill().args(["bank", "stats", "--json"]).assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("bank stats --json is JSON");
    assert_eq!(v["questions"], 200);
    assert_eq!(v["with_answer"], 200);
    assert_eq!(v["with_rubric"], 200);
    let sum = |k: &str| v[k].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("by_topic"), 200);
    assert_eq!(sum("by_level"), 200);
    assert!(v["by_topic"].as_object().unwrap().values().all(|n| n.as_u64().unwrap() >= 5));
}

#[test]
fn validate_passes_the_built_in_bank_without_warnings() {
    let env = Env::new();
    env.grill()
        .args(["bank", "validate"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "ok the built-in bank: 200 questions, 200 with a model answer, 200 with a rubric\n",
        ))
        .stdout(predicate::str::contains("warning").not());
}

#[test]
fn validate_passes_the_repository_as_a_directory_bank() {
    let env = Env::new();
    env.grill()
        .args(["bank", "validate"])
        .arg(repo())
        .assert()
        .success()
        .stdout(predicate::str::contains("200 questions"));
}

// ---- broken banks ------------------------------------------------------------------

const QUESTION: &str = r#"id = "q001"
title = "Nightly retrain fails silently"
topic = "pipelines"
tools = ["airflow", "mlflow"]
level = "mid"
tags = ["retraining", "alerting"]
scenario = '''The nightly Airflow retrain goes green but the MLflow model never changes. Why?'''
answer = '''A short answer for tests.'''
"#;

fn rubric_for(id: &str) -> String {
    let mut s = format!("question = \"{id}\"\nversion = 1\n");
    for i in 1..=4 {
        s.push_str(&format!(
            "\n[[criteria]]\nid = \"c{i}\"\nidea = \"idea {i}\"\nweight = 2\nstatement = \"A strong answer states idea number {i} in a full sentence.\"\nterms = [\"term{i} | alias{i}\"]\nfollowup = \"What about idea {i}?\"\nstudy = \"Read about idea {i}.\"\n"
        ));
    }
    s
}

/// A small valid bank in the test's temp dir: q001 and q002, each with a rubric.
fn fixture_bank(env: &Env) -> std::path::PathBuf {
    env.write("bank/questions/q001.toml", QUESTION);
    env.write(
        "bank/questions/q002.toml",
        QUESTION.replace("\"q001\"", "\"q002\"").replace("Nightly retrain", "Weekly retrain"),
    );
    env.write("bank/rubrics/q001.toml", rubric_for("q001"));
    env.write("bank/rubrics/q002.toml", rubric_for("q002"));
    env.path().join("bank")
}

/// Run `grill bank validate DIR`, expect failure, return stderr.
fn validate_fails(env: &Env, dir: &std::path::Path) -> String {
    let out = env.grill().args(["bank", "validate"]).arg(dir).assert().failure().code(2).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

/// The first line number a line containing `needle` has in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle:?} not in fixture")) + 1
}

#[test]
fn validate_accepts_the_fixture_bank() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    env.grill()
        .args(["bank", "validate"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 questions, 2 with a model answer, 2 with a rubric"));
}

#[test]
fn validate_reports_bad_syntax_with_file_and_line() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    let bad = QUESTION.replace("level = \"mid\"", "level = mid");
    env.write("bank/questions/q001.toml", &bad);
    let err = validate_fails(&env, &dir);
    let line = line_of(&bad, "level = mid");
    assert!(err.contains(&format!("questions/q001.toml:{line}:")), "{err}");
    assert!(err.contains("fix the TOML syntax"), "{err}");
}

#[test]
fn validate_reports_a_missing_field_with_file_and_line() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    env.write(
        "bank/questions/q002.toml",
        QUESTION.replace("\"q001\"", "\"q002\"").replace("topic = \"pipelines\"\n", ""),
    );
    let err = validate_fails(&env, &dir);
    let hit = err
        .lines()
        .find(|l| l.contains("missing field `topic`"))
        .unwrap_or_else(|| panic!("no missing-field error:\n{err}"));
    assert!(hit.contains("questions/q002.toml:1:"), "{hit}");
    assert!(hit.contains("docs/bank-format.md"), "{hit}");
}

#[test]
fn validate_does_not_blame_the_rubric_of_an_invalid_question() {
    // Regression: rubrics/q002.toml was also reported as "rubric for 'q002', but no such
    // question exists (add questions/q002.toml ...)", wrong advice since the file exists.
    let env = Env::new();
    let dir = fixture_bank(&env);
    env.write(
        "bank/questions/q002.toml",
        QUESTION.replace("\"q001\"", "\"q002\"").replace("topic = \"pipelines\"\n", ""),
    );
    let err = validate_fails(&env, &dir);
    assert!(!err.contains("no such question exists"), "a rubric is blamed for its question's parse error:\n{err}");
}

#[test]
fn validate_reports_a_duplicate_id() {
    // A question copied to a new file without changing its id: the realistic duplicate.
    // Regression: the file-name check once hid it, telling the user to "rename the file to
    // q001.toml", a file that already exists.
    let env = Env::new();
    let dir = fixture_bank(&env);
    env.write("bank/questions/q003.toml", QUESTION);
    let err = validate_fails(&env, &dir);
    let hit = err.lines().find(|l| l.contains("q003.toml")).unwrap_or_else(|| panic!("q003.toml not named:\n{err}"));
    assert!(hit.contains("questions/q003.toml:1:"), "{hit}");
    assert!(
        hit.contains("duplicate") && hit.contains("q001.toml"),
        "the error should say the id duplicates questions/q001.toml:\n{hit}"
    );
}

#[test]
fn validate_reports_an_id_that_does_not_match_its_file() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    env.write("bank/questions/q003.toml", QUESTION.replace("\"q001\"", "\"q004\""));
    let err = validate_fails(&env, &dir);
    assert!(err.contains("questions/q003.toml:1:") && err.contains("does not match the file name"), "{err}");
}

#[test]
fn validate_reports_an_unknown_topic_with_a_suggestion() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    let bad = QUESTION.replace("topic = \"pipelines\"", "topic = \"pipeline\"");
    env.write("bank/questions/q001.toml", &bad);
    let err = validate_fails(&env, &dir);
    let line = line_of(&bad, "topic =");
    assert!(
        err.contains(&format!("questions/q001.toml:{line}: unknown topic 'pipeline'; did you mean pipelines?")),
        "{err}"
    );
}

#[test]
fn validate_reports_an_unknown_tool_with_a_suggestion() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    let bad = QUESTION.replace("\"mlflow\"]", "\"mlfow\"]");
    env.write("bank/questions/q001.toml", &bad);
    let err = validate_fails(&env, &dir);
    let line = line_of(&bad, "tools =");
    assert!(err.contains(&format!("questions/q001.toml:{line}: unknown tool 'mlfow'; did you mean mlflow?")), "{err}");
}

#[test]
fn validate_reports_an_unknown_level() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    let bad = QUESTION.replace("level = \"mid\"", "level = \"principal\"");
    env.write("bank/questions/q001.toml", &bad);
    let err = validate_fails(&env, &dir);
    let line = line_of(&bad, "level =");
    assert!(err.contains(&format!("questions/q001.toml:{line}: unknown level 'principal'")), "{err}");
}

#[test]
fn validate_reports_non_positive_weights_on_their_line() {
    for weight in ["0", "-1.5"] {
        let env = Env::new();
        let dir = fixture_bank(&env);
        let r = rubric_for("q002");
        // the third criterion's weight
        let nth = r.match_indices("weight = 2").nth(2).unwrap().0;
        let bad = format!("{}weight = {weight}{}", &r[..nth], &r[nth + "weight = 2".len()..]);
        env.write("bank/rubrics/q002.toml", &bad);
        let err = validate_fails(&env, &dir);
        let line = line_of(&bad, &format!("weight = {weight}"));
        assert!(
            err.contains(&format!("rubrics/q002.toml:{line}: criterion 'c3' has weight {weight}")),
            "weight {weight}:\n{err}"
        );
        assert!(err.contains("weights must be positive"), "{err}");
    }
}

#[test]
fn validate_reports_a_rubric_for_a_missing_question() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    let r = rubric_for("q009");
    env.write("bank/rubrics/q009.toml", &r);
    let err = validate_fails(&env, &dir);
    let line = line_of(&r, "question =");
    assert!(
        err.contains(&format!("rubrics/q009.toml:{line}: rubric for 'q009', but no such question exists")),
        "{err}"
    );
}

#[test]
fn validate_reports_a_rubric_with_too_few_criteria() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    let r = rubric_for("q001");
    let cut = r.match_indices("[[criteria]]").nth(3).unwrap().0;
    env.write("bank/rubrics/q001.toml", &r[..cut]);
    let err = validate_fails(&env, &dir);
    assert!(err.contains("rubrics/q001.toml:1:") && err.contains("4 to 8"), "{err}");
}

#[test]
fn validate_reports_every_problem_at_once() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    env.write("bank/questions/q001.toml", QUESTION.replace("topic = \"pipelines\"", "topic = \"pipeline\""));
    env.write("bank/rubrics/q002.toml", rubric_for("q002").replacen("weight = 2", "weight = 0", 1));
    env.write("bank/rubrics/q007.toml", rubric_for("q007"));
    let err = validate_fails(&env, &dir);
    let errors = err.lines().filter(|l| l.starts_with("error: ") && l.contains(".toml:")).count();
    assert!(errors >= 3, "expected three located errors:\n{err}");
    assert!(err.lines().last().unwrap().contains("problem(s)"), "{err}");
}

#[test]
fn validate_output_snapshot() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    // Errors that do not cascade: q002's question and rubric are both broken.
    let q2 = QUESTION
        .replace("\"q001\"", "\"q002\"")
        .replace("tools = [\"airflow\", \"mlflow\"]", "tools = [\"airflw\", \"mlflow\"]");
    env.write("bank/questions/q002.toml", q2);
    env.write("bank/rubrics/q002.toml", rubric_for("q002").replacen("weight = 2", "weight = -1", 1));
    env.write("bank/rubrics/q009.toml", rubric_for("q009"));
    let err = validate_fails(&env, &dir).replace(&dir.display().to_string(), "<BANK>");
    assert_snapshot("bank_validate_broken", &err);
}

#[test]
fn validate_a_missing_directory_fails_plainly() {
    let env = Env::new();
    env.grill()
        .args(["bank", "validate"])
        .arg(env.path().join("nowhere"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a directory"));
}

#[test]
fn a_broken_bank_stops_other_commands_with_a_hint() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    env.write("bank/questions/q001.toml", QUESTION.replace("level = \"mid\"", "level = mid"));
    env.grill()
        .arg("--bank")
        .arg(&dir)
        .arg("list")
        .assert()
        .failure()
        .stderr(predicate::str::contains("questions/q001.toml:5:"))
        .stderr(predicate::str::contains("grill bank validate"));
}

#[test]
fn bank_stats_of_a_user_bank() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    let out = env
        .grill()
        .arg("--bank")
        .arg(&dir)
        .args(["bank", "stats", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["questions"], 2);
    assert_eq!(v["by_topic"]["pipelines"], 2);
    assert_eq!(v["by_tool"]["airflow"], 2);
}

#[test]
fn the_bank_can_come_from_the_environment_and_the_config_file() {
    let env = Env::new();
    let dir = fixture_bank(&env);
    env.grill()
        .env("GRILL_BANK", &dir)
        .args(["bank", "stats"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("2 questions"));
    let cfg = env.write("config.toml", format!("bank = {:?}\n", dir.display().to_string()));
    env.grill()
        .env("GRILL_CONFIG", &cfg)
        .args(["bank", "stats"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("2 questions"));
}
