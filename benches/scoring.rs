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
//! 5. With the `speech` feature: the real-time factor of local transcription (Whisper
//!    tiny.en through whisper.cpp) on a minute of espeak-ng speech.
//!
//! A plain `main` timed with `Instant` keeps the dependency tree lean. Set BENCH_RUNS to
//! change the number of warm repetitions (default 40).

use grill::bank::Bank;
use grill::config::Config;
use grill::engine::Engine;
use grill::scoring::text;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

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

/// CPU time of this process (all threads), in seconds: steadier than wall time when
/// other work shares the machine.
fn cpu_now() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn ms(s: f64) -> String {
    format!("{:.1} ms", s * 1000.0)
}

/// Run a child to completion: its wall time, CPU time (user + system), peak resident
/// memory in MiB, and success.
// The child is reaped by wait4 (which also gives its own rusage), not by Child::wait.
#[allow(clippy::zombie_processes)]
fn run_measured(cmd: &mut Command) -> Measured {
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
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    Measured { wall, cpu: tv(ru.ru_utime) + tv(ru.ru_stime), rss: ru.ru_maxrss as f64 / 1024.0, ok }
}

struct Measured {
    wall: f64,
    cpu: f64,
    rss: f64,
    ok: bool,
}

/// Medians of wall and CPU time, and the largest peak RSS, of several runs.
fn summarise(runs: &[Measured]) -> (f64, f64, f64) {
    (
        median(runs.iter().map(|m| m.wall).collect()),
        median(runs.iter().map(|m| m.cpu).collect()),
        runs.iter().map(|m| m.rss).fold(0.0, f64::max),
    )
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
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

struct Python {
    score: f64,
    score_cpu: f64,
    forward: f64,
    forward_cpu: f64,
    tokenize: f64,
    cold: (f64, f64, f64),
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
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("bench_python.py printed no JSON: {e}"))?;
    let mut cold = Vec::new();
    for _ in 0..COLD_RUNS {
        let m = run_measured(Command::new("python3").arg(&script).arg(input).arg("--once"));
        if !m.ok {
            return Err("bench_python.py --once failed".into());
        }
        cold.push(m);
    }
    let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    Ok(Python {
        score: f("score_median_s"),
        score_cpu: f("score_cpu_median_s"),
        forward: f("forward_median_s"),
        forward_cpu: f("forward_cpu_median_s"),
        tokenize: f("tokenize_median_s"),
        cold: summarise(&cold),
        segments: v["segments"].as_u64().unwrap_or(0),
    })
}

