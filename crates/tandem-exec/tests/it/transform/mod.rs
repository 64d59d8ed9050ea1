//! Transforms end to end on each engine: a create-as-select, an insert-select and an upsert
//! preview without changing the database, then apply exactly once; attacks are rejected by the
//! validator with their codes; failed quality checks block apply; a crash between preview and
//! apply changes nothing; stale receipts are refused.
//!
//! The scenarios are written once against [`Engine`]; `sqlite.rs`, `postgres.rs` and
//! `mysql.rs` supply a database per test and a row-for-row snapshot of it (SQLite also a hash
//! of the file's bytes).

#![expect(clippy::unwrap_used, clippy::panic, reason = "test scenarios: failing loudly is the point")]

mod mysql;
mod postgres;
mod sqlite;

use async_trait::async_trait;
use tandem_core::{Catalog, Dialect, RepairTier, TableName};
use tandem_exec::{
    ApplyRequest, AuditLog, AuditStatus, ExecError, PreviewMethod, PreviewReceipt, QualityCheck, StaleReason,
    TransformOptions, Transformer,
};
use tandem_sql::{Expectations, Policy, Rejection, TransformSpec, ValidatedTransform, WriteKind, validate_transform};

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
fn sql_name(engine: &dyn Engine, name: &str) -> String {
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
struct State {
    rows: Vec<(String, Vec<String>)>,
    file: Option<String>,
    catalog: String,
}

/// An empty audit table counts as no audit table: MySQL creates it before the apply's
/// transaction (its CREATE TABLE commits implicitly), so a refused apply may leave it empty.
async fn state(engine: &dyn Engine) -> State {
    let audit = engine.audit();
    let mut rows = engine.snapshot().await;
    rows.retain(|(table, rows)| !(*table == audit.name && rows.is_empty()));
    let mut catalog = engine.catalog().await;
    if !rows.iter().any(|(table, _)| *table == audit.name) {
        catalog.tables.retain(|t| t.name.name != audit.name);
    }
    State { rows, file: engine.file_hash(), catalog: catalog.version().to_string() }
}

fn validate(
    engine: &dyn Engine,
    sql: &str,
    spec: &TransformSpec,
    catalog: &Catalog,
) -> Result<ValidatedTransform, Rejection> {
    validate_transform(sql, spec, &Policy::new(engine.dialect()), catalog)
}

fn valid(engine: &dyn Engine, sql: &str, spec: &TransformSpec, catalog: &Catalog) -> ValidatedTransform {
    validate(engine, sql, spec, catalog).unwrap_or_else(|r| panic!("{}: rejected {sql}: {r}", engine.dialect()))
}

fn request(catalog: &Catalog) -> ApplyRequest {
    ApplyRequest {
        actor: "alice".into(),
        plan_json: r#"{"kind":"transform","note":"it's \"approved\""}"#.into(),
        current_catalog: catalog.version(),
        idempotency_key: None,
    }
}

fn sources(engine: &dyn Engine) -> Vec<TableName> {
    vec![engine.table("orders")]
}

async fn audit_rows(engine: &dyn Engine) -> Vec<String> {
    let audit = engine.audit();
    engine.snapshot().await.into_iter().find(|(t, _)| *t == audit.name).map(|(_, rows)| rows).unwrap_or_default()
}

/// Expected preview method for a transform with or without DDL.
fn method(engine: &dyn Engine, ddl: bool) -> PreviewMethod {
    match (engine.dialect(), ddl) {
        (Dialect::Sqlite, _) => PreviewMethod::FileCopy,
        (Dialect::Mysql, true) => PreviewMethod::TemporaryTable,
        _ => PreviewMethod::RolledBackTransaction,
    }
}

pub async fn create_as_select(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("daily"), WriteKind::CreateAsSelect, sources(engine))
        .expecting(Expectations::default().unique(["day"]).not_null(["total"]).rows(Some(1), Some(10)));
    let sql = format!(
        "CREATE TABLE {} AS SELECT day, SUM(amount) AS total FROM {} GROUP BY day",
        sql_name(engine, "daily"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    assert_eq!(state(engine).await, before, "{}: the preview changed the database", engine.dialect());
    assert_eq!(preview.method, method(engine, true));
    assert_eq!((preview.rows_affected, preview.target_rows), (4, 4), "{preview:?}");
    let names: Vec<&str> = preview.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["day", "total"]);
    assert!(preview.columns.iter().all(|c| !c.type_name.is_empty()), "{:?}", preview.columns);
    assert_eq!(preview.sample.rows.len(), 4);
    assert!(!preview.sample.truncated);
    assert_eq!(preview.checks.len(), 3);
    assert!(preview.passed(), "{:?}", preview.checks);

    let record = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap();
    assert_eq!((record.status, record.rows_affected, record.actor.as_str()), (AuditStatus::Applied, 4, "alice"));
    assert_eq!(record.idempotency_key, preview.receipt.token());
    assert!(record.sql.contains("CREATE TABLE"), "{}", record.sql);
    assert!(!record.applied_at.is_empty());
    let after = engine.snapshot().await;
    let daily = after.iter().find(|(t, _)| t == "daily").unwrap();
    assert_eq!(daily.1.len(), 4, "{daily:?}");
    let audit = audit_rows(engine).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(audit[0].contains(preview.receipt.token()) && audit[0].contains("approved"), "{audit:?}");

    // A retry with the same receipt (same idempotency key) is refused and changes nothing.
    let again = state(engine).await;
    let retry = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(retry, ExecError::AlreadyApplied { .. }), "{retry:?}");
    assert_eq!(retry.code(), "transform_already_applied");
    assert_eq!(state(engine).await, again);
}

