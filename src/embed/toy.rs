//! A toy [`Encoder`] for unit tests: a bag of hashed word stems, so similar wording gives
//! similar vectors. The real model is tested in the integration suite.

use super::Encoder;
use crate::scoring::text;
use anyhow::Result;

pub struct ToyEncoder;

impl Encoder for ToyEncoder {
    fn embed(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        Ok(texts
            .iter()
            .map(|t| {
                let mut v = vec![0f32; 384];
                for s in text::stems(t) {
                    if text::is_function_word(&s) {
                        continue;
                    }
                    let h = s.bytes().fold(1469598103934665603u64, |h, b| (h ^ b as u64).wrapping_mul(1099511628211));
                    v[(h % 384) as usize] += 1.0;
                }
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                v.iter_mut().for_each(|x| *x /= n);
                v
            })
            .collect())
    }
    fn model_id(&self) -> &str {
        "toy"
    }
}
