//! A static embedder distilled from MiniLM: one vector per word piece of the model's
//! vocabulary, made once by running the model on that piece alone; a text's vector is the
//! weighted mean of its pieces' vectors.
//!
//! Why: embedding a question with the full model is a forward pass of six transformer layers,
//! 13–18 ms on two CPU cores and nearly all of retrieval's latency; embedding thousands of
//! tables that way takes minutes. Looking up and averaging stored vectors takes microseconds.
//! Tables and questions are both embedded this way, so they share one space. On merged
//! Spider this ranks as well as the full model (gold-table recall 0.975 against 0.982) and
//! picks the right database more often (0.783 against 0.754 for single-schema slices): schema
//! text is a bag of identifiers, where context adds little.
//!
//! Weights: common pieces ("the", "how", "many") would otherwise dominate the mean. BERT's
//! vocabulary lists its whole-word and suffix pieces roughly by corpus frequency, so a piece's
//! position stands in for its rank, and each piece is weighted by `ln(1 + rank)` — smooth
//! inverse frequency under Zipf's law, with no corpus needed.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use tokenizers::Tokenizer;

use super::minilm::{MiniLm, read_tokenizer};
use super::{Embedder, normalize};
use crate::RetrievalError;

/// File of the stored piece vectors in the model's folder; a change of format or recipe
/// changes the name, so old files are never misread.
const FILE: &str = "distilled-pieces-v1.f32";

/// Vocabulary positions below this are padding, unused slots, special tokens and single
/// characters; ranked words start here in BERT's uncased vocabulary (`the` is 1996).
const FIRST_RANKED_PIECE: u32 = 1996;

/// MiniLM's vocabulary as static piece vectors (384 dimensions).
pub struct DistilledMiniLm {
    tokenizer: Tokenizer,
    pieces: TokenVectors,
}

impl std::fmt::Debug for DistilledMiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DistilledMiniLm").field("pieces", &self.pieces).finish_non_exhaustive()
    }
}

impl DistilledMiniLm {
    /// Loads the piece vectors kept in the MiniLM folder `dir` (what
    /// [`super::fetch_minilm`] returns), or distills them there with the full model first —
    /// one pass over its 30,522 pieces, under a minute on two cores, once per machine.
    pub fn load_or_distill(dir: &Path) -> Result<Self, RetrievalError> {
        let mut tokenizer = read_tokenizer(dir)?;
        // Every piece of a text counts, and padding pieces would count as words.
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(RetrievalError::Tokenizer)?;
        let file = dir.join(FILE);
        let n_pieces = tokenizer.get_vocab_size(true);
        if let Some(pieces) = TokenVectors::load(&file, n_pieces) {
            return Ok(Self { tokenizer, pieces });
        }
        let started = std::time::Instant::now();
        // Distilling feeds the model piece ids directly, so its text truncation plays no part.
        let (dimension, vectors) = MiniLm::load(dir, 128)?.distill()?;
        let pieces = TokenVectors::new(dimension, vectors)
            .filter(|p| p.n_pieces() == n_pieces)
            .ok_or(RetrievalError::EmbeddingShape { got: 0, expected: n_pieces, dimension })?;
        tracing::info!(n_pieces, seconds = started.elapsed().as_secs_f32(), "distilled MiniLM's piece vectors");
        // Storing only spares the next start the distillation: failing must not fail loading.
        if let Err(error) = pieces.store(&file) {
            tracing::warn!(path = %file.display(), %error, "could not store distilled piece vectors");
        }
        Ok(Self { tokenizer, pieces })
    }
}

impl Embedder for DistilledMiniLm {
    fn name(&self) -> &str {
        "all-MiniLM-L6-v2-distilled"
    }

    fn dimension(&self) -> usize {
        self.pieces.dimension
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, RetrievalError> {
        texts
            .iter()
            .map(|text| {
                let encoding = self.tokenizer.encode(*text, false).map_err(RetrievalError::Tokenizer)?;
                Ok(self.pieces.encode(encoding.get_ids()))
            })
            .collect()
    }
}

/// One vector per vocabulary piece, row `id` for piece `id`.
struct TokenVectors {
    dimension: usize,
    vectors: Vec<f32>,
}

impl std::fmt::Debug for TokenVectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVectors").field("n_pieces", &self.n_pieces()).field("dimension", &self.dimension).finish()
    }
}

impl TokenVectors {
    /// Wraps `n × dimension` values; `None` when the length does not match.
    fn new(dimension: usize, vectors: Vec<f32>) -> Option<Self> {
        (dimension > 0 && vectors.len().is_multiple_of(dimension)).then_some(Self { dimension, vectors })
    }

