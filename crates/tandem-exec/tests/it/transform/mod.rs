//! Transforms end to end on each engine: a create-as-select, an insert-select and an upsert
//! preview without changing the database, then apply exactly once; attacks are rejected by the
//! validator with their codes; failed quality checks block apply; a crash between preview and
//! apply changes nothing; stale receipts are refused.
//!
//! The scenarios are written once against [`Engine`]; `sqlite.rs`, `postgres.rs` and
//! `mysql.rs` supply a database per test and a row-for-row snapshot of it (SQLite also a hash
//! of the file's bytes).

#![expect(clippy::unwrap_used, clippy::panic, reason = "test scenarios: failing loudly is the point")]

mod guards;
mod mysql;
mod postgres;
mod sqlite;
mod writes;

use async_trait::async_trait;
use tandem_core::{Catalog, Dialect, TableName};
use tandem_exec::{ApplyRequest, AuditLog, PreviewMethod, TransformOptions, Transformer};
use tandem_sql::{Policy, Rejection, TransformSpec, ValidatedTransform, validate_transform};

/// One database to run the scenarios on.
#[async_trait]
pub trait Engine: Send + Sync {
    fn dialect(&self) -> Dialect;
    /// A table as the catalog names it (qualified on PostgreSQL and MySQL).
    fn table(&self, name: &str) -> TableName;
    /// Runs administrative SQL outside tandem.
    async fn admin(&self, sql: &str);
    /// Every table and view with all of its rows, as text, sorted: equal snapshots mean the
    /// database is unchanged row for row.
    async fn snapshot(&self) -> Vec<(String, Vec<String>)>;
    /// A hash of the database file's bytes, where there is a file.
    fn file_hash(&self) -> Option<String> {
        None
    }
    /// The catalog as tandem reads it (no sampling, so data changes do not move its version).
    async fn catalog(&self) -> Catalog;
    async fn transformer(&self, options: TransformOptions) -> Box<dyn Transformer>;
    /// The audit table tests use.
    fn audit(&self) -> TableName {
        self.table("audit_log")
    }
    fn options(&self) -> TransformOptions {
        TransformOptions { audit: AuditLog::Table(self.audit()), ..TransformOptions::default() }
    }
}

/// Quotes nothing: fixture names are plain lowercase words; qualified where the catalog is.
pub fn sql_name(engine: &dyn Engine, name: &str) -> String {
    engine.table(name).to_string()
}

/// The same fixture on every engine: orders (the source), summary (an existing target with a
/// primary key), keep (a bystander).
pub const FIXTURE: &[&str] = &[
    "CREATE TABLE orders (id INT PRIMARY KEY, day INT NOT NULL, region VARCHAR(8), amount INT NOT NULL)",
    "INSERT INTO orders VALUES (1, 1, 'EU', 10), (2, 1, 'NA', 5), (3, 2, 'EU', 7), (4, 2, 'EU', 3), \
     (5, 3, 'NA', 8), (6, 3, NULL, 2), (7, 4, 'EU', 1), (8, 4, 'NA', 9)",
    "CREATE TABLE summary (day INT PRIMARY KEY, total INT NOT NULL)",
    "INSERT INTO summary VALUES (1, 0), (2, 0)",
    "CREATE TABLE keep (x INT)",
    "INSERT INTO keep VALUES (42)",
];

/// Everything a test asserts "unchanged" with.
#[derive(Debug, PartialEq)]
pub struct State {
    rows: Vec<(String, Vec<String>)>,
    file: Option<String>,
    catalog: String,
}

/// An empty audit table counts as no audit table: MySQL creates it before the apply's
/// transaction (its CREATE TABLE commits implicitly), so a refused apply may leave it empty.
pub async fn state(engine: &dyn Engine) -> State {
    let audit = engine.audit();
    let mut rows = engine.snapshot().await;
    rows.retain(|(table, rows)| !(*table == audit.name && rows.is_empty()));
    let mut catalog = engine.catalog().await;
    if !rows.iter().any(|(table, _)| *table == audit.name) {
        catalog.tables.retain(|t| t.name.name != audit.name);
    }
    State { rows, file: engine.file_hash(), catalog: catalog.version().to_string() }
}