pub async fn insert_select(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("summary"), WriteKind::InsertSelect, sources(engine))
        .expecting(Expectations::default().unique(["day"]).rows(Some(4), Some(4)));
    let sql = format!(
        "INSERT INTO {} (day, total) SELECT day, SUM(amount) FROM {} WHERE day > 2 GROUP BY day",
        sql_name(engine, "summary"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    assert_eq!(state(engine).await, before, "{}: the preview changed the database", engine.dialect());
    assert_eq!(preview.method, method(engine, false));
    assert_eq!((preview.rows_affected, preview.target_rows), (2, 4), "{preview:?}");
    assert!(preview.passed(), "{:?}", preview.checks);
    transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap();
    let summary = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(summary.len(), 4, "{summary:?}");
    let retry = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(retry, ExecError::AlreadyApplied { .. }), "{retry:?}");
    // Previewing the same insert again now breaks the target's key: a logic error (tier 2).
    let duplicate = transformer.preview(&transform).await.unwrap_err();
    assert_eq!(duplicate.code(), "db_constraint", "{duplicate:?}");
    assert_eq!(duplicate.repair_tier(), RepairTier::Large);
    let summary_again = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(summary_again, summary);
}

pub async fn upsert(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec =
        TransformSpec::new(engine.table("summary"), WriteKind::Upsert { key: vec!["day".into()] }, sources(engine))
            .expecting(Expectations::default().unique(["day"]).not_null(["total"]));
    let (summary, orders) = (sql_name(engine, "summary"), sql_name(engine, "orders"));
    let sql = match engine.dialect() {
        Dialect::Mysql => format!(
            "INSERT INTO {summary} (day, total) SELECT day, SUM(amount) FROM {orders} GROUP BY day \
             ON DUPLICATE KEY UPDATE total = VALUES(total)"
        ),
        // SQLite needs a WHERE before ON CONFLICT after a SELECT (its parser's ambiguity).
        _ => format!(
            "INSERT INTO {summary} (day, total) SELECT day, SUM(amount) FROM {orders} WHERE true GROUP BY day \
             ON CONFLICT (day) DO UPDATE SET total = excluded.total"
        ),
    };
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    assert_eq!(state(engine).await, before, "{}: the preview changed the database", engine.dialect());
    assert_eq!(preview.target_rows, 4);
    // MySQL counts an updated row twice.
    let expected = if engine.dialect() == Dialect::Mysql { 6 } else { 4 };
    assert_eq!(preview.rows_affected, expected, "{preview:?}");
    assert!(preview.passed(), "{:?}", preview.checks);
    let mut totals: Vec<String> = preview.sample.rows.iter().map(|r| format!("{r:?}")).collect();
    totals.sort();
    assert_eq!(totals.len(), 4);
    transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap();
    let after = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(after.len(), 4);
    assert!(after.iter().any(|r| r.contains("15")), "day 1 totals 15: {after:?}");
    let retry = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(retry, ExecError::AlreadyApplied { .. }), "{retry:?}");
    assert_eq!(audit_rows(engine).await.len(), 1);
}

