//! The transform scenarios on SQLite files, plus what only a file can show: the preview leaves
//! it byte-for-byte unchanged, and an exported migration runs once.

use std::path::PathBuf;

use async_trait::async_trait;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use tandem_core::{Catalog, Dialect, TableName};
use tandem_exec::{
    Executor, IntrospectOptions, SqliteExecutor, SqliteOptions, SqliteTransformer, TransformOptions, Transformer,
};

use super::{Engine, FIXTURE};

pub struct SqliteDb {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl SqliteDb {
    pub async fn create() -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("warehouse.sqlite");
        let connection = Connection::open(&path).unwrap();
        for statement in FIXTURE {
            connection.execute_batch(statement).unwrap();
        }
        Some(Self { _dir: dir, path })
    }

    pub async fn drop(self) {}
}

#[async_trait]
impl Engine for SqliteDb {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn table(&self, name: &str) -> TableName {
        TableName::new(name)
    }

    async fn admin(&self, sql: &str) {
        Connection::open(&self.path).unwrap().execute_batch(sql).unwrap();
    }

    async fn snapshot(&self) -> Vec<(String, Vec<String>)> {
        let connection = Connection::open_with_flags(&self.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let mut names = connection
            .prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap();
        let tables: Vec<String> = names.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        tables
            .into_iter()
            .map(|table| {
                let mut statement = connection.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
                let n = statement.column_count();
                let mut rows: Vec<String> = statement
                    .query_map([], |row| {
                        let values: Vec<rusqlite::types::Value> = (0..n).map(|i| row.get(i).unwrap()).collect();
                        Ok(format!("{values:?}"))
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                rows.sort();
                (table, rows)
            })
            .collect()
    }

    fn file_hash(&self) -> Option<String> {
        let bytes = std::fs::read(&self.path).unwrap();
        let sidecars: Vec<bool> = ["-journal", "-wal", "-shm"]
            .iter()
            .map(|suffix| PathBuf::from(format!("{}{suffix}", self.path.display())).exists())
            .collect();
        Some(format!("{:x} {sidecars:?}", Sha256::digest(bytes)))
    }

    async fn catalog(&self) -> Catalog {
        let executor = SqliteExecutor::open(&self.path, &SqliteOptions::default()).unwrap();
        executor.introspect(&IntrospectOptions { sampling: None, ..IntrospectOptions::default() }).await.unwrap()
    }

    async fn transformer(&self, options: TransformOptions) -> Box<dyn Transformer> {
        Box::new(SqliteTransformer::open(&self.path, options).unwrap())
    }
}

crate::transform_scenarios!(SqliteDb);

#[tokio::test]
async fn an_exported_migration_applies_once() {
    let db = SqliteDb::create().await.unwrap();
    let (_, sql) = super::export(&db).await.unwrap();
    let connection = Connection::open(&db.path).unwrap();
    connection.execute_batch(&sql).unwrap();
    let n: i64 = connection.query_row("SELECT count(*) FROM daily", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 4);
    // Running the file again fails on the audit row's key; its transaction rolls back.
    let error = connection.execute_batch(&sql).unwrap_err();
    assert!(error.to_string().contains("already exists") || error.to_string().contains("UNIQUE"), "{error}");
    connection.execute_batch("ROLLBACK").ok();
    let n: i64 = connection.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn returned_audit_log_is_exactly_once_per_transformer() {
    let db = SqliteDb::create().await.unwrap();
    let catalog = db.catalog().await;
    let spec = tandem_sql::TransformSpec::new(
        TableName::new("daily"),
        tandem_sql::WriteKind::CreateAsSelect,
        vec![TableName::new("orders")],
    );
    let transform = tandem_sql::validate_transform(
        "CREATE TABLE daily AS SELECT day, SUM(amount) AS total FROM orders GROUP BY day",
        &spec,
        &tandem_sql::Policy::new(Dialect::Sqlite),
        &catalog,
    )
    .unwrap();
    let options = TransformOptions { audit: tandem_exec::AuditLog::Returned, ..TransformOptions::default() };
    let transformer = db.transformer(options).await;
    let preview = transformer.preview(&transform).await.unwrap();
    let record = transformer.apply(&transform, &preview.receipt, &super::request(&catalog)).await.unwrap();
    assert_eq!(record.target, "daily");
    assert!(!db.snapshot().await.iter().any(|(t, _)| t == "audit_log"), "no audit table was written");
    let retry = transformer.apply(&transform, &preview.receipt, &super::request(&catalog)).await.unwrap_err();
    assert!(matches!(retry, tandem_exec::ExecError::AlreadyApplied { .. }), "{retry:?}");
}