pub fn validate(
    engine: &dyn Engine,
    sql: &str,
    spec: &TransformSpec,
    catalog: &Catalog,
) -> Result<ValidatedTransform, Rejection> {
    validate_transform(sql, spec, &Policy::new(engine.dialect()), catalog)
}

pub fn valid(engine: &dyn Engine, sql: &str, spec: &TransformSpec, catalog: &Catalog) -> ValidatedTransform {
    validate(engine, sql, spec, catalog).unwrap_or_else(|r| panic!("{}: rejected {sql}: {r}", engine.dialect()))
}

pub fn request(catalog: &Catalog) -> ApplyRequest {
    ApplyRequest {
        actor: "alice".into(),
        plan_json: r#"{"kind":"transform","note":"it's \"approved\""}"#.into(),
        current_catalog: catalog.version(),
        idempotency_key: None,
    }
}

pub fn sources(engine: &dyn Engine) -> Vec<TableName> {
    vec![engine.table("orders")]
}

pub async fn audit_rows(engine: &dyn Engine) -> Vec<String> {
    let audit = engine.audit();
    engine.snapshot().await.into_iter().find(|(t, _)| *t == audit.name).map(|(_, rows)| rows).unwrap_or_default()
}

/// Expected preview method for a transform with or without DDL.
pub fn method(engine: &dyn Engine, ddl: bool) -> PreviewMethod {
    match (engine.dialect(), ddl) {
        (Dialect::Sqlite, _) => PreviewMethod::FileCopy,
        (Dialect::Mysql, true) => PreviewMethod::TemporaryTable,
        _ => PreviewMethod::RolledBackTransaction,
    }
}

pub use guards::{
    attacks_are_rejected, crash_between_preview_and_apply, export, failed_checks_block_apply, statement_time_limit,
};
pub use writes::{concurrent_applies_apply_once, create_as_select, insert_select, replace_and_view, upsert};

/// One `#[tokio::test]` per scenario for an engine whose fixture type has `create()` (or skips)
/// and `drop()`.
#[macro_export]
macro_rules! transform_scenarios {
    ($fixture:ty) => {
        #[tokio::test]
        async fn create_as_select() {
            let Some(db) = <$fixture>::create().await else { return };
            super::create_as_select(&db).await;
            db.drop().await;
        }

        #[tokio::test]
        async fn insert_select() {
            let Some(db) = <$fixture>::create().await else { return };
            super::insert_select(&db).await;
            db.drop().await;
        }

        #[tokio::test]
        async fn upsert() {
            let Some(db) = <$fixture>::create().await else { return };
            super::upsert(&db).await;
            db.drop().await;
        }

        #[tokio::test]
        async fn attacks_are_rejected() {
            let Some(db) = <$fixture>::create().await else { return };
            super::attacks_are_rejected(&db).await;
            db.drop().await;
        }

        #[tokio::test]
        async fn failed_checks_block_apply() {
            let Some(db) = <$fixture>::create().await else { return };
            super::failed_checks_block_apply(&db).await;
            db.drop().await;
        }

        #[tokio::test]
        async fn crash_between_preview_and_apply() {
            let Some(db) = <$fixture>::create().await else { return };
            super::crash_between_preview_and_apply(&db).await;
            db.drop().await;
        }
        #[tokio::test]
        async fn replace_and_view() {
            let Some(db) = <$fixture>::create().await else { return };
            super::replace_and_view(&db).await;
            db.drop().await;
        }

        #[tokio::test]
        async fn statement_time_limit() {
            let Some(db) = <$fixture>::create().await else { return };
            super::statement_time_limit(&db).await;
            db.drop().await;
        }

        #[tokio::test]
        async fn concurrent_applies_apply_once() {
            let Some(db) = <$fixture>::create().await else { return };
            super::concurrent_applies_apply_once(&db).await;
            db.drop().await;
        }
    };
}