/// Writing a source, dropping another table and escaping the target are refused before
/// anything runs, each with its code, and policy violations are not retried.
pub async fn attacks_are_rejected(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let before = state(engine).await;
    let (orders, summary, keep) = (sql_name(engine, "orders"), sql_name(engine, "summary"), sql_name(engine, "keep"));
    let insert = TransformSpec::new(engine.table("summary"), WriteKind::InsertSelect, sources(engine));
    let replace = TransformSpec::new(engine.table("summary"), WriteKind::Replace, sources(engine)).exists(true);
    let create = TransformSpec::new(engine.table("daily"), WriteKind::CreateAsSelect, sources(engine));
    let elsewhere =
        if engine.dialect() == Dialect::Sqlite { "temp.daily".to_owned() } else { "other_db.daily".to_owned() };
    let cases = [
        (&insert, format!("INSERT INTO {orders} SELECT * FROM {orders}"), "write_to_source"),
        (
            &insert,
            format!("INSERT INTO {summary} SELECT day, amount FROM {orders}; DELETE FROM {orders}"),
            "write_to_source",
        ),
        (
            &replace,
            format!("DROP TABLE {keep}; CREATE TABLE {summary} AS SELECT day, amount AS total FROM {orders}"),
            "drop_not_allowed",
        ),
        (
            &create,
            format!("CREATE TABLE {} AS SELECT day FROM {orders}; DROP TABLE {keep}", sql_name(engine, "daily")),
            "drop_not_allowed",
        ),
        (&create, format!("CREATE TABLE {elsewhere} AS SELECT day FROM {orders}"), "write_outside_target"),
        (&insert, format!("INSERT INTO {keep} SELECT day FROM {orders}"), "write_outside_target"),
    ];
    for (spec, sql, code) in cases {
        let rejection = validate(engine, &sql, spec, &catalog).unwrap_err();
        let codes: Vec<&str> = rejection.violations.iter().map(|v| v.code.as_str()).collect();
        assert!(codes.contains(&code), "{}: {sql}: {codes:?}", engine.dialect());
        assert_eq!(rejection.repair_tier(), RepairTier::NotRetryable, "{sql}");
    }
    assert_eq!(state(engine).await, before);
}

