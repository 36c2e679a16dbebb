//! Finding and loading the ONNX Runtime shared library. grill never downloads it: the
//! project's set-up (`make setup`) unpacks it from the `onnxruntime` wheel on PyPI.

use anyhow::{anyhow, Result};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The library file names grill looks for, newest first.
const NAMES: &[&str] = &["libonnxruntime.so.1.31.1", "libonnxruntime.so", "libonnxruntime.dylib", "onnxruntime.dll"];

/// Places searched, in order, with a label for messages.
pub fn candidates(explicit: Option<&Path>) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if let Some(p) = explicit {
        out.push(("ORT_DYLIB_PATH or ort_library setting".to_string(), p.to_path_buf()));
    }
    let mut dirs: Vec<(String, PathBuf)> = Vec::new();
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        dirs.push(("next to the grill executable".into(), exe_dir.clone()));
        dirs.push(("next to the grill executable".into(), exe_dir.join("onnxruntime")));
    }
    dirs.push(("the project's vendor folder".into(), Path::new(env!("CARGO_MANIFEST_DIR")).join("vendor/onnxruntime")));
    for site in python_site_dirs() {
        dirs.push(("pip install onnxruntime".into(), site.join("onnxruntime/capi")));
    }
    for (label, d) in dirs {
        for n in NAMES {
            out.push((label.clone(), d.join(n)));
        }
    }
    out
}

fn python_site_dirs() -> Vec<PathBuf> {
    let mut roots = vec![PathBuf::from("/usr/lib/python3/dist-packages")];
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut lib_dirs: Vec<PathBuf> = vec![PathBuf::from("/usr/local/lib"), PathBuf::from("/usr/lib")];
    if let Some(h) = &home {
        lib_dirs.push(h.join(".local/lib"));
        if let Ok(rd) = std::fs::read_dir(h.join(".pyenv/versions")) {
            lib_dirs.extend(rd.filter_map(|e| e.ok()).map(|e| e.path().join("lib")));
        }
    }
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
        lib_dirs.push(PathBuf::from(venv).join("lib"));
    }
    for d in lib_dirs {
        if let Ok(rd) = std::fs::read_dir(&d) {
            let mut py: Vec<PathBuf> = rd
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("python3")))
                .collect();
            py.sort();
            for p in py.into_iter().rev() {
                roots.push(p.join("site-packages"));
                roots.push(p.join("dist-packages"));
            }
        }
    }
    roots
}

/// The first library that exists, or a message listing where grill looked.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf> {
    let cands = candidates(explicit);
    if let Some(p) = explicit {
        if p.is_file() {
            return Ok(p.to_path_buf());
        }
        return Err(anyhow!("ONNX Runtime library {} does not exist (fix ORT_DYLIB_PATH or the ort_library setting, or unset it to search the usual places)", p.display()));
    }
    for (_, p) in &cands {
        if p.is_file() {
            return Ok(p.clone());
        }
    }
    Err(anyhow!(
        "cannot find the ONNX Runtime library (libonnxruntime.so.1.31.1).\nhint: run `make setup` in the grill repository (it unpacks it from PyPI's onnxruntime==1.31.1 wheel into vendor/onnxruntime/), or `pip install onnxruntime==1.31.1`, or set ORT_DYLIB_PATH to the library file"
    ))
}

static INIT: OnceLock<std::result::Result<(PathBuf, ort::environment::Environment), String>> = OnceLock::new();

/// Load ONNX Runtime once per process; later calls return the same library and environment.
pub fn init(explicit: Option<&Path>) -> Result<(PathBuf, &'static ort::environment::Environment)> {
    let r = INIT.get_or_init(|| {
        let path = locate(explicit).map_err(|e| e.to_string())?;
        let builder = ort::init_from(&path).map_err(|e| {
            format!(
                "cannot load ONNX Runtime from {}: {e} (grill needs version 1.31; run `make setup`)",
                path.display()
            )
        })?;
        let env = builder
            .with_name("grill")
            .with_telemetry(false)
            .build()
            .map_err(|e| format!("cannot start ONNX Runtime: {e}"))?;
        Ok((path, env))
    });
    match r {
        Ok((p, env)) => Ok((p.clone(), env)),
        Err(e) => Err(anyhow!("{e}")),
    }
}