    fn n_pieces(&self) -> usize {
        self.vectors.len() / self.dimension.max(1)
    }

    /// The unit-length, frequency-weighted mean of the pieces' vectors; a zero vector when
    /// no piece is known (an empty text).
    fn encode(&self, ids: &[u32]) -> Vec<f32> {
        let mut sum = vec![0.0f32; self.dimension];
        for &id in ids {
            let start = usize::try_from(id).unwrap_or(usize::MAX).saturating_mul(self.dimension);
            let Some(row) = self.vectors.get(start..start.saturating_add(self.dimension)) else { continue };
            let weight = piece_weight(id);
            sum.iter_mut().zip(row).for_each(|(s, x)| *s += weight * x);
        }
        normalize(&mut sum);
        sum
    }

    /// Reads vectors stored by [`TokenVectors::store`]: a little-endian `u32` dimension, then
    /// `f32`s. `None` when absent or of the wrong size (a cut file), so the caller distills
    /// them again.
    fn load(file: &Path, n_pieces: usize) -> Option<Self> {
        let bytes = std::fs::read(file).ok()?;
        let (head, body) = bytes.split_at_checked(4)?;
        let dimension = usize::try_from(u32::from_le_bytes(head.try_into().ok()?)).ok()?;
        if dimension == 0 || body.len() != n_pieces.checked_mul(dimension)?.checked_mul(4)? {
            return None;
        }
        let vectors = body.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        Self::new(dimension, vectors)
    }

    /// Writes through a temporary name of its own (processes and threads may distill at the
    /// same time), so a reader never sees half a file.
    fn store(&self, file: &Path) -> std::io::Result<()> {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let dimension = u32::try_from(self.dimension).map_err(std::io::Error::other)?;
        let mut bytes = Vec::with_capacity(4 + self.vectors.len() * 4);
        bytes.extend(dimension.to_le_bytes());
        bytes.extend(self.vectors.iter().flat_map(|x| x.to_le_bytes()));
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let partial = file.with_extension(format!("partial-{}-{n}", std::process::id()));
        std::fs::write(&partial, bytes)?;
        std::fs::rename(partial, file)
    }
}

/// `ln(1 + rank)`: about 0.7 for the most common word, 8–10 for ordinary content words.
fn piece_weight(id: u32) -> f32 {
    let rank = id.saturating_sub(FIRST_RANKED_PIECE - 1).max(1);
    (rank as f32).ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors() -> TokenVectors {
        // Three pieces in two dimensions: pieces 0 and 1 point along x, piece 2 along y.
        TokenVectors::new(2, vec![1.0, 0.0, 1.0, 0.0, 0.0, 1.0]).unwrap()
    }

    #[test]
    fn encodes_a_weighted_unit_mean_and_skips_unknown_pieces() {
        let v = vectors();
        assert_eq!(v.n_pieces(), 3);
        assert_eq!(v.encode(&[2]), vec![0.0, 1.0]);
        let mixed = v.encode(&[0, 2, 99_999]);
        let norm: f32 = mixed.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5, "{mixed:?}");
        // Pieces 0 and 2 share the lowest rank, so they weigh the same.
        assert!((mixed[0] - mixed[1]).abs() < 1e-6, "{mixed:?}");
        assert_eq!(v.encode(&[]), vec![0.0, 0.0]);
        assert_eq!(v.encode(&[u32::MAX]), vec![0.0, 0.0]);
    }

    #[test]
    fn rare_pieces_outweigh_common_ones() {
        assert!(piece_weight(1996) < 1.0);
        assert!(piece_weight(9000) > 8.0 * piece_weight(1996));
        assert_eq!(piece_weight(5), piece_weight(1996));
    }

    #[test]
    fn stores_and_reloads_and_refuses_a_wrong_size() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("v.f32");
        vectors().store(&file).unwrap();
        let loaded = TokenVectors::load(&file, 3).unwrap();
        assert_eq!((loaded.dimension, loaded.vectors), (2, vectors().vectors));
        assert!(TokenVectors::load(&file, 4).is_none(), "another vocabulary's file");
        std::fs::write(&file, [2, 0, 0, 0, 1]).unwrap();
        assert!(TokenVectors::load(&file, 3).is_none(), "a cut file");
        std::fs::write(&file, [2]).unwrap();
        assert!(TokenVectors::load(&file, 3).is_none(), "no header");
        assert!(TokenVectors::load(&dir.path().join("absent"), 3).is_none());
        assert!(TokenVectors::new(0, vec![]).is_none());
        assert!(TokenVectors::new(2, vec![1.0]).is_none());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no partial file left behind");
    }
}
