//! A disk cache of embeddings for texts that recur (rubric criteria, scenarios), keyed by
//! the model's sha256 and the text's sha256, so a rubric is embedded once per model.

use super::DIM;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

const KEY: usize = 32;
const RECORD: usize = KEY + DIM * 4;

pub struct EmbedCache {
    path: PathBuf,
    map: HashMap<[u8; KEY], Vec<f32>>,
    pending: Vec<[u8; KEY]>,
}

fn key(text: &str) -> [u8; KEY] {
    Sha256::digest(text.as_bytes()).into()
}

impl EmbedCache {
    /// Open (or start) the cache for one model. A damaged file is ignored, not fatal.
    pub fn open(dir: PathBuf, model_sha: &str) -> EmbedCache {
        let path = dir.join(format!("embeddings-{}.bin", &model_sha[..16.min(model_sha.len())]));
        let mut map = HashMap::new();
        if let Ok(bytes) = std::fs::read(&path) {
            for rec in bytes.chunks_exact(RECORD) {
                let mut k = [0u8; KEY];
                k.copy_from_slice(&rec[..KEY]);
                let v = rec[KEY..].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
                map.insert(k, v);
            }
        }
        EmbedCache { path, map, pending: Vec::new() }
    }

    pub fn get(&self, text: &str) -> Option<&Vec<f32>> {
        self.map.get(&key(text))
    }

    pub fn put(&mut self, text: &str, v: Vec<f32>) {
        if v.len() != DIM {
            return;
        }
        let k = key(text);
        if self.map.insert(k, v).is_none() {
            self.pending.push(k);
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Append new entries to the file. Failure to write only costs speed, so it is silent.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut buf = Vec::with_capacity(self.pending.len() * RECORD);
        for k in &self.pending {
            if let Some(v) = self.map.get(k) {
                buf.extend_from_slice(k);
                v.iter().for_each(|x| buf.extend_from_slice(&x.to_le_bytes()));
            }
        }
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let ok =
            std::fs::OpenOptions::new().create(true).append(true).open(&self.path).and_then(|mut f| f.write_all(&buf));
        if ok.is_ok() {
            self.pending.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_disk() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = EmbedCache::open(dir.path().to_path_buf(), "abcdef0123456789ff");
        c.put("hello", vec![0.5; DIM]);
        c.put("short", vec![1.0; 3]);
        c.flush();
        let c2 = EmbedCache::open(dir.path().to_path_buf(), "abcdef0123456789ff");
        assert_eq!(c2.len(), 1);
        assert_eq!(c2.get("hello").unwrap()[0], 0.5);
        let other = EmbedCache::open(dir.path().to_path_buf(), "0000000000000000");
        assert!(other.is_empty());
    }
}
