//! The dense index: one embedding per table, optionally kept on disk per catalog version so a
//! restart does not embed thousands of tables again.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tandem_core::CatalogVersion;

use crate::RetrievalError;
use crate::embed::{Embedder, dot, embed_checked};

/// Table embeddings of one catalog version, row `i` for table `i`.
#[derive(Debug)]
pub(crate) struct DenseIndex {
    embedder: Arc<dyn Embedder>,
    vectors: Vec<Vec<f32>>,
}

impl DenseIndex {
    /// Embeds `texts` (one per table), or loads them from `cache_dir` when an earlier run of the
    /// same embedder stored them for the same catalog version.
    pub(crate) fn build(
        embedder: Arc<dyn Embedder>,
        texts: &[&str],
        version: CatalogVersion,
        cache_dir: Option<&Path>,
    ) -> Result<Self, RetrievalError> {
        let dimension = embedder.dimension();
        let cache_file = cache_dir.map(|dir| cache_path(dir, embedder.name(), version));
        if let Some(vectors) = cache_file.as_deref().and_then(|file| load(file, texts.len(), dimension)) {
            return Ok(Self { embedder, vectors });
        }
        let vectors = embed_checked(embedder.as_ref(), texts)?;
        if let Some(file) = cache_file {
            // The cache only saves time: failing to write it must not fail the index.
            if let Err(error) = store(&file, &vectors) {
                tracing::warn!(path = %file.display(), %error, "could not store table embeddings");
            }
        }
        Ok(Self { embedder, vectors })
    }

    /// The `limit` tables most similar to `question`, best first, as (table, similarity).
    pub(crate) fn search(&self, question: &str, limit: usize) -> Result<Vec<(usize, f32)>, RetrievalError> {
        let query = embed_checked(self.embedder.as_ref(), &[question])?;
        let Some(query) = query.first() else { return Ok(Vec::new()) };
        let mut scored: Vec<(usize, f32)> = self.vectors.iter().map(|v| dot(v, query)).enumerate().collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(limit);
        Ok(scored)
    }
}

fn cache_path(dir: &Path, embedder: &str, version: CatalogVersion) -> PathBuf {
    let name: String = embedder.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    dir.join(format!("{version}-{name}.f32"))
}

/// Reads little-endian `f32`s; `None` when absent or of the wrong size (a stale or cut file).
fn load(file: &Path, n: usize, dimension: usize) -> Option<Vec<Vec<f32>>> {
    let bytes = std::fs::read(file).ok()?;
    if bytes.len() != n.checked_mul(dimension)?.checked_mul(4)? || dimension == 0 {
        return None;
    }
    let floats: Vec<f32> = bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    Some(floats.chunks(dimension).map(<[f32]>::to_vec).collect())
}

/// Writes through a temporary name so a reader never sees half a file.
fn store(file: &Path, vectors: &[Vec<f32>]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let bytes: Vec<u8> = vectors.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
    let partial = file.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(partial, file)
}

#[cfg(test)]
mod tests {
    use tandem_core::Catalog;

    use super::*;
    use crate::embed::testing::HashingEmbedder;

    #[test]
    fn searches_and_reuses_the_disk_cache() {
        let dir = tempfile::tempdir().unwrap();
        let version = Catalog::default().version();
        let texts = ["customer name country", "order total date", "product price"];
        let embedder: Arc<dyn Embedder> = Arc::new(HashingEmbedder::default());
        let built = DenseIndex::build(embedder.clone(), &texts, version, Some(dir.path())).unwrap();
        let hits = built.search("customers by country", 2).unwrap();
        assert_eq!(hits.first().map(|h| h.0), Some(0), "{hits:?}");
        assert_eq!(hits.len(), 2);

        let file = cache_path(dir.path(), "hashing", version);
        assert!(file.is_file());
        let reloaded = DenseIndex::build(embedder, &texts, version, Some(dir.path())).unwrap();
        assert_eq!(reloaded.vectors, built.vectors);
        assert!(load(&file, 4, 64).is_none(), "a stale file is ignored");
    }
}
