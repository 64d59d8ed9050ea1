//! `DatasetError`, the crate's one error: a benchmark file that cannot be read or is not in
//! the expected form, or a benchmark database that cannot be opened.

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

    /// A database id that cannot name a file or database (only letters, digits, `_`, `-`).
    #[error("database id `{db_id}` may hold only letters, digits, `_` and `-`")]
    BadDbId { db_id: String },

    /// A benchmark database could not be opened or introspected.
    #[error("database `{db_id}`: {source}")]
    Database {
        db_id: String,
        #[source]
        source: tandem_exec::ExecError,
    },

    /// The merged catalog's databases run different engines.
    #[error("the databases of a merged catalog must all run one engine")]
    MixedDialects,
}

pub(crate) fn read(path: &std::path::Path) -> Result<String, DatasetError> {
    std::fs::read_to_string(path).map_err(|source| DatasetError::Io { path: path.to_owned(), source })
}
