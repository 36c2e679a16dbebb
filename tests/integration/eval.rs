//! `grill eval` and `grill calibrate` on a small graded data set built from the bank:
//! each question's model answer (graded 10), its first two sentences (5), and a vague
//! answer (1).

use crate::util::{model_answer, Env};
use serde_json::Value;
use std::path::PathBuf;

const VAGUE: &str = "I would look at the logs and the dashboards, restart whatever looks broken, \
and then tell the team what happened so it does not happen again.";

fn dataset(env: &Env) -> PathBuf {
    let mut lines = Vec::new();
    for q in ["q001", "q020", "q079"] {
        let full = model_answer(q);
        let start: String = full.split_inclusive(". ").take(2).collect();
        for (answer, score) in [(full.as_str(), 10), (start.as_str(), 5), (VAGUE, 1)] {
            lines.push(
                serde_json::json!({"question_id": q, "answer": answer, "score": score, "max_score": 10}).to_string(),
            );
        }
    }
    env.write("graded.jsonl", lines.join("\n"))
}

#[test]
fn eval_reports_agreement_and_writes_rows() {
    let env = Env::new();
    let data = dataset(&env);
    let rows = env.path().join("rows.jsonl");
    let out = env.grill().args(["eval", "--json", "--dataset"]).arg(&data).arg("--rows").arg(&rows).assert().success();
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let figures = &report["figures"];
    assert_eq!(figures["n"], 9, "{figures}");
    // full answers above partial ones above vague ones, within every question
    assert!(figures["pairwise_accuracy"].as_f64().unwrap() >= 0.9, "{figures}");
    let means = &figures["mean_by_grade"];
    assert!(means["100.0"].as_f64() > means["010.0"].as_f64(), "{means}");
    let lines: Vec<Value> =
        std::fs::read_to_string(&rows).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 9);
    assert!(lines.iter().all(|l| l["predicted"].is_number() && l["red_flags"].is_array()), "{:?}", lines[0]);
}

#[test]
fn calibrate_writes_a_calibration_that_eval_then_uses() {
    let env = Env::new();
    let data = dataset(&env);
    let cal = env.path().join("cal.toml");
    let out = env.grill().args(["calibrate", "--dataset"]).arg(&data).arg("-o").arg(&cal).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("Cross-validated by question"), "{text}");
    let written = std::fs::read_to_string(&cal).unwrap();
    for key in ["sim_threshold", "intercept", "gain", "rejection_penalty", "fitted_on = \"graded.jsonl (9 rows)\""] {
        assert!(written.contains(key), "{key} missing from {written}");
    }
    let out = env.grill().env("GRILL_CALIBRATION", &cal).args(["eval", "--dataset"]).arg(&data).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains(&format!("with calibration {}", cal.display())), "{text}");
}

#[test]
fn a_bad_dataset_line_is_named() {
    let env = Env::new();
    let data = env.write(
        "bad.jsonl",
        "{\"question_id\": \"q001\", \"answer\": \"x\", \"score\": 1, \"max_score\": 10}\nnot json\n",
    );
    let out = env.grill().args(["eval", "--dataset"]).arg(&data).assert().failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("bad.jsonl:2:"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
