//! ETL transforms: preview in a sandbox, apply only with the preview's receipt, or export.
//!
//! Only a [`ValidatedTransform`] reaches these functions, so the statements already write
//! nothing but their declared target (see `tandem_sql::validate_transform`). This module adds
//! the execution half of DESIGN §1b, behind the [`Transformer`] capability with one
//! implementation per engine: [`SqliteTransformer`](crate::SqliteTransformer),
//! [`PostgresTransformer`](crate::PostgresTransformer) and
//! [`MysqlTransformer`](crate::MysqlTransformer). A transformer is a separate type from the
//! read-only [`Executor`](crate::Executor), which still has no write path.
//!
//! # Preview
//!
//! [`Transformer::preview`] runs the transform where nothing can stay changed, and reports a
//! [`Preview`]: each step's rows affected, the target's columns and types, a bounded sample
//! of its rows, and every quality check from the spec's
//! [`Expectations`](tandem_sql::Expectations) (unique keys, columns not NULL, a row-count
//! range) as a [`CheckResult`]. How the database stays unchanged ([`PreviewMethod`]):
//!
//! - **SQLite**: the file is copied with SQLite's backup API through a read-only connection,
//!   the transform runs on the copy, and the copy is deleted. The original is never opened for
//!   writing, so it stays byte-for-byte the same. The copy costs time and temporary disk in
//!   proportion to the file, which is what buys that guarantee.
//! - **PostgreSQL**: one transaction, always rolled back (PostgreSQL's DDL is transactional).
//! - **MySQL/MariaDB**: DML (insert-select, upsert, delete-and-insert replace) runs in an
//!   InnoDB transaction that is rolled back; a target whose storage engine cannot roll back is
//!   refused ([`ExecError::NonTransactionalTarget`]). DDL commits implicitly in MySQL, so a
//!   transform that creates a table or view is previewed by building a `TEMPORARY` table of
//!   the same rows under a private name (`DROP` of the target is skipped, a view becomes a
//!   table of its rows); temporary tables neither commit nor outlive the connection.
//!
//! # Apply
//!
//! [`Transformer::apply`] takes the transform, the [`PreviewReceipt`] from its preview and an
//! [`ApplyRequest`] (who approved it, the plan JSON, the current catalog version, an optional
//! idempotency key). It refuses, without touching the database, a receipt for another
//! transform or database ([`ExecError::ReceiptMismatch`]), one made against another catalog
//! version ([`ExecError::StalePreview`]) and one whose checks failed
//! ([`ExecError::QualityCheckFailed`]). Then, in one transaction: it refuses a key already in
//! the audit table ([`ExecError::AlreadyApplied`]) and a change to any touched table's
//! definition since the preview (stale again), runs the statements, runs the quality checks
//! again on what would commit (data may have moved) and rolls back if one fails, writes the
//! [`AuditRecord`] (who, when, plan, SQL, rows affected, checks) and commits. The audit
//! table's primary key is the idempotency key, so a retry, a second process or a race never
//! applies twice. On MySQL a transform with DDL cannot be one transaction: it is first
//! re-run and re-checked on temporary tables, then the key is claimed (`applying`), the
//! statements run for real, and the row is settled; if a statement or check fails after DDL
//! committed, a target the transform created is dropped again and the error is
//! [`ExecError::PartiallyApplied`].
//!
//! # Crashes between preview and apply
//!
//! A preview writes nothing, so a crash after it leaves the database as it was. The receipt
//! is plain data: the caller keeps it in memory (after a restart: preview again) or persists
//! [`PreviewReceipt::encode`] with the session and restores it with
//! [`PreviewReceipt::decode`]. A restored receipt is checked like a fresh one, including the
//! touched tables' definitions in the live database, so it can never apply a stale preview.
//!
//! # Export
//!
//! [`Transformer::export`] checks the receipt like apply and returns a [`Migration`]: the
//! statements in one transaction with the audit insert (so running the file twice fails on
//! the key and rolls back), and the quality-check queries as comments.
//!
//! # Use
//!
//! ```no_run
//! use tandem_core::{Catalog, Dialect, TableName};
//! use tandem_exec::{ApplyRequest, SqliteTransformer, TransformOptions, Transformer};
//! use tandem_sql::{Expectations, Policy, TransformSpec, WriteKind, validate_transform};
//!
//! async fn build_daily(catalog: &Catalog) -> Result<(), Box<dyn std::error::Error>> {
//!     // From the confirmed plan: the target, the write kind, the sources, the expectations.
//!     let orders = TableName::new("orders");
//!     let spec = TransformSpec::new(TableName::new("daily"), WriteKind::CreateAsSelect, vec![orders])
//!         .expecting(Expectations::default().unique(["day"]).not_null(["total"]).rows(Some(1), None));
//!     // From the large model, through the validator; a rejection goes to repair.
//!     let sql = "CREATE TABLE daily AS SELECT day, SUM(amount) AS total FROM orders GROUP BY day";
//!     let transform = validate_transform(sql, &spec, &Policy::new(Dialect::Sqlite), catalog)
//!         .map_err(|rejection| rejection.to_string())?;
//!     // The executors are held as `dyn Transformer`, like `dyn Executor`.
//!     let transformer: Box<dyn Transformer> =
//!         Box::new(SqliteTransformer::open("warehouse.sqlite", TransformOptions::default())?);
//!     let preview = transformer.preview(&transform).await?;
//!     // Show preview.steps, .columns, .sample and .checks; a failed check (!preview.passed())
//!     // goes to tier-2 repair. Keep preview.receipt (or its encode()) with the session, and
//!     // once the person approves:
//!     let request = ApplyRequest {
//!         actor: "alice".into(),
//!         plan_json: "{…}".into(),
//!         current_catalog: catalog.version(),
//!         idempotency_key: None,
//!     };
//!     let record = transformer.apply(&transform, &preview.receipt, &request).await?;
//!     assert_eq!(record.rows_affected, preview.rows_affected);
//!     // Or, instead of applying: transformer.export(&transform, &preview.receipt, &request)?.sql
//!     Ok(())
//! }
//! ```
//!
//! # Errors
//!
//! Everything is an [`ExecError`] classified like query failures: database errors by class
//! (a constraint violation by the written rows is a logic error, tier 2), a failed quality
//! check tier 2 ([`RepairTier::Large`](tandem_core::RepairTier)), and the receipt and audit
//! refusals not retryable, with [`ExecError::needs_preview`] saying when a fresh preview is
//! the way out.

