//! Integration tests: the practice and mock REPL, driven through a pseudo-terminal
//! (rexpect) as a person would use it, and through piped standard input; plus `grill
//! history` and `grill replay`. Scoring uses the real ONNX model.

use crate::util::{model_answer, Env};
use predicates::prelude::*;
use serde_json::Value;

/// The first 80 words of a model answer as one line: typed through the pseudo-terminal,
/// where every keystroke redraws the line, so it is kept short.
fn typed_answer(id: &str) -> String {
    model_answer(id).split_whitespace().take(80).collect::<Vec<_>>().join(" ")
}

/// A model answer as one line (a strong answer, typed in one go).
fn one_line(id: &str) -> String {
    model_answer(id).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first words of a model answer: part of a strong answer, so a probe follows.
fn opening(id: &str) -> String {
    model_answer(id).split_whitespace().take(OPENING_WORDS).collect::<Vec<_>>().join(" ")
}

/// The rest of a model answer after [`opening`]: a reply that states what was missing.
fn rest(id: &str) -> String {
    model_answer(id).split_whitespace().skip(OPENING_WORDS).collect::<Vec<_>>().join(" ")
}

const OPENING_WORDS: usize = 50;

/// The first paragraph of a model answer.
fn first_paragraph(id: &str) -> String {
    model_answer(id).trim().split("\n\n").next().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `grill replay SESSION --json` as a value.
fn replay_json(env: &Env, session: &str) -> Value {
    let out = env.grill().args(["replay", session, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn history_json(env: &Env) -> Vec<Value> {
    let out = env.grill().args(["history", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().clone()
}

#[cfg(unix)]
mod pty {
    use super::*;
    use rexpect::process::{Signal, WaitStatus};
    use rexpect::reader::{Options, ReadUntil, Regex};
    use rexpect::session::PtySession;
    use std::process::Command;

    /// `grill ARGS` on a pseudo-terminal, with the test's data dir and no colour.
    pub fn spawn(env: &Env, args: &[&str], extra_env: &[(&str, &str)]) -> PtySession {
        let mut c = Command::new(env!("CARGO_BIN_EXE_grill"));
        c.args(args)
            .env("GRILL_DATA_DIR", env.data_dir())
            .env("GRILL_CONFIG", env.path().join("no-config.toml"))
            .env_remove("GRILL_BANK")
            .env_remove("GRILL_CALIBRATION")
            .env_remove("VISUAL")
            .env("NO_COLOR", "1")
            .env("HOME", env.path())
            .env("TERM", "xterm")
            .env("GRILL_SEED", "11");
        for (k, v) in extra_env {
            c.env(k, v);
        }
        rexpect::session::spawn_with_options(c, Options::new().timeout_ms(Some(300_000)).strip_ansi_escape_codes(true))
            .expect("spawn grill on a pty")
    }

    /// Write everything to the terminal (rexpect's `send` may write only part of a long line).
    fn type_raw(p: &mut PtySession, text: &str) {
        use std::io::Write;
        p.flush().unwrap();
        let mut f = p.process().get_file_handle().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f.flush().unwrap();
    }

    /// Wait for an answer prompt, then type one line.
    fn line(p: &mut PtySession, text: &str) {
        p.exp_string("] > ").expect("a prompt");
        type_raw(p, &format!("{text}\n"));
    }

    fn exit_code(p: &mut PtySession) -> i32 {
        p.exp_eof().expect("grill exits");
        match p.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("grill did not exit normally: {other:?}"),
        }
    }

    /// Answer the probe if one comes (with `reply`), else carry on; true if one came.
    fn maybe_probe(p: &mut PtySession, next: &str, reply: &str) -> bool {
        let (_, found) = p
            .exp_any(vec![ReadUntil::String("Follow-up:".into()), ReadUntil::String(next.into())])
            .expect("a probe or what follows");
        if found == "Follow-up:" {
            line(p, reply);
            line(p, ".");
            true
        } else {
            false
        }
    }

    #[test]
    fn a_full_practice_round_scores_probes_credits_and_offers_the_model_answer() {
        let env = Env::new();
        let mut p = spawn(&env, &["practice", "--id", "q001"], &[]);
        p.exp_string("Latency spike after sixfold model growth").unwrap();
        p.exp_string("a line with only `.` (or Ctrl-D) submits").unwrap();
        // the elapsed time is shown at the prompt
        p.exp_regex(r"\[\d+:\d\d\] > ").unwrap();
        type_raw(&mut p, &format!("{}\n", opening("q001")));
        line(&mut p, ".");
        p.exp_string("Score ").unwrap();
        p.exp_string("/100").unwrap();
        p.exp_string("Follow-up:").unwrap();
        // the reply: the rest of the model answer, which states the missing ideas
        p.exp_regex(r"\[follow-up \d+:\d\d\] > ").unwrap();
        // pasted (bracketed paste), as a long reply would be: no redraw per keystroke
        type_raw(&mut p, &format!("\x1b[200~{}\x1b[201~\n", rest("q001")));
        line(&mut p, ".");
        p.exp_string("Credited:").unwrap();
        p.exp_string("after a prompt").unwrap();
        p.exp_string("Show the model answer? [y/N]").unwrap();
        p.send_line("y").unwrap();
        p.exp_string("Model answer").unwrap();
        p.exp_string("Trade-offs.").unwrap();
        // the next question comes; leave
        p.exp_regex(r"\n\S+ q\d{3} \S+ ").unwrap();
        line(&mut p, ":quit");
        p.exp_string("Practice session #1: 1 question(s) scored").unwrap();
        assert_eq!(exit_code(&mut p), 0);

        let r = replay_json(&env, "last");
        assert_eq!(r["session"]["status"], "finished");
        let a = &r["attempts"][0];
        assert_eq!(a["question_id"], "q001");
        assert_eq!(a["status"], "scored");
        assert_eq!(a["answer"].as_str().unwrap(), opening("q001"));
        let f = &a["followups"][0];
        assert!(f["reply"].as_str().unwrap().contains("quantization"));
        assert!(f["coverage"].as_f64().unwrap() > 0.3);
        let credited: Vec<&Value> =
            a["scorecard"]["criteria"].as_array().unwrap().iter().filter(|c| c["after_prompt"] == true).collect();
        assert_eq!(credited.len(), 1);
        assert_eq!(credited[0]["id"], f["criterion_id"]);
    }

    /// Answer questions `from..=to` of a mock with their model answers (and any probe
    /// with a short reply); returns the ids asked and the next question's header if the
    /// wait for a probe already read it.
    fn answer_mock(p: &mut PtySession, from: usize, to: usize, total: usize) -> (Vec<String>, Option<String>) {
        let mut ids = Vec::new();
        let mut header: Option<String> = None;
        for i in from..=to {
            let m = match header.take() {
                Some(m) => m,
                None => p.exp_regex(&format!(r"Question {i} of {total} \S+ q\d{{3}}")).unwrap().1,
            };
            let id = m.rsplit(' ').next().unwrap().to_string();
            // the clock: remaining time at the prompt
            p.exp_regex(r"\[\d+:\d\d \| \d+:\d\d left\] > ").unwrap();
            type_raw(p, &format!("{}\n", typed_answer(&id)));
            line(p, ".");
            p.exp_string("Answer saved.").unwrap();
            let next = if i < total {
                format!(r"Question {} of {total} \S+ q\d{{3}}", i + 1)
            } else {
                "Scorecard".to_string()
            };
            let (_, found) = p
                .exp_any(vec![ReadUntil::String("Follow-up:".into()), ReadUntil::Regex(Regex::new(&next).unwrap())])
                .expect("a probe or what follows");
            if found == "Follow-up:" {
                line(p, "I would also write it down as a runbook and review it with the team.");
                line(p, ".");
                p.exp_string("Noted.").unwrap();
            } else {
                header = Some(found);
            }
            ids.push(id);
        }
        (ids, header)
    }

    #[test]
    fn a_full_two_question_mock_ends_with_scorecards_areas_a_band_and_a_saved_report() {
        let env = Env::new();
        let mut p = spawn(&env, &["mock", "--questions", "2", "--minutes", "20"], &[]);
        p.exp_string("Mock interview #1: 2 question(s) in 20:00.").unwrap();
        let (ids, _) = answer_mock(&mut p, 1, 2, 2);
        p.exp_string("Overall ").unwrap();
        p.exp_regex("(Strongest|Weakest) topic:").unwrap();
        p.exp_string("Recommendation:").unwrap();
        let (_, path) = p.exp_regex(r"Report saved to \S+\.md").unwrap();
        p.exp_string("Show the model answers now? [y/N]").unwrap();
        p.send_line("n").unwrap();
        assert_eq!(exit_code(&mut p), 0);

        let path = path.trim_start_matches("Report saved to ").to_string();
        assert_eq!(path, env.data_dir().join("reports/session-1.md").display().to_string());
        let report = std::fs::read_to_string(&path).unwrap();
        assert!(report.starts_with("# Mock interview #1"), "{report}");
        for id in &ids {
            assert!(report.contains(id.as_str()));
        }
        assert!(report.contains("## Strongest and weakest areas"));
        assert!(report.contains("Model answer"));
        let h = history_json(&env);
        assert_eq!(h[0]["status"], "finished");
        assert_eq!(h[0]["report_path"], path.as_str());
        // the openings of strong answers score clearly above a generic answer (~8)
        assert!(h[0]["mean_score"].as_f64().unwrap() >= 20.0, "{}", h[0]);
    }

    #[test]
    fn a_mock_killed_half_way_keeps_the_draft_and_resumes_where_it_stopped() {
        let env = Env::new();
        let mut p = spawn(&env, &["mock", "--questions", "2", "--minutes", "30"], &[]);
        let (first, header) = answer_mock(&mut p, 1, 1, 2);
        let m = header.unwrap_or_else(|| p.exp_regex(r"Question 2 of 2 \S+ q\d{3}").unwrap().1);
        let second = m.rsplit(' ').next().unwrap().to_string();
        line(&mut p, "First I would check what changed.");
        // the draft is in the store as it is typed: wait for the next prompt, then crash
        p.exp_string("] > ").unwrap();
        p.process_mut().signal(Signal::SIGKILL).unwrap();
        let _ = p.exp_eof();

        let h = history_json(&env);
        assert_eq!(h[0]["status"], "active", "a crashed mock stays unfinished");
        let r = replay_json(&env, "1");
        assert_eq!(r["attempts"][1]["draft"], "First I would check what changed.");
        assert_eq!(r["attempts"][1]["status"], "asked");

        let mut p = spawn(&env, &["mock", "--resume"], &[("GRILL_SEED", "999")]);
        p.exp_string("Resuming mock interview #1: question 2 of 2").unwrap();
        p.exp_regex(&format!(r"Question 2 of 2 \S+ {second}")).unwrap();
        p.exp_string("Your draft from last time (6 words) is kept").unwrap();
        line(&mut p, ":draft");
        p.exp_string("First I would check what changed.").unwrap();
        line(&mut p, &typed_answer(&second));
        line(&mut p, ".");
        p.exp_string("Answer saved.").unwrap();
        maybe_probe(&mut p, "Scorecard", "I would also page the on-call owner.");
        p.exp_string("Overall").unwrap();
        p.exp_string("Show the model answers now? [y/N]").unwrap();
        p.send_line("").unwrap();
        assert_eq!(exit_code(&mut p), 0);

        let r = replay_json(&env, "1");
        assert_eq!(r["session"]["status"], "finished");
        assert_eq!(r["session"]["plan"]["questions"], serde_json::json!([first[0], second]), "the same plan");
        let attempts = r["attempts"].as_array().unwrap();
        assert_eq!(attempts.len(), 2, "the interrupted attempt carries on");
        let answer = attempts[1]["answer"].as_str().unwrap();
        assert!(answer.starts_with("First I would check what changed."), "{answer}");
        assert!(answer.len() > 500);
    }

    #[test]
    fn ctrl_c_pauses_a_mock_and_resume_then_quit_keeps_it_unfinished() {
        let env = Env::new();
        let mut p = spawn(&env, &["mock", "--questions", "2"], &[]);
        p.exp_string("40:00").unwrap();
        line(&mut p, "A draft line before the interruption.");
        p.exp_string("] > ").unwrap();
        p.send_control('c').unwrap();
        p.exp_string("Interrupted.").unwrap();
        p.exp_string("`grill mock --resume` carries on from question 1").unwrap();
        assert_eq!(exit_code(&mut p), 0);
        assert_eq!(history_json(&env)[0]["status"], "interrupted");

        let mut p = spawn(&env, &["mock", "--resume"], &[]);
        p.exp_string("Resuming mock interview #1: question 1 of 2").unwrap();
        p.exp_string("Your draft from last time (6 words)").unwrap();
        line(&mut p, ":reveal");
        p.exp_string("no reveals during a mock interview").unwrap();
        line(&mut p, ":quit");
        p.exp_string("Interview paused.").unwrap();
        assert_eq!(exit_code(&mut p), 0);
        let r = replay_json(&env, "1");
        assert_eq!(r["session"]["status"], "interrupted");
        assert_eq!(r["attempts"][0]["draft"], "A draft line before the interruption.");
    }

    #[test]
    fn edit_opens_editor_on_the_draft_and_keeps_what_it_saved() {
        let env = Env::new();
        let seen = env.path().join("seen-by-editor.txt");
        let script = format!(
            "#!/bin/sh\ncp \"$1\" '{}'\nprintf '\\n%s\\n' '{}' >> \"$1\"\n",
            seen.display(),
            first_paragraph("q001").replace('\'', "")
        );
        let editor = env.write("bin/fake-editor", script);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let editor = editor.display().to_string();
        let mut p = spawn(&env, &["practice", "--id", "q001"], &[("EDITOR", editor.as_str())]);
        line(&mut p, "Typed in the REPL before editing.");
        line(&mut p, ":edit");
        p.exp_string("Draft updated (").unwrap();
        // Ctrl-D on an empty line submits, like a line with only `.`
        p.exp_string("] > ").unwrap();
        p.send_control('d').unwrap();
        p.exp_string("Score ").unwrap();
        p.exp_regex(r"Follow-up:|Show the model answer").unwrap();
        p.send_control('c').unwrap();
        p.exp_string("Interrupted").unwrap();
        assert_eq!(exit_code(&mut p), 0);

        assert_eq!(
            std::fs::read_to_string(&seen).unwrap(),
            "Typed in the REPL before editing.",
            "the editor got the draft"
        );
        let r = replay_json(&env, "last");
        let answer = r["attempts"][0]["answer"].as_str().unwrap();
        assert!(answer.starts_with("Typed in the REPL before editing.\n"), "{answer}");
        assert!(answer.contains("kubectl rollout undo"), "{answer}");
        assert_eq!(r["attempts"][0]["status"], "scored");
    }

    #[test]
    fn bad_input_gets_hints_not_panics_and_a_huge_paste_is_scored() {
        let env = Env::new();
        let mut p = spawn(&env, &["practice", "--id", "q001"], &[]);
        line(&mut p, ":frobnicate");
        p.exp_string("unknown command :frobnicate").unwrap();
        line(&mut p, ":hnit");
        p.exp_string("did you mean :hint?").unwrap();
        line(&mut p, ".");
        p.exp_string("the answer is empty").unwrap();
        line(&mut p, ":help");
        p.exp_string(":reveal").unwrap();
        line(&mut p, ":hint");
        p.exp_string("Hint: think about rollback plan").unwrap();
        // a 1 MB paste (bracketed, as a terminal sends it), then submit
        let para = first_paragraph("q001");
        let big = format!("{para}\n").repeat(1 + 1_000_000 / (para.len() + 1));
        p.exp_string("] > ").unwrap();
        type_raw(&mut p, &format!("\x1b[200~{big}\x1b[201~\n"));
        line(&mut p, ".");
        p.exp_string("Score ").unwrap();
        p.exp_string("a hint was used on this question").unwrap();
        p.exp_string("only its first").unwrap();
        p.send_control('c').unwrap();
        p.exp_string("Interrupted").unwrap();
        assert_eq!(exit_code(&mut p), 0);
        let r = replay_json(&env, "last");
        let a = &r["attempts"][0];
        assert!(a["answer"].as_str().unwrap().len() >= 1_000_000, "the whole paste is kept");
        assert_eq!(a["hint_used"], true);
        assert_eq!(a["scorecard"]["hint_used"], true);
    }
}

#[test]
fn piped_practice_round_is_scored_and_replayed() {
    let env = Env::new();
    let input = format!("{}\n.\n:skip\nn\n:quit\n", opening("q001"));
    env.grill()
        .args(["practice", "--id", "q001"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains("q001 · Latency spike after sixfold model growth"))
        .stdout(predicate::str::contains("Score "))
        .stdout(predicate::str::contains("Follow-up skipped."))
        .stdout(predicate::str::contains("Practice session #1: 1 question(s) scored"));
    let h = history_json(&env);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["kind"], "practice");
    assert_eq!(h[0]["status"], "finished");
    env.grill()
        .args(["history"])
        .assert()
        .success()
        .stdout(predicate::str::contains("practice").and(predicate::str::contains("finished")));
    env.grill()
        .args(["replay", "last"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Practice session #1"))
        .stdout(predicate::str::contains("Answer:"))
        .stdout(predicate::str::contains("Follow-up ("))
        .stdout(predicate::str::contains("(no reply)"));
    env.grill()
        .args(["replay", "1", "--format", "md"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# Practice session #1"))
        .stdout(predicate::str::contains("### Answer"))
        .stdout(predicate::str::contains("| covered"));
    env.grill().args(["replay", "9"]).assert().failure().stderr(predicate::str::contains("there is no session #9"));
    env.grill().args(["replay", "yesterday"]).assert().failure().stderr(predicate::str::contains("`last`"));
}

#[test]
fn practice_due_asks_what_is_due_for_review() {
    let env = Env::new();
    env.grill()
        .args(["practice", "--due"])
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicate::str::contains("Nothing is due for review"));
    env.grill()
        .args(["practice", "--id", "q001"])
        .write_stdin("I would restart the pods and look at the logs to see what happened there.\n.\n:skip\nn\n:quit\n")
        .assert()
        .success();
    // a weak answer is due again within days
    env.grill()
        .args(["practice", "--due"])
        .env("GRILL_NOW", "2099-01-01T00:00:00Z")
        .write_stdin(":quit\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("q001 · Latency spike"));
}

#[test]
fn no_subcommand_runs_practice() {
    let env = Env::new();
    env.grill()
        .write_stdin(":quit\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("━━ q"))
        .stdout(predicate::str::contains("Practice session #1"));
}

#[test]
fn every_answer_is_saved_before_it_is_scored() {
    // a model that cannot load: the answer must still be in the store
    let env = Env::new();
    let broken = env.path().join("no-model");
    std::fs::create_dir_all(&broken).unwrap();
    env.grill()
        .args(["practice", "--id", "q002"])
        .env("GRILL_MODEL_DIR", &broken)
        .write_stdin("My answer that must survive.\n.\n")
        .assert()
        .failure()
        .stderr(predicate::str::contains("your answer is saved, but it could not be scored"));
    let r = replay_json(&env, "last");
    assert_eq!(r["attempts"][0]["answer"], "My answer that must survive.");
    assert_eq!(r["attempts"][0]["status"], "answered");
    assert_eq!(r["session"]["status"], "interrupted");
}

#[test]
fn piped_bad_input_invalid_utf8_empty_unknown_commands_and_a_1mb_line() {
    let env = Env::new();
    let para = first_paragraph("q001");
    let mut input: Vec<u8> = Vec::new();
    input.extend_from_slice(b".\n:nonsense\n\xff\xfe broken bytes\n");
    input.extend_from_slice(format!("{para} ").repeat(1 + 1_000_000 / (para.len() + 1)).as_bytes());
    input.extend_from_slice(b"\n.\n:skip\nn\n:quit\n");
    env.grill()
        .args(["practice", "--id", "q001"])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(predicate::str::contains("the answer is empty"))
        .stdout(predicate::str::contains("unknown command :nonsense"))
        .stderr(predicate::str::contains("line 3 of standard input is not valid UTF-8 text"))
        .stdout(predicate::str::contains("only its first"));
    let r = replay_json(&env, "last");
    let answer = r["attempts"][0]["answer"].as_str().unwrap();
    assert!(!answer.contains("broken bytes"), "the invalid line is not part of the answer");
    assert!(answer.len() > 1_000_000);
}

#[test]
fn piped_mock_closed_half_way_resumes_and_finishes() {
    let env = Env::new();
    let run1 = format!("{}\n.\n:skip\n", opening("q001"));
    let out = env
        .grill()
        .args(["mock", "--questions", "2", "--search", "latency"])
        .env("GRILL_SEED", "3")
        .write_stdin(run1)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout
            .contains("Input closed. Everything you typed is saved; `grill mock --resume` carries on from question 2."),
        "{stdout}"
    );
    assert!(stdout.contains("left] >"), "the clock is shown: {stdout}");
    assert!(!stdout.contains("Score "), "no scores before the end: {stdout}");
    let h = history_json(&env);
    assert_eq!(h[0]["status"], "interrupted");
    let plan = h[0]["plan"]["questions"].as_array().unwrap().clone();
    assert_eq!(plan.len(), 2);

    let second = plan[1].as_str().unwrap();
    env.grill()
        .args(["mock", "--resume"])
        .write_stdin(format!("{}\n.\n:skip\nn\n", one_line(second)))
        .assert()
        .success()
        .stdout(predicate::str::contains("Resuming mock interview #1: question 2 of 2"))
        .stdout(predicate::str::contains("Overall "))
        .stdout(predicate::str::contains("Recommendation:"))
        .stdout(predicate::str::contains("Report saved to"));
    let h = history_json(&env);
    assert_eq!(h.len(), 1, "no new session");
    assert_eq!(h[0]["status"], "finished");
    assert!(std::path::Path::new(h[0]["report_path"].as_str().unwrap()).is_file());
    env.grill()
        .args(["mock", "--resume"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("there is no interrupted mock interview to resume"));
}

#[test]
fn mock_options_are_checked() {
    let env = Env::new();
    env.grill()
        .args(["mock", "--questions", "0"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--questions must be between 1 and 50"));
    env.grill()
        .args(["mock", "--minutes", "0"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--minutes must be between 1 and 600"));
    env.grill()
        .args(["mock", "--topic", "nosuchtopic"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown topic"));
    env.grill()
        .args(["practice", "--search", "zzqqxx"])
        .write_stdin("")
        .assert()
        .failure()
        .stderr(predicate::str::contains("no question with a rubric matches"));
}

#[test]
fn a_question_without_a_rubric_is_said_plainly_and_skipped_by_the_picker() {
    let env = Env::new();
    let repo = crate::util::repo();
    for id in ["q001", "q002"] {
        env.write(
            &format!("bank/questions/{id}.toml"),
            std::fs::read(repo.join(format!("questions/{id}.toml"))).unwrap(),
        );
    }
    env.write("bank/rubrics/q001.toml", std::fs::read(repo.join("rubrics/q001.toml")).unwrap());
    let bank = env.path().join("bank");
    env.grill()
        .args(["practice", "--id", "q002"])
        .arg("--bank")
        .arg(&bank)
        .write_stdin(":quit\n")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("q002 (")
                .and(predicate::str::contains("has no rubric yet, so it cannot be scored")),
        )
        .stdout(predicate::str::contains("━━ q001"));
    env.grill()
        .args(["mock", "--questions", "2"])
        .arg("--bank")
        .arg(&bank)
        .write_stdin(":quit\n")
        .assert()
        .success()
        .stderr(predicate::str::contains("only 1 question(s) with a rubric match"))
        .stdout(predicate::str::contains("q001"))
        .stdout(predicate::str::contains("q002").not());
}

#[test]
fn history_is_empty_before_any_session() {
    let env = Env::new();
    env.grill().args(["history"]).assert().success().stderr(predicate::str::contains("No sessions yet"));
    env.grill().args(["history", "--json"]).assert().success().stdout("[]\n");
    env.grill().args(["replay", "last"]).assert().failure().stderr(predicate::str::contains("no sessions yet"));
}