fn main() {
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let scratch = tempfile::tempdir().expect("temp dir");
    println!(
        "grill scoring benchmark (load average before: {}; GRILL_THREADS={})",
        loadavg(),
        std::env::var("GRILL_THREADS").unwrap_or_else(|_| "unset: 2 on two or more cores, else 1".into())
    );
    println!("times are medians, wall / CPU (user + system); CPU time is the steadier figure on a shared machine");

    // The input: the first question whose rubric has 8 criteria; its model answer cut to 250 words.
    let bank = Bank::embedded().expect("bank");
    let q = bank
        .questions
        .iter()
        .find(|q| bank.rubric(&q.id).is_some_and(|r| r.criteria.len() == 8) && q.answer.is_some())
        .expect("a question with an 8-criterion rubric");
    let rubric = bank.rubric(&q.id).unwrap();
    let answer: String =
        q.answer.as_deref().unwrap().split_whitespace().take(ANSWER_WORDS).collect::<Vec<_>>().join(" ");
    let answer_file = scratch.path().join("answer.txt");
    std::fs::write(&answer_file, &answer).unwrap();
    let (clean, _) = text::strip_fillers(&answer);
    let segments = text::segments(&clean);
    let seg_refs: Vec<&str> = segments.iter().map(String::as_str).collect();
    println!(
        "input: {} ({} criteria), {} words, {} segments\n",
        q.id,
        rubric.criteria.len(),
        ANSWER_WORDS,
        segments.len()
    );

    // 2. Cold processes, measured before this process loads the model: Linux carries a
    // parent's peak RSS into a forked child's ru_maxrss, so a child spawned by a process
    // holding the model would report the parent's memory, not its own.
    // A fresh data dir each time (nothing cached or prepared), then one warm cache.
    let score_cmd = |dir: &Path| {
        let mut c = grill(dir);
        c.args(["score", &q.id, "--json", "--answer-file"]).arg(&answer_file);
        c
    };
    let empty: Vec<Measured> =
        (0..COLD_RUNS).map(|i| run_measured(&mut score_cmd(&scratch.path().join(format!("cold-{i}"))))).collect();
    let cached_dir = scratch.path().join("cold-cached");
    run_measured(&mut score_cmd(&cached_dir));
    let cached: Vec<Measured> = (0..COLD_RUNS).map(|_| run_measured(&mut score_cmd(&cached_dir))).collect();
    assert!(empty.iter().chain(&cached).all(|m| m.ok), "grill score failed");
    let (ce, ce_cpu, ce_rss) = summarise(&empty);
    let (cc, cc_cpu, cc_rss) = summarise(&cached);
    // 4. Python, same pipeline, same run.
    let input = scratch.path().join("python-input.json");
    let criteria: Vec<_> = rubric
        .criteria
        .iter()
        .map(|c| serde_json::json!({"statement": c.statement, "terms": c.terms.iter().map(|g| g.aliases.join("|")).collect::<Vec<_>>()}))
        .collect();
    let input_json = serde_json::json!({"answer": answer, "scenario": q.scenario, "criteria": criteria});
    std::fs::write(&input, input_json.to_string()).unwrap();
    let py_result = python(&input, runs);

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
    let (mut s_wall, mut s_cpu, mut f_wall, mut f_cpu) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let (t, c) = (Instant::now(), cpu_now());
        std::hint::black_box(engine.score(q, Some(rubric), &answer).unwrap());
        s_wall.push(t.elapsed().as_secs_f64());
        s_cpu.push(cpu_now() - c);
        let (t, c) = (Instant::now(), cpu_now());
        std::hint::black_box(engine.embedder.embed_uncached(&seg_refs).unwrap());
        f_wall.push(t.elapsed().as_secs_f64());
        f_cpu.push(cpu_now() - c);
    }
    let (warm, warm_cpu, fwd, fwd_cpu) = (median(s_wall), median(s_cpu), median(f_wall), median(f_cpu));
    // Tokenisation alone, configured as grill's embedder configures it, to split the raw pass.
    let mut tok = tokenizers::Tokenizer::from_file(Path::new(ROOT).join("models/tokenizer.json")).expect("tokenizer");
    tok.with_padding(Some(tokenizers::PaddingParams {
        strategy: tokenizers::PaddingStrategy::BatchLongest,
        ..Default::default()
    }));
    tok.with_truncation(Some(tokenizers::TruncationParams { max_length: 256, ..Default::default() }))
        .expect("truncation");
    let tok_wall = median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(tok.encode_batch(seg_refs.clone(), true).expect("encode"));
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    drop(engine);
    println!("1. warm scoring, {runs} runs (score {score})");
    println!("   model load (in process)                  {}", ms(load));
    println!("   score 250 words vs 8 criteria            {} / {}", ms(warm), ms(warm_cpu));
    println!("   raw embedding pass over the {:>2} segments  {} / {}", segments.len(), ms(fwd), ms(fwd_cpu));
    println!("   of which tokenisation                    {}", ms(tok_wall));
    println!(
        "   ratio score / raw pass                   {:.2}x / {:.2}x   (target <= 1.25x)\n",
        warm / fwd,
        warm_cpu / fwd_cpu
    );

    println!("2. cold `grill score` process ({}), {COLD_RUNS} runs each", Path::new(GRILL).display());
    println!("   first run (empty embedding cache)        {} / {}   peak RSS {ce_rss:.0} MiB", ms(ce), ms(ce_cpu));
    println!("   later runs (rubric already cached)       {} / {}   peak RSS {cc_rss:.0} MiB", ms(cc), ms(cc_cpu));
    println!("   targets: <= 400 ms, <= 250 MB\n");

    // 3. grill eval throughput.
    let dataset = PathBuf::from(ROOT).join("../shared/eval/interview-dev.jsonl");
    match std::fs::read_to_string(&dataset) {
        Ok(text) => {
            let n = text.lines().filter(|l| !l.trim().is_empty()).count() as f64;
            let dir = scratch.path().join("eval");
            let eval = || run_measured(grill(&dir).args(["eval", "--json", "--dataset"]).arg(&dataset));
            let (first, second) = (eval(), eval());
            assert!(first.ok && second.ok, "grill eval failed");
            println!("3. `grill eval` on {} ({n} answers)", dataset.display());
            for (label, m) in [("empty cache", first), ("warm cache ", second)] {
                println!(
                    "   {label}  {} / {}   {:.1} answers/s wall, {:.1} per CPU-second   peak RSS {:.0} MiB",
                    ms(m.wall),
                    ms(m.cpu),
                    n / m.wall,
                    n / m.cpu,
                    m.rss
                );
            }
            println!();
        }
        Err(e) => println!("3. `grill eval`: skipped, cannot read {} ({e})\n", dataset.display()),
    }

    // 4. Python, same pipeline, same run (measured before the model loads here, as above).
    match py_result {
        Ok(py) => {
            let (pc, pc_cpu, pc_rss) = py.cold;
            println!("4. Python (scripts/bench_python.py: onnxruntime, same model and settings), same run");
            println!(
                "   warm score                               {} / {}   grill is {:.2}x / {:.2}x faster",
                ms(py.score),
                ms(py.score_cpu),
                py.score / warm,
                py.score_cpu / warm_cpu
            );
            println!(
                "   raw embedding pass ({:>2} segments)        {} / {}   grill is {:.2}x / {:.2}x faster",
                py.segments,
                ms(py.forward),
                ms(py.forward_cpu),
                py.forward / fwd,
                py.forward_cpu / fwd_cpu
            );
            println!("   of which tokenisation                    {}", ms(py.tokenize));
            println!(
                "   cold process                             {} / {}   peak RSS {pc_rss:.0} MiB",
                ms(pc),
                ms(pc_cpu)
            );
            println!(
                "   cold, grill vs Python: {:.2}x / {:.2}x faster with an empty cache, {:.2}x / {:.2}x cached   (target >= 1.5x)",
                pc / ce,
                pc_cpu / ce_cpu,
                pc / cc,
                pc_cpu / cc_cpu
            );
        }
        Err(e) => println!("4. Python: skipped: {e}"),
    }
    transcription_rtf(scratch.path());
    println!("\nload average after: {}", loadavg());
}

