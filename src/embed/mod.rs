//! Sentence embeddings with a local ONNX model: tokenizer + ONNX Runtime -> unit vectors.
//!
//! The model (all-MiniLM-L6-v2, int8) and its tokenizer are compiled into the binary;
//! ONNX Runtime is a shared library found at run time (see [`runtime`]). Scoring code
//! depends on the [`Encoder`] trait, not on ONNX, so it can be unit-tested without it.

mod cache;
pub mod runtime;
#[cfg(test)]
pub mod toy;

pub use cache::EmbedCache;

use anyhow::{anyhow, Context, Result};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use tokenizers::{Encoding, PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// Embedding dimension of the shipped model.
pub const DIM: usize = 384;
/// Longest input in tokens, as sentence-transformers uses for this model.
pub const MAX_TOKENS: usize = 256;
/// Most texts in one forward pass.
const BATCH: usize = 32;
/// The fixed cost of one forward pass, in padded tokens: a pass over one 8-token text
/// costs about as much as 20 more tokens in a batch (ONNX Runtime 1.31, 2 threads).
const PASS_COST_TOKENS: usize = 20;

static MODEL_BYTES: &[u8] = include_bytes!("../../models/all-MiniLM-L6-v2-int8.onnx");
static TOKENIZER_JSON: &[u8] = include_bytes!("../../models/tokenizer.json");
/// sha256 of the shipped model file, checked by tests against the bytes and against
/// models/README.md; a cold start uses it instead of hashing 23 MB to key its caches.
pub const MODEL_SHA256: &str = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6";
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2-int8";

/// Turns texts into L2-normalised vectors. Implemented by [`Embedder`]; tests may
/// implement it with a toy in unit tests.
pub trait Encoder {
    fn embed(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
    /// Identifies the model, so cached vectors are never mixed across models.
    fn model_id(&self) -> &str;
    /// Embed texts that recur (rubric criteria, scenarios); implementations may cache them.
    fn embed_cached(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        self.embed(texts)
    }
}

/// Cosine similarity of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Where the model came from, for `grill doctor` and `--verbose`.
#[derive(Debug, Clone)]
pub struct ModelInfo {
    pub name: String,
    pub source: String,
    pub sha256: String,
    pub runtime_library: PathBuf,
}

/// The real encoder: ONNX Runtime session plus tokenizer, with a disk cache.
pub struct Embedder {
    session: Session,
    tokenizer: Tokenizer,
    info: ModelInfo,
    cache: Option<EmbedCache>,
}

impl Embedder {
    /// Load the model named by the settings (or the built-in one) on ONNX Runtime.
    pub fn load(
        model_dir: Option<&std::path::Path>,
        ort_library: Option<&std::path::Path>,
        cache_dir: Option<PathBuf>,
    ) -> Result<Embedder> {
        let (model, tok, source): (std::borrow::Cow<'static, [u8]>, std::borrow::Cow<'static, [u8]>, String) =
            match model_dir {
                Some(dir) => {
                    let m = dir.join("model.onnx");
                    let t = dir.join("tokenizer.json");
                    let mb = std::fs::read(&m).with_context(|| format!("cannot read the embedding model {} (GRILL_MODEL_DIR must hold model.onnx and tokenizer.json)", m.display()))?;
                    let tb = std::fs::read(&t).with_context(|| format!("cannot read the tokenizer {}", t.display()))?;
                    (mb.into(), tb.into(), dir.display().to_string())
                }
                None => (
                    MODEL_BYTES.into(),
                    TOKENIZER_JSON.into(),
                    "built in (models/all-MiniLM-L6-v2-int8.onnx)".to_string(),
                ),
            };
        let sha = if model_dir.is_some() { hex(&Sha256::digest(&model)) } else { MODEL_SHA256.to_string() };
        let threads =
            std::env::var("GRILL_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or_else(default_threads).max(1);
        // Parsing the tokenizer (about 40 ms) overlaps loading ONNX Runtime and the session.
        let (opened, tokenizer) = std::thread::scope(|s| {
            let tokenizer = s.spawn(|| load_tokenizer(&tok));
            let opened = runtime::init(ort_library).and_then(|(lib, env)| {
                let prepared = cache_dir.as_ref().map(|d| prepared_dir(d, &sha, &lib));
                Ok((lib, open_session(env, &model, threads, prepared.as_deref())?))
            });
            (opened, tokenizer.join())
        });
        let (lib, session) = opened?;
        let tokenizer = tokenizer.map_err(|_| anyhow!("parsing the tokenizer failed unexpectedly"))??;
        let name = if model_dir.is_some() { "custom".to_string() } else { MODEL_NAME.to_string() };
        let cache = cache_dir.map(|d| EmbedCache::open(d, &sha));
        Ok(Embedder { session, tokenizer, info: ModelInfo { name, source, sha256: sha, runtime_library: lib }, cache })
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Embed without the cache: tokenise, run the model, mean-pool, normalise.
    pub fn embed_uncached(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let enc = self.tokenizer.encode_batch(texts.to_vec(), true).map_err(|e| anyhow!("tokenizer failed: {e}"))?;
        let lens: Vec<usize> = enc.iter().map(real_len).collect();
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| lens[i]);
        let sorted: Vec<usize> = order.iter().map(|&i| lens[i]).collect();
        let mut out = vec![Vec::new(); texts.len()];
        let mut start = 0;
        for end in plan_batches(&sorted) {
            let batch: Vec<&Encoding> = order[start..end].iter().map(|&i| &enc[i]).collect();
            for (&i, v) in order[start..end].iter().zip(self.run(&batch)?) {
                out[i] = v;
            }
            start = end;
        }
        Ok(out)
    }

    /// One forward pass over a batch (exposed for benchmarks).
    pub fn forward(&mut self, batch: &[&str]) -> Result<Vec<Vec<f32>>> {
        let enc = self.tokenizer.encode_batch(batch.to_vec(), true).map_err(|e| anyhow!("tokenizer failed: {e}"))?;
        self.run(&enc.iter().collect::<Vec<_>>())
    }

    /// Run the model over encodings padded on the right, cut to the longest of them.
    fn run(&mut self, enc: &[&Encoding]) -> Result<Vec<Vec<f32>>> {
        let b = enc.len();
        let s = enc.iter().map(|e| real_len(e)).max().unwrap_or(0);
        if b == 0 || s == 0 {
            return Ok(vec![vec![0.0; DIM]; b]);
        }
        let mut ids = Vec::with_capacity(b * s);
        let mut mask = Vec::with_capacity(b * s);
        let mut types = Vec::with_capacity(b * s);
        for e in enc {
            ids.extend(e.get_ids()[..s].iter().map(|&x| x as i64));
            mask.extend(e.get_attention_mask()[..s].iter().map(|&x| x as i64));
            types.extend(e.get_type_ids()[..s].iter().map(|&x| x as i64));
        }
        let shape = [b, s];
        let outputs = self
            .session
            .run(ort::inputs![
                "input_ids" => TensorRef::from_array_view((shape, &ids[..]))?,
                "attention_mask" => TensorRef::from_array_view((shape, &mask[..]))?,
                "token_type_ids" => TensorRef::from_array_view((shape, &types[..]))?,
            ])
            .map_err(|e| anyhow!("the embedding model failed to run: {e}"))?;
        let (out_shape, hidden) =
            outputs[0].try_extract_tensor::<f32>().map_err(|e| anyhow!("unexpected model output: {e}"))?;
        let dim = *out_shape.last().unwrap_or(&0) as usize;
        let mut vecs = Vec::with_capacity(b);
        for (row, e) in enc.iter().enumerate() {
            let m = &e.get_attention_mask()[..s];
            let mut v = vec![0f32; dim];
            let mut n = 0f32;
            for (t, &mt) in m.iter().enumerate() {
                if mt == 1 {
                    let base = (row * s + t) * dim;
                    for (acc, x) in v.iter_mut().zip(&hidden[base..base + dim]) {
                        *acc += *x;
                    }
                    n += 1.0;
                }
            }
            let norm = v.iter().map(|x| (x / n.max(1.0)).powi(2)).sum::<f32>().sqrt().max(1e-12);
            v.iter_mut().for_each(|x| *x = *x / n.max(1.0) / norm);
            vecs.push(v);
        }
        Ok(vecs)
    }

    /// Persist newly cached vectors.
    pub fn flush(&mut self) {
        if let Some(c) = &mut self.cache {
            c.flush();
        }
    }
}

fn load_tokenizer(json: &[u8]) -> Result<Tokenizer> {
    let mut tokenizer = Tokenizer::from_bytes(json).map_err(|e| anyhow!("the tokenizer file is not valid: {e}"))?;
    tokenizer.with_padding(Some(PaddingParams { strategy: PaddingStrategy::BatchLongest, ..Default::default() }));
    tokenizer
        .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
        .map_err(|e| anyhow!("cannot configure the tokenizer: {e}"))?;
    Ok(tokenizer)
}

/// Tokens that carry text (the rest is padding).
fn real_len(e: &Encoding) -> usize {
    e.get_attention_mask().iter().filter(|&&m| m == 1).count()
}

/// Where to cut texts sorted by token count into forward passes. A pass costs its batch
/// size times its longest text, plus a fixed cost; padding short texts up to long ones
/// wastes work (15 segments of 5 to 45 tokens ran 1.6x faster in four passes than in one),
/// while many small passes pay the fixed cost. Dynamic programming finds the cheapest
/// cuts, at most `BATCH` texts a pass. Returns the end of each batch.
fn plan_batches(sorted_lens: &[usize]) -> Vec<usize> {
    let n = sorted_lens.len();
    let mut cost = vec![usize::MAX; n + 1];
    let mut cut = vec![0; n + 1];
    cost[0] = 0;
    for end in 1..=n {
        for start in end.saturating_sub(BATCH)..end {
            let c = cost[start] + (end - start) * sorted_lens[end - 1].max(1) + PASS_COST_TOKENS;
            if c < cost[end] {
                cost[end] = c;
                cut[end] = start;
            }
        }
    }
    let mut ends = Vec::new();
    let mut end = n;
    while end > 0 {
        ends.push(end);
        end = cut[end];
    }
    ends.reverse();
    ends
}

/// File names inside a prepared-model folder.
const PREPARED_MODEL: &str = "model.onnx";
const PREPARED_WEIGHTS: &str = "model.onnx.data";

/// Where the optimised form of a model is kept: one folder per model and runtime library,
/// so a new model or a new ONNX Runtime never reads a stale graph.
fn prepared_dir(cache_dir: &std::path::Path, model_sha: &str, lib: &std::path::Path) -> PathBuf {
    let lib_tag = hex(&Sha256::digest(lib.to_string_lossy().as_bytes()));
    cache_dir.join("ort").join(format!("{}-{}", &model_sha[..16], &lib_tag[..8]))
}

/// An ONNX Runtime session for the model.
///
/// Intra-op threads when GRILL_THREADS is unset: two where there are two cores. On the
/// 2-core reference machine a cold `grill score` of 250 words took 404 ms instead of 525,
/// and `grill eval` ran 1.6x faster; more threads gain little on a model this small.
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(2))
}

/// The shipped model stores int8 weights that ONNX Runtime dequantises by constant folding
/// at every load, which costs time and a transient copy of all weights. So the first load
/// also writes the optimised graph to `prepared`, with its fp32 weights in a separate file;
/// later loads open that file, whose weights ONNX Runtime maps from disk instead of copying.
/// A missing, partial or unreadable prepared model falls back to the embedded one.
fn open_session(
    env: &'static ort::environment::Environment,
    model: &[u8],
    threads: usize,
    prepared: Option<&std::path::Path>,
) -> Result<Session> {
    let fail = |e: &dyn std::fmt::Display| anyhow!("ONNX Runtime could not load the embedding model: {e}");
    let builder = |level| -> Result<ort::session::builder::SessionBuilder> {
        Session::builder(env)
            .map_err(|e| fail(&e))?
            .with_optimization_level(level)
            .map_err(|e| fail(&e))?
            .with_intra_threads(threads)
            .map_err(|e| fail(&e))?
            // Idle workers sleep instead of spinning, so a CPU shared with other work
            // (tests in parallel, a build) slows scoring down instead of stalling it.
            .with_intra_op_spinning(false)
            .map_err(|e| fail(&e))?
            // Pre-packing repacks every weight matrix at load: on this model it cost about
            // 40 ms of each cold start and gained nothing measurable on `grill eval`. Off
            // in every session, because packed and unpacked kernels round differently, and
            // the same answer must get the same vectors on a first run as on later ones.
            .with_config_entry("session.disable_prepacking", "1")
            .map_err(|e| fail(&e))
    };
    if let Some(dir) = prepared {
        let file = dir.join(PREPARED_MODEL);
        if file.is_file() {
            match builder(GraphOptimizationLevel::Disable)?.commit_from_file(&file) {
                Ok(session) => return Ok(session),
                // A damaged folder is rebuilt below.
                Err(_) => {
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
        }
        // Write into a private folder and rename it into place, so a concurrent or
        // interrupted process never leaves a half-written model where others look.
        let tmp = dir.with_extension(format!("tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        if std::fs::create_dir_all(&tmp).is_ok() {
            let attempt = (|| -> Result<Session> {
                let mut b = builder(GraphOptimizationLevel::Level1)?
                    .with_optimized_model_path(tmp.join(PREPARED_MODEL))
                    .map_err(|e| fail(&e))?
                    .with_config_entry("session.optimized_model_external_initializers_file_name", PREPARED_WEIGHTS)
                    .map_err(|e| fail(&e))?
                    .with_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
                    .map_err(|e| fail(&e))?;
                b.commit_from_memory(model).map_err(|e| fail(&e))
            })();
            if let Ok(session) = attempt {
                if std::fs::rename(&tmp, dir).is_err() {
                    let _ = std::fs::remove_dir_all(&tmp);
                }
                return Ok(session);
            }
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    builder(GraphOptimizationLevel::Level1)?.commit_from_memory(model).map_err(|e| fail(&e))
}

impl Encoder for Embedder {
    fn embed(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        self.embed_uncached(texts)
    }
    fn model_id(&self) -> &str {
        &self.info.sha256
    }

    fn embed_cached(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let Some(cache) = &self.cache else { return self.embed_uncached(texts) };
        let missing: Vec<&str> = texts.iter().copied().filter(|t| cache.get(t).is_none()).collect();
        if !missing.is_empty() {
            let vecs = self.embed_uncached(&missing)?;
            let cache = self.cache.as_mut().expect("checked above");
            for (t, v) in missing.iter().zip(vecs) {
                cache.put(t, v);
            }
        }
        let cache = self.cache.as_ref().expect("checked above");
        Ok(texts.iter().map(|t| cache.get(t).cloned().unwrap_or_default()).collect())
    }
}

impl Drop for Embedder {
    fn drop(&mut self) {
        self.flush();
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_group_similar_lengths_and_respect_the_limit() {
        // short texts are not padded up to long ones
        assert_eq!(plan_batches(&[5, 5, 6, 40, 41, 45]), vec![3, 6]);
        // equal lengths share one pass, at most BATCH texts each
        let ends = plan_batches(&[10; 70]);
        assert_eq!((ends.len(), ends.last()), (3, Some(&70)));
        assert!(ends.iter().scan(0, |start, &end| Some(end - std::mem::replace(start, end))).all(|n| n <= BATCH));
        assert!(plan_batches(&[]).is_empty());
        assert_eq!(plan_batches(&[7]), vec![1]);
    }

    #[test]
    fn the_recorded_sha256_is_the_built_in_models() {
        assert_eq!(hex(&Sha256::digest(MODEL_BYTES)), MODEL_SHA256);
    }
}
