//! The crate's only write path: building a new SQLite file (the demo warehouse) from a script.
//! It is a free function on a path, unreachable from any [`crate::Executor`].

use std::path::Path;

use rusqlite::Connection;

use super::error::{Interruption, map_sqlite};
use crate::ExecError;

/// Builds a new SQLite database at `path` by running `statements` in one transaction.
///
/// Refuses to touch an existing file. The database is written to a temporary file in the same
/// directory and moved into place only when complete, without replacing anything that
/// appeared at `path` meanwhile, so `path` never holds a half-built database. Blocking: call it
/// from a thread that may block.
pub fn create_sqlite_from_script(path: &Path, statements: &[String]) -> Result<(), ExecError> {
    if path.exists() {
        return Err(ExecError::AlreadyExists { path: path.to_owned() });
    }
    let io_error = |source| ExecError::Io { path: path.to_owned(), source };
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(directory).map_err(io_error)?;
    let temporary =
        tempfile::Builder::new().prefix(".tandem-build-").suffix(".sqlite").tempfile_in(directory).map_err(io_error)?;
    let mut connection = Connection::open(temporary.path()).map_err(|source| ExecError::Connection {
        dialect: tandem_core::Dialect::Sqlite,
        target: temporary.path().display().to_string(),
        source: Box::new(source),
    })?;
    // No progress handler runs here, so the interruption kind is never used.
    let sqlite_error = |source| map_sqlite(source, Interruption::Cancelled);
    let transaction = connection.transaction().map_err(sqlite_error)?;
    for (index, statement) in statements.iter().enumerate() {
        transaction
            .execute_batch(statement)
            .map_err(|source| ExecError::Script { index, source: Box::new(sqlite_error(source)) })?;
    }
    transaction.commit().map_err(sqlite_error)?;
    connection.close().map_err(|(_, source)| sqlite_error(source))?;
    temporary.as_file().sync_all().map_err(io_error)?;
    temporary.persist_noclobber(path).map_err(|error| {
        if error.error.kind() == std::io::ErrorKind::AlreadyExists {
            ExecError::AlreadyExists { path: path.to_owned() }
        } else {
            io_error(error.error)
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(statements: &[&str]) -> Vec<String> {
        statements.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn builds_a_new_file_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/warehouse.sqlite");
        create_sqlite_from_script(&path, &script(&["CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1), (2)"]))
            .unwrap();
        let count: i64 =
            Connection::open(&path).unwrap().query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 2);
        let again = create_sqlite_from_script(&path, &script(&["CREATE TABLE u (y)"]));
        assert!(matches!(again, Err(ExecError::AlreadyExists { .. })), "{again:?}");
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn a_failing_statement_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.sqlite");
        let error = create_sqlite_from_script(&path, &script(&["CREATE TABLE t (x)", "INSERT INTO nope VALUES (1)"]))
            .unwrap_err();
        let ExecError::Script { index, source } = &error else { panic!("{error:?}") };
        assert_eq!(*index, 1);
        assert_eq!(source.code(), "db_unknown_table");
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