mod audit;
mod checks;
mod export;
mod options;
mod receipt;
mod report;
mod run;

use async_trait::async_trait;
use tandem_core::Dialect;
use tandem_sql::ValidatedTransform;

pub use audit::{AuditRecord, AuditStatus};
pub use export::Migration;
pub use options::{ApplyRequest, AuditLog, TransformOptions};
pub use receipt::PreviewReceipt;
pub use report::{CheckResult, Preview, PreviewMethod, QualityCheck, StepOutcome};

pub(crate) use run::{Param, Session};

use crate::ExecError;

/// Runs validated transforms against one database: preview, apply, export.
#[async_trait]
pub trait Transformer: Send + Sync + std::fmt::Debug {
    /// The engine family.
    fn dialect(&self) -> Dialect;

    /// The database this transformer writes (a file path, or `host:port/database`); receipts
    /// are bound to it.
    fn database(&self) -> &str;

    fn options(&self) -> &TransformOptions;

    /// Runs the transform in a sandbox that leaves the database unchanged and reports what it
    /// would do. Failed quality checks are reported in the preview, not as an error.
    async fn preview(&self, transform: &ValidatedTransform) -> Result<Preview, ExecError>;

    /// Applies a previewed transform for real, exactly once per idempotency key, and returns
    /// the audit record (also written to the audit table when one is configured).
    async fn apply(
        &self,
        transform: &ValidatedTransform,
        receipt: &PreviewReceipt,
        request: &ApplyRequest,
    ) -> Result<AuditRecord, ExecError>;

    /// The previewed transform as a SQL migration file instead of applying it.
    fn export(
        &self,
        transform: &ValidatedTransform,
        receipt: &PreviewReceipt,
        request: &ApplyRequest,
    ) -> Result<Migration, ExecError> {
        check_dialect(self.dialect(), transform)?;
        export::export(transform, receipt, request, self.options(), self.database())
    }
}

/// Refuses transforms validated for another engine.
pub(crate) fn check_dialect(executor: Dialect, transform: &ValidatedTransform) -> Result<(), ExecError> {
    if transform.dialect() == executor {
        Ok(())
    } else {
        Err(ExecError::DialectMismatch { executor, sql: transform.dialect() })
    }
}

pub(crate) use audit::{create_sql as audit_create_sql, settle as audit_settle};
pub(crate) use run::{AppliedKeys, Inspection, key_digest};
pub(crate) use run::{
    PlannedStep, apply_in_transaction, idempotency_key, inspect, now, operation_limit, record, refuse_applied,
    refuse_changed, run_steps, schema_state, write_audit,
};
pub(crate) use run::{in_place, staged};

/// Assembles a preview from a run's parts.
pub(crate) fn preview_of(
    transform: &ValidatedTransform,
    database: &str,
    method: PreviewMethod,
    schema_state: String,
    steps: Vec<StepOutcome>,
    inspection: run::Inspection,
) -> Preview {
    let rows_affected = steps.iter().map(|s| s.rows_affected).sum();
    let receipt = PreviewReceipt::new(transform, database, schema_state, inspection.checks.clone(), rows_affected);
    Preview {
        receipt,
        method,
        steps,
        rows_affected,
        target_rows: inspection.target_rows,
        columns: inspection.columns,
        sample: inspection.sample,
        checks: inspection.checks,
    }
}
