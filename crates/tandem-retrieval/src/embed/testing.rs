//! A deterministic stand-in embedder for tests: hashed bags of stemmed words.

use super::{Embedder, normalize};
use crate::{RetrievalError, words};

/// Embeds a text as a normalised histogram of its hashed, stemmed words, so texts sharing
/// words score higher than texts that share none. No model, no IO, same output everywhere.
#[derive(Debug, Clone)]
pub struct HashingEmbedder {
    dimension: usize,
}

impl HashingEmbedder {
    pub fn new(dimension: usize) -> Self {
        Self { dimension: dimension.max(1) }
    }
}

impl Default for HashingEmbedder {
    fn default() -> Self {
        Self::new(64)
    }
}

/// FNV-1a: stable across platforms and releases, unlike `std`'s hasher.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

impl Embedder for HashingEmbedder {
    fn name(&self) -> &str {
        "hashing"
    }

    fn dimension(&self) -> usize {
        self.dimension
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, RetrievalError> {
        let dimension = u64::try_from(self.dimension).unwrap_or(1);
        Ok(texts
            .iter()
            .map(|text| {
                let mut vector = vec![0.0f32; self.dimension];
                for word in words::schema_terms(text) {
                    let slot = usize::try_from(fnv1a(&word) % dimension).unwrap_or(0);
                    if let Some(x) = vector.get_mut(slot) {
                        *x += 1.0;
                    }
                }
                normalize(&mut vector);
                vector
            })
            .collect())
    }
}