/// 5. Real-time factor of local transcription: seconds of compute per second of audio.
#[cfg(feature = "speech")]
fn transcription_rtf(dir: &Path) {
    let text = "First I would check which model version is serving and compare its latency with the previous release. \
        Then I would look at the input data for missing values and changes in the feature distributions. \
        If the data changed, I would retrain the model on recent examples and compare it offline. \
        Before the new version takes all the traffic, I would send five percent of requests to it as a canary. \
        If the error rate or the latency goes up, the deployment rolls back automatically. \
        Finally, I would add an alert on the prediction distribution so the team hears about drift early.";
    let raw = dir.join("rtf-raw.wav");
    let wav = dir.join("rtf.wav");
    let made = Command::new("espeak-ng").args(["-v", "en-us", "-s", "140", "-w"]).arg(&raw).arg(text).status();
    let converted = made.is_ok_and(|s| s.success())
        && Command::new("sox")
            .arg("-q")
            .arg(&raw)
            .args(["-r", "16000", "-c", "1", "-b", "16"])
            .arg(&wav)
            .status()
            .is_ok_and(|s| s.success());
    if !converted {
        println!("5. transcription: skipped, espeak-ng and sox are needed (make setup installs them)");
        return;
    }
    let audio = grill::speech::wav::read(&wav).expect("wav").duration_secs();
    let mut t = grill::speech::Transcriber::new(grill::speech::Settings::default());
    let start = Instant::now();
    if let Err(e) = t.transcribe_file(&wav) {
        println!("5. transcription: skipped: {e:#}");
        return;
    }
    let first = start.elapsed().as_secs_f64();
    let runs: Vec<(f64, f64)> = (0..3)
        .map(|_| {
            let (w, c) = (Instant::now(), cpu_now());
            t.transcribe_file(&wav).expect("transcribe");
            (w.elapsed().as_secs_f64(), cpu_now() - c)
        })
        .collect();
    let wall = median(runs.iter().map(|r| r.0).collect());
    let cpu = median(runs.iter().map(|r| r.1).collect());
    println!("5. transcription, Whisper tiny.en (whisper.cpp, beam 5, 1 thread), {audio:.1} s of espeak-ng speech");
    println!("   first call (model load + transcribe)     {}", ms(first));
    println!("   warm, median of 3                        {} / {}", ms(wall), ms(cpu));
    println!("   real-time factor                         {:.3} wall / {:.3} CPU", wall / audio, cpu / audio);
}

#[cfg(not(feature = "speech"))]
fn transcription_rtf(_dir: &Path) {
    println!("5. transcription: skipped, built without the `speech` feature (make bench enables it)");
}
