//! Where each question's database lives: a folder of SQLite files or one PostgreSQL server
//! with a database per `db_id`. Opening them is the caller's business ([`OpenDatabase`]), so
//! this crate names no database driver.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use tandem_exec::{ExecError, Executor};

use crate::datasets::DatasetError;

/// Where the databases of a benchmark are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbSource {
    /// SQLite files `<db_id>.sqlite` or `<db_id>/<db_id>.sqlite` (Spider's layout).
    Dir(PathBuf),
    /// A PostgreSQL server URL; each `db_id` is a database on it.
    Postgres(String),
}

/// One database's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    Sqlite(PathBuf),
    Postgres { url: String },
}

/// Opens a located database as a read-only executor (the CLI wires the concrete engines).
#[async_trait]
pub trait OpenDatabase: Send + Sync {
    async fn open(&self, location: &DbLocation) -> Result<Arc<dyn Executor>, ExecError>;
}

impl DbSource {
    /// The database of `db_id`, or `None` when the folder has no file for it.
    pub fn locate(&self, db_id: &str) -> Result<Option<DbLocation>, DatasetError> {
        if !is_plain_name(db_id) {
            return Err(DatasetError::BadDbId { db_id: db_id.to_owned() });
        }
        match self {
            DbSource::Dir(dir) => {
                Ok([dir.join(format!("{db_id}.sqlite")), dir.join(db_id).join(format!("{db_id}.sqlite"))]
                    .into_iter()
                    .find(|p| p.is_file())
                    .map(DbLocation::Sqlite))
            }
            DbSource::Postgres(url) => Ok(Some(DbLocation::Postgres { url: with_database(url, db_id) })),
        }
    }

    /// Every database id a folder holds, sorted (the merged catalog's members); a server
    /// lists only `known`, the ids the questions name.
    pub fn list(&self, known: &[String]) -> Result<Vec<String>, DatasetError> {
        let mut ids: Vec<String> = match self {
            DbSource::Postgres(_) => known.to_vec(),
            DbSource::Dir(dir) => {
                let entries =
                    std::fs::read_dir(dir).map_err(|source| DatasetError::Io { path: dir.clone(), source })?;
                entries.filter_map(Result::ok).map(|e| e.path()).filter_map(|path| db_id_of(&path)).collect()
            }
        };
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
}

/// The id a folder entry stands for: `x.sqlite`, or a folder `x` holding `x.sqlite`.
fn db_id_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if path.is_dir() {
        return path.join(format!("{name}.sqlite")).is_file().then(|| name.to_owned());
    }
    name.strip_suffix(".sqlite").filter(|id| is_plain_name(id)).map(str::to_owned)
}

/// Ids become file and database names: letters, digits, `_` and `-` only.
fn is_plain_name(db_id: &str) -> bool {
    !db_id.is_empty() && db_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `url` with its database (the path) replaced by `db_id`; the query string is kept.
fn with_database(url: &str, db_id: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{db_id}?{query}"),
        None => format!("{root}/{db_id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both_layouts_and_lists_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("flat.sqlite"), b"").unwrap();
        std::fs::create_dir(dir.path().join("nested")).unwrap();
        std::fs::write(dir.path().join("nested").join("nested.sqlite"), b"").unwrap();
        std::fs::create_dir(dir.path().join("empty")).unwrap();
        let source = DbSource::Dir(dir.path().to_owned());
        assert_eq!(source.locate("flat").unwrap(), Some(DbLocation::Sqlite(dir.path().join("flat.sqlite"))));
        assert_eq!(
            source.locate("nested").unwrap(),
            Some(DbLocation::Sqlite(dir.path().join("nested").join("nested.sqlite")))
        );
        assert_eq!(source.locate("empty").unwrap(), None);
        assert!(source.locate("../etc").is_err());
        assert_eq!(source.list(&[]).unwrap(), ["flat", "nested"]);
    }

    #[test]
    fn postgres_urls_get_the_database_swapped() {
        assert_eq!(with_database("postgres://u@h:5432/test", "pets_1"), "postgres://u@h:5432/pets_1");
        assert_eq!(with_database("postgres://u@h", "pets_1"), "postgres://u@h/pets_1");
        assert_eq!(with_database("postgresql://h/x?sslmode=disable", "a"), "postgresql://h/a?sslmode=disable");
        let source = DbSource::Postgres("postgres://h/".into());
        assert_eq!(source.list(&["b".into(), "a".into()]).unwrap(), ["a", "b"]);
    }
}
