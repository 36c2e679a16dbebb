//! Scoring speed, measured the way issue 3 asks: `cargo bench --bench scoring`.
//!
//! 1. Warm scoring of a 250-word answer against an 8-criterion rubric (median), next to
//!    the raw embedding pass (tokenise + ONNX Runtime + pooling) over the same segments.
//! 2. The cold `grill score` process (release binary), with an empty and a warm embedding
//!    cache, and its peak memory (ru_maxrss of the child, from wait4).
//! 3. `grill eval` throughput on ../shared/eval/interview-dev.jsonl.
//! 4. The same pipeline in Python (scripts/bench_python.py: onnxruntime, same model and
//!    settings), warm and cold, in the same run, as ratios.
//!
//! A plain `main` timed with `Instant` keeps the dependency tree lean. Set BENCH_RUNS to
//! change the number of warm repetitions (default 40).

use grill::bank::Bank;
use grill::config::Config;
use grill::engine::Engine;
use grill::scoring::text;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GRILL: &str = env!("CARGO_BIN_EXE_grill");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const ANSWER_WORDS: usize = 250;
const COLD_RUNS: usize = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ms(s: f64) -> String {
    format!("{:.1} ms", s * 1000.0)
}

/// Run a child to completion; its wall time, peak resident memory in MiB, and success.
fn run_measured(cmd: &mut Command) -> (f64, f64, bool) {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let start = Instant::now();
    let child = cmd.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child, which we reap here.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is a child of this process that nothing else waits for.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let wall = start.elapsed().as_secs_f64();
    assert_eq!(r, pid, "wait4 failed");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if !ok {
        let mut err = String::new();
        if let Some(mut e) = child.stderr {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        eprintln!("child failed: {cmd:?}\n{err}");
    }
    (wall, ru.ru_maxrss as f64 / 1024.0, ok)
}

fn grill(data_dir: &Path) -> Command {
    let mut c = Command::new(GRILL);
    c.env("GRILL_DATA_DIR", data_dir)
        .env("GRILL_CONFIG", data_dir.join("no-config.toml"))
        .env_remove("GRILL_BANK")
        .env_remove("GRILL_CALIBRATION")
        .env("NO_COLOR", "1");
    c
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_else(|_| "?".into())
}

struct Python {
    score: f64,
    forward: f64,
    cold: f64,
    cold_rss: f64,
    segments: u64,
}

fn python(input: &Path, runs: usize) -> Result<Python, String> {
    let script = Path::new(ROOT).join("scripts/bench_python.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(input)
        .args(["--repeat", &runs.to_string()])
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !out.status.success() {
        return Err(format!("bench_python.py failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("bench_python.py printed no JSON: {e}"))?;
    let mut cold = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..COLD_RUNS {
        let (wall, peak, ok) = run_measured(Command::new("python3").arg(&script).arg(input).arg("--once"));
        if !ok {
            return Err("bench_python.py --once failed".into());
        }
        cold.push(wall);
        rss.push(peak);
    }
    Ok(Python {
        score: v["score_median_s"].as_f64().unwrap_or(f64::NAN),
        forward: v["forward_median_s"].as_f64().unwrap_or(f64::NAN),
        cold: median(cold),
        cold_rss: median(rss),
        segments: v["segments"].as_u64().unwrap_or(0),
    })
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let scratch = tempfile::tempdir().expect("temp dir");
    println!("grill scoring benchmark (load average before: {}; GRILL_THREADS={})", loadavg(), std::env::var("GRILL_THREADS").unwrap_or_else(|_| "1 (default)".into()));

    // The input: the first question whose rubric has 8 criteria; its model answer cut to 250 words.
    let bank = Bank::embedded().expect("bank");
    let q = bank.questions.iter().find(|q| bank.rubric(&q.id).is_some_and(|r| r.criteria.len() == 8) && q.answer.is_some()).expect("a question with an 8-criterion rubric");
    let rubric = bank.rubric(&q.id).unwrap();
    let answer: String = q.answer.as_deref().unwrap().split_whitespace().take(ANSWER_WORDS).collect::<Vec<_>>().join(" ");
    let answer_file = scratch.path().join("answer.txt");
    std::fs::write(&answer_file, &answer).unwrap();
    let (clean, _) = text::strip_fillers(&answer);
    let segments = text::segments(&clean);
    let seg_refs: Vec<&str> = segments.iter().map(String::as_str).collect();
    println!("input: {} ({} criteria), {} words, {} segments\n", q.id, rubric.criteria.len(), ANSWER_WORDS, segments.len());

    // 1. Warm, in process.
    let cfg = Config::for_data_dir(scratch.path().join("warm"));
    let load_start = Instant::now();
    let mut engine = Engine::load(&cfg).expect("engine (run `make setup` for ONNX Runtime)");
    let load = load_start.elapsed().as_secs_f64();
    let mut score = 0.0;
    for _ in 0..3 {
        score = engine.score(q, Some(rubric), &answer).unwrap().score;
        engine.embedder.embed_uncached(&seg_refs).unwrap();
    }
    let (mut t_score, mut t_fwd) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(engine.score(q, Some(rubric), &answer).unwrap());
        t_score.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        std::hint::black_box(engine.embedder.embed_uncached(&seg_refs).unwrap());
        t_fwd.push(t.elapsed().as_secs_f64());
    }
    let (warm, fwd) = (median(t_score), median(t_fwd));
    drop(engine);
    println!("1. warm scoring, median of {runs} (score {score})");
    println!("   model load (in process)                 {}", ms(load));
    println!("   score 250 words vs 8 criteria           {}", ms(warm));
    println!("   raw embedding pass over the {:>2} segments {}", segments.len(), ms(fwd));
    println!("   ratio score / raw pass                  {:.2}x   (target <= 1.25x)\n", warm / fwd);

    // 2. Cold processes.
    let mut cold_empty = Vec::new();
    let mut rss_empty = Vec::new();
    for i in 0..COLD_RUNS {
        let dir = scratch.path().join(format!("cold-{i}"));
        let (wall, rss, ok) = run_measured(grill(&dir).args(["score", &q.id, "--json", "--answer-file"]).arg(&answer_file));
        assert!(ok, "grill score failed");
        cold_empty.push(wall);
        rss_empty.push(rss);
    }
    let cached = scratch.path().join("cold-cached");
    run_measured(grill(&cached).args(["score", &q.id, "--json", "--answer-file"]).arg(&answer_file));
    let mut cold_cached = Vec::new();
    let mut rss_cached = Vec::new();
    for _ in 0..COLD_RUNS {
        let (wall, rss, ok) = run_measured(grill(&cached).args(["score", &q.id, "--json", "--answer-file"]).arg(&answer_file));
        assert!(ok, "grill score failed");
        cold_cached.push(wall);
        rss_cached.push(rss);
    }
    let (ce, cc) = (median(cold_empty), median(cold_cached));
    let (re, rc) = (rss_empty.iter().cloned().fold(0.0, f64::max), rss_cached.iter().cloned().fold(0.0, f64::max));
    println!("2. cold `grill score` process ({}), median of {COLD_RUNS}", Path::new(GRILL).display());
    println!("   first run (empty embedding cache)      {}   peak RSS {re:.0} MiB", ms(ce));
    println!("   later runs (rubric already cached)     {}   peak RSS {rc:.0} MiB", ms(cc));
    println!("   targets: <= 400 ms, <= 250 MB\n");

    // 3. grill eval throughput.
    let dataset = PathBuf::from(ROOT).join("../shared/eval/interview-dev.jsonl");
    match std::fs::read_to_string(&dataset) {
        Ok(text) => {
            let n = text.lines().filter(|l| !l.trim().is_empty()).count();
            let dir = scratch.path().join("eval");
            let (first, rss1, ok1) = run_measured(grill(&dir).args(["eval", "--json", "--dataset"]).arg(&dataset));
            let (second, rss2, ok2) = run_measured(grill(&dir).args(["eval", "--json", "--dataset"]).arg(&dataset));
            assert!(ok1 && ok2, "grill eval failed");
            println!("3. `grill eval` on {} ({n} answers)", dataset.display());
            println!("   empty cache   {}  {:.1} answers/s   peak RSS {rss1:.0} MiB", ms(first), n as f64 / first);
            println!("   warm cache    {}  {:.1} answers/s   peak RSS {rss2:.0} MiB\n", ms(second), n as f64 / second);
        }
        Err(e) => println!("3. `grill eval`: skipped, cannot read {} ({e})\n", dataset.display()),
    }

    // 4. Python, same pipeline, same run.
    let input = scratch.path().join("python-input.json");
    let criteria: Vec<_> = rubric
        .criteria
        .iter()
        .map(|c| serde_json::json!({"statement": c.statement, "terms": c.terms.iter().map(|g| g.aliases.join("|")).collect::<Vec<_>>()}))
        .collect();
    std::fs::write(&input, serde_json::json!({"answer": answer, "scenario": q.scenario, "criteria": criteria}).to_string()).unwrap();
    match python(&input, runs) {
        Ok(py) => {
            println!("4. Python (scripts/bench_python.py: onnxruntime, same model, 1 thread), same run");
            println!("   warm score                              {}   grill is {:.2}x faster", ms(py.score), py.score / warm);
            println!("   raw embedding pass ({:>2} segments)       {}   grill is {:.2}x faster", py.segments, ms(py.forward), py.forward / fwd);
            println!("   cold process                            {}   peak RSS {:.0} MiB", ms(py.cold), py.cold_rss);
            println!("   cold: grill is {:.2}x faster (empty cache), {:.2}x (cached)   (target >= 1.5x)", py.cold / ce, py.cold / cc);
        }
        Err(e) => println!("4. Python: skipped: {e}"),
    }
    println!("\nload average after: {}", loadavg());
}
