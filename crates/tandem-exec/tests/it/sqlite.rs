//! The SQLite sandbox end to end: build a file, introspect it, run validated SQL.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tandem_core::{Dialect, TableKind, TableName};
use tandem_exec::{
    ExecError, Executor, IntrospectOptions, Limits, SamplingLimits, SqliteExecutor, SqliteOptions, Value,
    create_sqlite_from_script,
};

use crate::support::validated;

const SCRIPT: &[&str] = &[
    "CREATE TABLE region ( -- Sales regions.
       code TEXT PRIMARY KEY, -- Short code.
       name TEXT NOT NULL
     )",
    "CREATE TABLE orders (
       region TEXT NOT NULL REFERENCES region(code),
       order_no INTEGER NOT NULL,
       amount NUMERIC,
       PRIMARY KEY (region, order_no)
     )",
    "CREATE TABLE order_note (
       region TEXT, order_no INTEGER, note TEXT,
       FOREIGN KEY (region, order_no) REFERENCES orders(region, order_no)
     )",
    "CREATE VIEW region_totals AS SELECT region, sum(amount) AS total FROM orders GROUP BY region",
    "INSERT INTO region VALUES ('EU', 'Europe'), ('NA', 'North America')",
    "INSERT INTO orders VALUES ('EU', 1, 10), ('EU', 2, 5.5), ('NA', 1, 7)",
];

#[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
fn warehouse() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warehouse.sqlite");
    let script: Vec<String> = SCRIPT.iter().map(|s| (*s).to_owned()).collect();
    create_sqlite_from_script(&path, &script).unwrap();
    (dir, path)
}

#[tokio::test]
async fn introspects_a_built_warehouse() {
    let (_dir, path) = warehouse();
    let executor = SqliteExecutor::open(&path, &SqliteOptions::default()).unwrap();
    let options = IntrospectOptions {
        sampling: Some(SamplingLimits { max_distinct: 5, ..SamplingLimits::default() }),
        ..IntrospectOptions::default()
    };
    let catalog = executor.introspect(&options).await.unwrap();
    let names: Vec<String> = catalog.tables.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(names, ["order_note", "orders", "region", "region_totals"]);
    let orders = catalog.table(None, "orders").unwrap();
    assert_eq!(orders.primary_key, ["region", "order_no"]);
    assert_eq!(orders.row_estimate, Some(3));
    assert_eq!(orders.column("region").unwrap().samples, ["EU", "NA"]);
    let note = catalog.table(None, "order_note").unwrap();
    assert_eq!(note.foreign_keys[0].columns, ["region", "order_no"]);
    assert_eq!(note.foreign_keys[0].referenced_table, TableName::new("orders"));
    let region = catalog.table(None, "region").unwrap();
    assert_eq!(region.comment.as_deref(), Some("Sales regions."));
    assert_eq!(region.column("code").unwrap().comment.as_deref(), Some("Short code."));
    assert_eq!(catalog.table(None, "region_totals").unwrap().kind, TableKind::View);
    assert_eq!(executor.introspect(&options).await.unwrap(), catalog, "introspection is deterministic");
}

#[tokio::test]
async fn runs_validated_sql_with_caps_and_time_limits() {
    let (_dir, path) = warehouse();
    // The agent holds executors as trait objects.
    let executor: Arc<dyn Executor> = Arc::new(SqliteExecutor::open(&path, &SqliteOptions::default()).unwrap());
    assert_eq!(executor.dialect(), Dialect::Sqlite);
    let catalog = executor.introspect(&IntrospectOptions::default()).await.unwrap();
    let sql = validated(
        "SELECT r.name, sum(o.amount) AS total FROM orders o JOIN region r ON r.code = o.region GROUP BY r.name ORDER BY r.name",
        Dialect::Sqlite,
        &catalog,
    );
    let rows = executor.execute(&sql, &Limits::default()).await.unwrap();
    assert_eq!(rows.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["name", "total"]);
    assert_eq!(
        rows.rows,
        vec![
            vec![Value::Text("Europe".into()), Value::Float(15.5)],
            vec![Value::Text("North America".into()), Value::Int(7)],
        ]
    );
    assert!(!rows.truncated);

    let capped = executor.execute(&sql, &Limits { max_rows: 1, ..Limits::default() }).await.unwrap();
    assert_eq!(capped.rows.len(), 1);
    assert!(capped.truncated);

    let bomb = validated(
        "SELECT count(*) FROM orders a, orders b, orders c, orders d, orders e, orders f, orders g, orders h, \
         orders i, orders j, orders k, orders l, orders m, orders n, orders o, orders p, orders q, orders r",
        Dialect::Sqlite,
        &catalog,
    );
    let limits = Limits { timeout: Duration::from_millis(300), ..Limits::default() };
    let started = Instant::now();
    let result = executor.execute(&bomb, &limits).await;
    assert!(matches!(result, Err(ExecError::Timeout { .. })), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn refuses_sql_validated_for_another_engine() {
    let (_dir, path) = warehouse();
    let executor = SqliteExecutor::open(&path, &SqliteOptions::default()).unwrap();
    let catalog = executor.introspect(&IntrospectOptions::default()).await.unwrap();
    let sql = validated("SELECT 1", Dialect::Postgres, &catalog);
    let error = executor.execute(&sql, &Limits::default()).await.unwrap_err();
    assert!(matches!(error, ExecError::DialectMismatch { .. }), "{error:?}");
    assert_eq!(error.repair_tier(), tandem_core::RepairTier::NotRetryable);
}

#[test]
fn opening_a_missing_file_fails_early() {
    let dir = tempfile::tempdir().unwrap();
    let error = SqliteExecutor::open(dir.path().join("none.sqlite"), &SqliteOptions::default()).unwrap_err();
    assert_eq!(error.code(), "db_connection");
}
