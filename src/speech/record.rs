//! Recording from the microphone (through `arecord` or sox's `rec`) and reading a
//! question aloud (through `espeak-ng`). Both shell out, so grill links no audio library.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The recorders tried, in order, with their arguments for 16 kHz mono 16-bit WAV.
const RECORDERS: &[(&str, &[&str])] = &[
    ("arecord", &["-q", "-f", "S16_LE", "-r", "16000", "-c", "1", "-t", "wav"]),
    ("rec", &["-q", "-r", "16000", "-c", "1", "-b", "16"]),
];

/// A program on PATH, or `None`.
pub fn which(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file())
}

const NO_MIC_HINT: &str =
    "answer from a recording with `grill score ID --audio FILE.wav`, or type your answer (it is scored the same way)";

/// Record to `out` until the user presses Enter (read from `input`), showing the elapsed
/// time on standard error. Returns the length of the recording.
pub fn record_until_enter(out: &Path, input: &mut (dyn BufRead + Send)) -> Result<Duration> {
    let Some((program, args)) = RECORDERS.iter().find(|(p, _)| which(p).is_some()) else {
        bail!("no recorder found: install alsa-utils (arecord) or sox (rec) to answer aloud; {NO_MIC_HINT}");
    };
    let mut child = Command::new(program)
        .args(*args)
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    // A recorder that cannot open a microphone exits at once: give it a moment to fail.
    std::thread::sleep(Duration::from_millis(300));
    if let Some(status) = child.try_wait()? {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        let reason = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("no details").trim().to_string();
        bail!("no microphone could be opened ({program} exited with {status}: {reason}); {NO_MIC_HINT}");
    }
    let started = Instant::now();
    let (tx, rx) = mpsc::channel();
    // Enter arrives on another thread so the clock can tick meanwhile.
    let mut line = String::new();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let _ = input.read_line(&mut line);
            let _ = tx.send(());
        });
        let mut err = std::io::stderr();
        loop {
            let secs = started.elapsed().as_secs();
            let _ = write!(err, "\r● recording {}:{:02}  (press Enter to stop) ", secs / 60, secs % 60);
            let _ = err.flush();
            if rx.recv_timeout(Duration::from_millis(250)).is_ok() {
                break;
            }
            if let Ok(Some(_)) = child.try_wait() {
                break; // the recorder stopped by itself (device unplugged)
            }
        }
        let _ = writeln!(err);
    });
    let elapsed = started.elapsed();
    // SIGINT lets the recorder finish the WAV header properly.
    // SAFETY: kill(2) with a child's pid and a valid signal number has no memory effects.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let _ = child.wait();
    if !out.is_file() {
        bail!("the recorder wrote no audio; {NO_MIC_HINT}");
    }
    Ok(elapsed)
}

/// Read `text` aloud with espeak-ng, if it is installed.
pub fn speak(text: &str) -> Result<()> {
    if which("espeak-ng").is_none() {
        bail!("espeak-ng is not installed (apt-get install espeak-ng), so the question is shown but not read aloud");
    }
    let status = Command::new("espeak-ng")
        .args(["-s", "165", "--", text])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("cannot run espeak-ng")?;
    if !status.success() {
        bail!("espeak-ng could not play the question ({status}); is there a sound device?");
    }
    Ok(())
}
