//! The SQLite transform connection: writable, but an authorizer lets statements write only the
//! transform's target and the audit table — a second wall under the transform policy, in the
//! engine itself.

use std::path::Path;

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::{Connection, OpenFlags};
use tandem_core::{Dialect, TableName};

use super::guard::{DENIED_FUNCTIONS, READ_PRAGMAS, harden};
use crate::ExecError;

/// Tables SQLite itself writes while a permitted statement runs: the schema table for DDL, the
/// AUTOINCREMENT counters for inserts.
const INTERNAL_TABLES: &[&str] = &["sqlite_master", "sqlite_schema", "sqlite_sequence"];

/// Opens an existing file for writing, hardened like the read-only sandbox, with an authorizer
/// that permits writes to `writable` only (the target; the audit table).
pub(crate) fn open_writable(path: &Path, writable: &[&TableName]) -> Result<Connection, ExecError> {
    let target = path.display().to_string();
    let connection_error = |source: rusqlite::Error| ExecError::Connection {
        dialect: Dialect::Sqlite,
        target: target.clone(),
        source: Box::new(source),
    };
    // No SQLITE_OPEN_CREATE: a missing file is an error, never a new empty database.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags).map_err(connection_error)?;
    harden(&connection).map_err(connection_error)?;
    let allowed: Vec<String> = writable
        .iter()
        .filter(|t| t.schema.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("main")))
        .map(|t| t.name.to_ascii_lowercase())
        .collect();
    connection.authorizer(Some(move |context: AuthContext<'_>| authorize(&allowed, context)));
    Ok(connection)
}

/// Reads everywhere; writes and DDL only on `allowed` tables in `main`; no temp objects,
/// triggers, `ATTACH`, pragma assignments, `VACUUM` or extension loading.
fn authorize(allowed: &[String], context: AuthContext<'_>) -> Authorization {
    let in_main = context.database_name.is_none_or(|d| d.eq_ignore_ascii_case("main"));
    let permitted = |table: &str| {
        let table = table.to_ascii_lowercase();
        in_main && allowed.contains(&table)
    };
    let internal = |table: &str| in_main && INTERNAL_TABLES.iter().any(|t| t.eq_ignore_ascii_case(table));
    let allow = match context.action {
        AuthAction::Select | AuthAction::Read { .. } | AuthAction::Recursive => true,
        AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } => true,
        AuthAction::Function { function_name } => {
            !DENIED_FUNCTIONS.iter().any(|d| d.eq_ignore_ascii_case(function_name))
        }
        AuthAction::Pragma { pragma_name, pragma_value } => {
            // Table-valued schema pragmas carry the table as their value; a bare assignment
            // (`PRAGMA x = y`) is refused because the name is not a reader.
            READ_PRAGMAS.iter().any(|p| p.eq_ignore_ascii_case(pragma_name)) && pragma_value.is_some()
        }
        AuthAction::Insert { table_name }
        | AuthAction::Delete { table_name }
        | AuthAction::Update { table_name, .. } => permitted(table_name) || internal(table_name),
        AuthAction::CreateTable { table_name } | AuthAction::DropTable { table_name } => permitted(table_name),
        AuthAction::CreateView { view_name } | AuthAction::DropView { view_name } => permitted(view_name),
        AuthAction::CreateIndex { table_name, .. } | AuthAction::DropIndex { table_name, .. } => permitted(table_name),
        _ => false,
    };
    if allow { Authorization::Allow } else { Authorization::Deny }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, amount INT);
                 INSERT INTO orders (amount) VALUES (5), (7);
                 CREATE TABLE other (x INT);
                 CREATE TABLE summary (total INT);",
            )
            .unwrap();
        (dir, path)
    }

    #[test]
    fn only_the_target_and_the_audit_table_are_writable() {
        let (_dir, path) = fixture();
        let target = TableName::new("Daily");
        let audit = TableName::qualified("main", "audit_log");
        let connection = open_writable(&path, &[&target, &audit]).unwrap();
        for sql in [
            "CREATE TABLE daily AS SELECT amount FROM orders",
            "INSERT INTO daily SELECT amount FROM orders",
            "DELETE FROM daily",
            "DROP TABLE daily",
            "CREATE VIEW daily AS SELECT amount FROM orders",
            "DROP VIEW daily",
            "CREATE TABLE audit_log (k TEXT PRIMARY KEY, v TEXT)",
            "INSERT INTO audit_log VALUES ('a', 'b')",
            "SELECT name FROM pragma_table_info('orders')",
        ] {
            connection.execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        for sql in [
            "INSERT INTO orders (amount) VALUES (1)",
            "UPDATE orders SET amount = 0",
            "DELETE FROM orders",
            "DROP TABLE other",
            "CREATE TABLE daily2 AS SELECT 1",
            "CREATE TEMP TABLE daily AS SELECT 1",
            "CREATE INDEX i ON orders (amount)",
            "CREATE TRIGGER t AFTER INSERT ON summary BEGIN DELETE FROM orders; END",
            "ALTER TABLE orders ADD COLUMN y INT",
            "ATTACH DATABASE ':memory:' AS x",
            "PRAGMA writable_schema = ON",
            "PRAGMA journal_mode = DELETE",
            "VACUUM",
            "SELECT load_extension('x')",
        ] {
            let error = connection.execute_batch(sql).unwrap_err().to_string();
            assert!(error.contains("not authorized") || error.contains("authorization denied"), "{sql}: {error}");
        }
        let count: i64 = connection.query_row("SELECT count(*) FROM orders", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 2);
    }

    #[test]
    fn a_missing_file_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.sqlite");
        assert!(matches!(open_writable(&path, &[]), Err(ExecError::Connection { .. })));
        assert!(!path.exists());
    }
}