/// Failed checks are reported by the preview and block apply; checks that pass in the
/// preview but fail on the data at apply time (it moved) block it too.
pub async fn failed_checks_block_apply(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("by_region"), WriteKind::CreateAsSelect, sources(engine)).expecting(
        Expectations::default().unique(["region"]).not_null(["region"]).rows(Some(100), None).not_null(["nope"]),
    );
    let sql = format!(
        "CREATE TABLE {} AS SELECT region, day, amount FROM {}",
        sql_name(engine, "by_region"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    assert!(!preview.passed());
    let failed: Vec<(&str, u64)> = preview.failed_checks().map(|c| (c.check.code(), c.observed)).collect();
    // Two regions repeat; one NULL region; 8 rows, not 100; no column `nope`.
    assert_eq!(failed, [("unique", 2), ("not_null", 1), ("not_null", 0), ("row_count", 8)], "{:?}", preview.checks);
    assert!(preview.checks.iter().any(|c| c.detail.contains("no column `nope`")), "{:?}", preview.checks);
    let error = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(error, ExecError::QualityCheckFailed { .. }), "{error:?}");
    assert_eq!(error.repair_tier(), RepairTier::Large, "a failed quality check is a tier-2 logic error");
    assert!(error.to_string().contains("occur more than once"), "{error}");
    let exported = transformer.export(&transform, &preview.receipt, &request(&catalog)).unwrap_err();
    assert!(matches!(exported, ExecError::QualityCheckFailed { .. }));
    assert_eq!(state(engine).await, before);

    // Passing in the preview, failing at apply: another writer added a row meanwhile.
    let spec = TransformSpec::new(engine.table("summary"), WriteKind::InsertSelect, sources(engine))
        .expecting(Expectations::default().rows(None, Some(4)));
    let sql = format!(
        "INSERT INTO {} (day, total) SELECT day, SUM(amount) FROM {} WHERE day > 2 GROUP BY day",
        sql_name(engine, "summary"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let preview = transformer.preview(&transform).await.unwrap();
    assert!(preview.passed(), "{:?}", preview.checks);
    engine.admin(&format!("INSERT INTO {} VALUES (9, 9)", sql_name(engine, "summary"))).await;
    let moved = state(engine).await;
    let error = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    let ExecError::QualityCheckFailed { failed } = &error else { panic!("{error:?}") };
    assert_eq!((failed[0].check.code(), failed[0].observed), ("row_count", 5));
    assert!(matches!(failed[0].check, QualityCheck::RowCount { .. }));
    assert_eq!(state(engine).await, moved, "the failed apply rolled back");
    assert!(audit_rows(engine).await.is_empty());
}

/// A crash between preview and apply changes nothing; the approved receipt, persisted, still
/// applies after a restart; a receipt whose tables or catalog moved is refused as stale.
pub async fn crash_between_preview_and_apply(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let before = state(engine).await;
    let spec = TransformSpec::new(engine.table("daily"), WriteKind::CreateAsSelect, sources(engine));
    let sql = format!(
        "CREATE TABLE {} AS SELECT day, SUM(amount) AS total FROM {} GROUP BY day",
        sql_name(engine, "daily"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let persisted = {
        let transformer = engine.transformer(engine.options()).await;
        let preview = transformer.preview(&transform).await.unwrap();
        preview.receipt.encode()
        // The transformer and its connections go away here, as in a crash.
    };
    assert_eq!(state(engine).await, before, "nothing changed between preview and apply");
    let restarted = engine.transformer(engine.options()).await;
    let receipt = PreviewReceipt::decode(&persisted).unwrap();
    let record = restarted.apply(&transform, &receipt, &request(&catalog)).await.unwrap();
    assert_eq!(record.preview_token, receipt.token());
    let retry = restarted.apply(&transform, &receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(retry, ExecError::AlreadyApplied { .. }), "{retry:?}");

    // A receipt for another transform is refused.
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("weekly"), WriteKind::CreateAsSelect, sources(engine));
    let sql = format!(
        "CREATE TABLE {} AS SELECT region, SUM(amount) AS total FROM {} GROUP BY region",
        sql_name(engine, "weekly"),
        sql_name(engine, "orders")
    );
    let weekly = valid(engine, &sql, &spec, &catalog);
    let mismatch = restarted.apply(&weekly, &receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(mismatch, ExecError::ReceiptMismatch { what: "transform" }), "{mismatch:?}");
    assert!(mismatch.needs_preview());

    // The source changes shape after the preview: the live database says the receipt is stale
    // even when the caller's catalog has not caught up yet; and a newer catalog says so too.
    let preview = restarted.preview(&weekly).await.unwrap();
    engine.admin(&format!("ALTER TABLE {} ADD COLUMN note VARCHAR(10)", sql_name(engine, "orders"))).await;
    let moved = state(engine).await;
    let stale = restarted.apply(&weekly, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(stale, ExecError::StalePreview { reason: StaleReason::SchemaChanged }), "{stale:?}");
    assert!(stale.needs_preview());
    let newer = engine.catalog().await;
    let stale = restarted.apply(&weekly, &preview.receipt, &request(&newer)).await.unwrap_err();
    assert!(matches!(stale, ExecError::StalePreview { reason: StaleReason::CatalogVersion { .. } }), "{stale:?}");
    assert_eq!(state(engine).await, moved);
}

/// A replace (DROP and CREATE of an existing table) and a new view: DDL that MySQL previews on
/// temporary tables and applies outside one transaction.
pub async fn replace_and_view(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let (summary, orders) = (sql_name(engine, "summary"), sql_name(engine, "orders"));
    let spec = TransformSpec::new(engine.table("summary"), WriteKind::Replace, sources(engine))
        .exists(true)
        .expecting(Expectations::default().unique(["day"]).rows(Some(4), Some(4)));
    let sql = format!(
        "DROP TABLE {summary}; CREATE TABLE {summary} AS SELECT day, SUM(amount) AS total FROM {orders} GROUP BY day"
    );
    let replace = valid(engine, &sql, &spec, &catalog);
    let view_spec = TransformSpec::new(engine.table("v_daily"), WriteKind::CreateAsSelect, sources(engine))
        .view()
        .expecting(Expectations::default().rows(Some(4), Some(4)).not_null(["total"]));
    let sql = format!(
        "CREATE VIEW {} AS SELECT day, SUM(amount) AS total FROM {orders} GROUP BY day",
        sql_name(engine, "v_daily")
    );
    let view = valid(engine, &sql, &view_spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let replaced = transformer.preview(&replace).await.unwrap();
    let viewed = transformer.preview(&view).await.unwrap();
    assert_eq!(state(engine).await, before, "{}: a preview changed the database", engine.dialect());
    for preview in [&replaced, &viewed] {
        assert_eq!(preview.method, method(engine, true));
        assert_eq!(preview.target_rows, 4, "{preview:?}");
        assert!(preview.passed(), "{:?}", preview.checks);
    }
    transformer.apply(&replace, &replaced.receipt, &request(&catalog)).await.unwrap();
    let summary_rows = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(summary_rows.len(), 4, "{summary_rows:?}");
    // The replace changed the catalog (summary lost its key), so the view's receipt is stale
    // against the new catalog and must be previewed again.
    let catalog = engine.catalog().await;
    let stale = transformer.apply(&view, &viewed.receipt, &request(&catalog)).await.unwrap_err();
    assert!(stale.needs_preview(), "{stale:?}");
    let view = valid(engine, &view.statements().collect::<Vec<_>>().join(";\n"), &view_spec, &catalog);
    let viewed = transformer.preview(&view).await.unwrap();
    let record = transformer.apply(&view, &viewed.receipt, &request(&catalog)).await.unwrap();
    assert_eq!(record.status, AuditStatus::Applied);
    let v_daily = engine.snapshot().await.into_iter().find(|(t, _)| t == "v_daily").unwrap().1;
    assert_eq!(v_daily.len(), 4);
    assert_eq!(audit_rows(engine).await.len(), 2);
}

/// A statement past its time limit stops, as a typed timeout, and leaves nothing behind.
pub async fn statement_time_limit(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("slow"), WriteKind::CreateAsSelect, sources(engine));
    let sql = format!(
        "CREATE TABLE {} AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
         SELECT COUNT(*) AS c FROM n a, n b, n c",
        sql_name(engine, "slow")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let options = TransformOptions { timeout: std::time::Duration::from_millis(300), ..engine.options() };
    let transformer = engine.transformer(options).await;
    let before = state(engine).await;
    let started = std::time::Instant::now();
    let error = transformer.preview(&transform).await.unwrap_err();
    assert!(matches!(error, ExecError::Timeout { .. }), "{}: {error:?}", engine.dialect());
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(error.repair_tier(), RepairTier::NotRetryable);
    assert_eq!(state(engine).await, before);
}

/// Two appliers racing with one receipt (two processes, say): exactly one applies.
pub async fn concurrent_applies_apply_once(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("summary"), WriteKind::InsertSelect, sources(engine));
    let sql = format!(
        "INSERT INTO {} (day, total) SELECT day, SUM(amount) FROM {} WHERE day > 2 GROUP BY day",
        sql_name(engine, "summary"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let (first, second) = (engine.transformer(engine.options()).await, engine.transformer(engine.options()).await);
    let preview = first.preview(&transform).await.unwrap();
    let request = request(&catalog);
    let (a, b) = tokio::join!(
        first.apply(&transform, &preview.receipt, &request),
        second.apply(&transform, &preview.receipt, &request)
    );
    let outcomes = [a.map(|_| ()), b.map(|_| ())];
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    assert!(outcomes.iter().any(|o| matches!(o, Err(ExecError::AlreadyApplied { .. }))), "{outcomes:?}");
    let summary = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(summary.len(), 4, "applied once: {summary:?}");
    assert_eq!(audit_rows(engine).await.len(), 1);
}

/// Export checks the receipt like apply and renders one transaction with the audit insert.
pub async fn export(engine: &dyn Engine) -> Option<(ValidatedTransform, String)> {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("daily"), WriteKind::CreateAsSelect, sources(engine))
        .expecting(Expectations::default().unique(["day"]));
    let sql = format!(
        "CREATE TABLE {} AS SELECT day, SUM(amount) AS total FROM {} GROUP BY day",
        sql_name(engine, "daily"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    let migration = transformer.export(&transform, &preview.receipt, &request(&catalog)).unwrap();
    assert_eq!(state(engine).await, before, "export writes nothing");
    assert!(migration.file_name.ends_with("_daily_create_as_select.sql"), "{}", migration.file_name);
    for part in
        ["CREATE TABLE", "INSERT INTO", preview.receipt.token(), "COMMIT;", "-- Quality checks", "approved by: alice"]
    {
        assert!(migration.sql.contains(part), "{part} missing from:\n{}", migration.sql);
    }
    Some((transform, migration.sql))
}

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
