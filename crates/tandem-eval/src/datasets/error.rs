//! `DatasetError`: a benchmark file that cannot be read or is not in the expected form.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("parsing {path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    /// The file parsed but breaks the format's rules (an index out of range, a missing field).
    #[error("{path}: {detail}")]
    Format { path: PathBuf, detail: String },
}

pub(crate) fn read(path: &std::path::Path) -> Result<String, DatasetError> {
    std::fs::read_to_string(path).map_err(|source| DatasetError::Io { path: path.to_owned(), source })
}
