//! The engine-independent part of previewing and applying: the steps in order, the count, the
//! sample, the quality checks, the fingerprint of the touched tables, the audit row. Each
//! engine supplies a [`Session`] inside its own transaction and decides commit or rollback.

use async_trait::async_trait;
use tandem_core::{Dialect, TableName};
use tandem_sql::{StepKind, ValidatedTransform};

use super::audit::{self, AuditRecord, AuditStatus};
use super::checks::{count_sql, not_null_sql, sample_sql, unique_sql};
use super::receipt::{PreviewReceipt, digest_lines};
use super::report::{CheckResult, QualityCheck, StepOutcome};
use super::{ApplyRequest, TransformOptions};
use crate::error::StaleReason;
use crate::rows::cell_int;
use crate::{ColumnMeta, ExecError, Limits, Rows};

/// A bound parameter of crate-written SQL (never of model-written SQL, which has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
    Null,
}

/// One open, writable transaction on an engine.
#[async_trait]
pub(crate) trait Session: Send {
    fn dialect(&self) -> Dialect;

    /// Runs one statement and returns the rows it affected.
    async fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64, ExecError>;

    /// Runs one query and returns its rows within `limits`.
    async fn query(&mut self, sql: &str, params: &[Param], limits: &Limits) -> Result<Rows, ExecError>;

    /// Lines describing `table`'s definition as the engine reports it; empty when it does not
    /// exist.
    async fn describe(&mut self, table: &TableName) -> Result<Vec<String>, ExecError>;

    /// The declared columns of `table`, where the engine types values rather than result
    /// columns (SQLite); `None` to use the result's column types.
    async fn declared_columns(&mut self, _table: &TableName) -> Result<Option<Vec<ColumnMeta>>, ExecError> {
        Ok(None)
    }
}

/// A statement to run, with the relation its rows land in.
#[derive(Debug, Clone)]
pub(crate) struct PlannedStep {
    pub(crate) kind: StepKind,
    pub(crate) sql: String,
}

/// The validated statements as they are.
pub(crate) fn in_place(transform: &ValidatedTransform) -> Vec<PlannedStep> {
    transform.steps().iter().map(|s| PlannedStep { kind: s.kind(), sql: s.as_str().to_owned() }).collect()
}

/// The statements rewritten to build `staging`, a temporary table, instead of the target:
/// `DROP` and `DELETE` of the target are left out (the staging table starts empty), views
/// become tables of their rows.
pub(crate) fn staged(transform: &ValidatedTransform, staging: &TableName) -> Vec<PlannedStep> {
    transform
        .steps()
        .iter()
        .filter_map(|s| {
            let sql = s.retargeted(transform.target(), staging, true, transform.dialect())?;
            Some(PlannedStep { kind: s.kind(), sql })
        })
        .collect()
}

/// Runs `steps` in order; a created relation's rows are counted in `target`.
pub(crate) async fn run_steps<S: Session + ?Sized>(
    session: &mut S,
    steps: &[PlannedStep],
    target: &TableName,
    count_limits: &Limits,
) -> Result<Vec<StepOutcome>, ExecError> {
    let mut outcomes = Vec::with_capacity(steps.len());
    for step in steps {
        let mut rows_affected = session.execute(&step.sql, &[]).await?;
        if matches!(step.kind, StepKind::CreateTableAs | StepKind::CreateView | StepKind::ReplaceView) {
            rows_affected = count(session, target, count_limits).await?;
        }
        outcomes.push(StepOutcome { kind: step.kind, sql: step.sql.clone(), rows_affected });
    }
    Ok(outcomes)
}

async fn count<S: Session + ?Sized>(session: &mut S, table: &TableName, limits: &Limits) -> Result<u64, ExecError> {
    let rows = session.query(&count_sql(session.dialect(), table), &[], limits).await?;
    Ok(rows.rows.first().map_or(0, |row| u64::try_from(cell_int(row, 0)).unwrap_or(0)))
}

/// What the target looks like after the steps.
#[derive(Debug)]
pub(crate) struct Inspection {
    pub(crate) target_rows: u64,
    pub(crate) columns: Vec<ColumnMeta>,
    pub(crate) sample: Rows,
    pub(crate) checks: Vec<CheckResult>,
}

impl Inspection {
    pub(crate) fn failed(&self) -> Vec<CheckResult> {
        self.checks.iter().filter(|c| !c.passed).cloned().collect()
    }
}

/// Counts and samples `table` (the target, or its staging table) and runs every expected
/// check on it. `label` names the target in messages.
pub(crate) async fn inspect<S: Session + ?Sized>(
    session: &mut S,
    transform: &ValidatedTransform,
    table: &TableName,
    options: &TransformOptions,
) -> Result<Inspection, ExecError> {
    let dialect = session.dialect();
    let limits = Limits { max_rows: 1, max_bytes: 1 << 10, timeout: options.timeout };
    let sample_limits =
        Limits { max_rows: options.n_sample_rows, max_bytes: options.max_sample_bytes, timeout: options.timeout };
    let sample = session.query(&sample_sql(dialect, table, options.n_sample_rows), &[], &sample_limits).await?;
    let columns = match session.declared_columns(table).await? {
        Some(columns) => columns,
        None => sample.columns.clone(),
    };
    let target_rows = count(session, table, &limits).await?;
    let label = transform.target();
    let expect = &transform.spec().expect;
    let mut checks = Vec::new();
    // A check naming a column the result lacks fails without a query: the column is wrong in
    // the plan or missing from the SQL, and either way a person or the large model decides.
    let resolve = |name: &str| columns.iter().find(|c| c.name.eq_ignore_ascii_case(name)).map(|c| c.name.clone());
    let missing = |check: QualityCheck, name: &str| CheckResult {
        check,
        passed: false,
        observed: 0,
        detail: format!("`{label}` has no column `{name}`"),
    };
    for key in &expect.unique {
        let check = QualityCheck::Unique { columns: key.clone() };
        let resolved: Result<Vec<String>, &String> = key.iter().map(|k| resolve(k).ok_or(k)).collect();
        let result = match resolved {
            Err(name) => missing(check, name),
            Ok(columns) => {
                let n = first_count(session, &unique_sql(dialect, table, &columns), &limits).await?;
                let list = key.join(", ");
                let detail = if n == 0 {
                    format!("({list}) is unique in `{label}`")
                } else {
                    format!("{n} value(s) of ({list}) occur more than once in `{label}`")
                };
                CheckResult { check, passed: n == 0, observed: n, detail }
            }
        };
        checks.push(result);
    }
    for column in &expect.not_null {
        let check = QualityCheck::NotNull { column: column.clone() };
        let result = match resolve(column) {
            None => missing(check, column),
            Some(name) => {
                let n = first_count(session, &not_null_sql(dialect, table, &name), &limits).await?;
                let detail = if n == 0 {
                    format!("`{column}` has no NULL in `{label}`")
                } else {
                    format!("{n} row(s) of `{label}` have NULL in `{column}`")
                };
                CheckResult { check, passed: n == 0, observed: n, detail }
            }
        };
        checks.push(result);
    }
    if let Some(range) = expect.row_count {
        let passed = range.contains(target_rows);
        let detail = if passed {
            format!("`{label}` holds {target_rows} rows, within {range}")
        } else {
            format!("`{label}` holds {target_rows} rows, expected {range}")
        };
        checks.push(CheckResult { check: QualityCheck::RowCount { range }, passed, observed: target_rows, detail });
    }
    Ok(Inspection { target_rows, columns, sample, checks })
}

async fn first_count<S: Session + ?Sized>(session: &mut S, sql: &str, limits: &Limits) -> Result<u64, ExecError> {
    let rows = session.query(sql, &[], limits).await?;
    Ok(rows.rows.first().map_or(0, |row| u64::try_from(cell_int(row, 0)).unwrap_or(0)))
}

/// A digest of the definitions of every table the transform touches (target, declared
/// sources, tables read), as the database reports them now.
pub(crate) async fn schema_state<S: Session + ?Sized>(
    session: &mut S,
    transform: &ValidatedTransform,
) -> Result<String, ExecError> {
    let mut tables: Vec<&TableName> = vec![transform.target()];
    for table in transform.spec().sources.iter().chain(transform.reads()) {
        if !tables.contains(&table) {
            tables.push(table);
        }
    }
    let mut lines = Vec::new();
    for table in tables {
        lines.push(format!("table {table}"));
        lines.extend(session.describe(table).await?);
    }
    Ok(digest_lines(&lines))
}

/// The key apply runs under: the caller's, or the receipt's token.
pub(crate) fn idempotency_key(
    receipt: &PreviewReceipt,
    request: &ApplyRequest,
    dialect: Dialect,
) -> Result<String, ExecError> {
    let key = request.idempotency_key.clone().unwrap_or_else(|| receipt.token().to_owned());
    if key.is_empty() || key.chars().count() > super::options::MAX_KEY_CHARS {
        return Err(ExecError::Config { dialect, setting: "idempotency_key", source: None });
    }
    Ok(key)
}

/// Refuses the apply when `key` is in the audit table already.
pub(crate) async fn refuse_applied<S: Session + ?Sized>(
    session: &mut S,
    options: &TransformOptions,
    key: &str,
) -> Result<(), ExecError> {
    let Some(table) = options.audit.table() else { return Ok(()) };
    let limits = Limits { max_rows: 1, max_bytes: 1 << 10, timeout: options.timeout };
    let rows =
        session.query(&audit::status_sql(session.dialect(), table), &[Param::Text(key.to_owned())], &limits).await?;
    match rows.rows.first() {
        Some(row) => Err(ExecError::AlreadyApplied { key: key.to_owned(), status: crate::rows::cell_text(row, 0) }),
        None => Ok(()),
    }
}

/// Refuses the apply when a touched table changed since the preview.
pub(crate) async fn refuse_changed<S: Session + ?Sized>(
    session: &mut S,
    transform: &ValidatedTransform,
    receipt: &PreviewReceipt,
) -> Result<(), ExecError> {
    if schema_state(session, transform).await? == receipt.schema_state() {
        Ok(())
    } else {
        Err(ExecError::StalePreview { reason: StaleReason::SchemaChanged })
    }
}

/// The database clock, in UTC, as text.
pub(crate) async fn now<S: Session + ?Sized>(session: &mut S, options: &TransformOptions) -> Result<String, ExecError> {
    let limits = Limits { max_rows: 1, max_bytes: 1 << 10, timeout: options.timeout };
    let rows = session.query(audit::now_sql(session.dialect()), &[], &limits).await?;
    Ok(rows.rows.first().map(|row| crate::rows::cell_text(row, 0)).unwrap_or_default())
}

/// The audit record of an apply that ran `steps` and passed `checks` (its time still unset).
pub(crate) fn record(
    transform: &ValidatedTransform,
    receipt: &PreviewReceipt,
    request: &ApplyRequest,
    key: String,
    steps: &[StepOutcome],
    checks: Vec<CheckResult>,
    status: AuditStatus,
) -> AuditRecord {
    AuditRecord {
        idempotency_key: key,
        applied_at: String::new(),
        actor: request.actor.clone(),
        dialect: transform.dialect(),
        target: transform.target().to_string(),
        write_kind: transform.spec().write.as_str().to_owned(),
        plan_json: request.plan_json.clone(),
        sql: steps.iter().map(|s| format!("{};\n", s.sql)).collect(),
        rows_affected: steps.iter().map(|s| s.rows_affected).sum(),
        checks,
        catalog_version: transform.catalog_version().to_string(),
        preview_token: receipt.token().to_owned(),
        status,
    }
}

/// Writes `record` to the audit table, if there is one. A duplicate key means another apply
/// with the same key won the race.
pub(crate) async fn write_audit<S: Session + ?Sized>(
    session: &mut S,
    options: &TransformOptions,
    record: &AuditRecord,
) -> Result<(), ExecError> {
    let Some(table) = options.audit.table() else { return Ok(()) };
    let (sql, params) = audit::insert(session.dialect(), table, record);
    match session.execute(&sql, &params).await {
        Err(error) if error.db_class() == Some(crate::DbErrorClass::Constraint) => Err(ExecError::AlreadyApplied {
            key: record.idempotency_key.clone(),
            status: AuditStatus::Applied.as_str().to_owned(),
        }),
        other => other.map(|_| ()),
    }
}

/// The whole apply inside one transaction the caller opened (and commits on success, rolls
/// back otherwise): refuse a used key or a changed schema, run the steps, check the target
/// again, write the audit row.
pub(crate) async fn apply_in_transaction<S: Session + ?Sized>(
    session: &mut S,
    transform: &ValidatedTransform,
    receipt: &PreviewReceipt,
    request: &ApplyRequest,
    options: &TransformOptions,
    key: String,
) -> Result<AuditRecord, ExecError> {
    refuse_applied(session, options, &key).await?;
    refuse_changed(session, transform, receipt).await?;
    let limits = Limits { max_rows: 1, max_bytes: 1 << 10, timeout: options.timeout };
    let steps = run_steps(session, &in_place(transform), transform.target(), &limits).await?;
    // The data may have moved since the preview: the checks run again on what would commit.
    let quick = TransformOptions { n_sample_rows: 0, ..options.clone() };
    let inspection = inspect(session, transform, transform.target(), &quick).await?;
    let failed = inspection.failed();
    if !failed.is_empty() {
        return Err(ExecError::QualityCheckFailed { failed });
    }
    let mut record = record(transform, receipt, request, key, &steps, inspection.checks, AuditStatus::Applied);
    record.applied_at = now(session, options).await?;
    write_audit(session, options, &record).await?;
    Ok(record)
}

/// The client's limit for a whole preview or apply: every statement it may run (steps, the
/// touched tables' descriptions, counts, samples, checks, audit) at its own limit, plus the
/// usual margin.
pub(crate) fn operation_limit(transform: &ValidatedTransform, options: &TransformOptions) -> std::time::Duration {
    let expect = &transform.spec().expect;
    let n_statements = transform.steps().len() * 2
        + transform.spec().sources.len()
        + transform.reads().len()
        + expect.unique.len()
        + expect.not_null.len()
        + 10;
    crate::rows::client_limit(options.timeout.saturating_mul(u32::try_from(n_statements).unwrap_or(u32::MAX)))
}

/// Keys applied by one transformer, for [`super::AuditLog::Returned`], where no table can
/// hold them: exactly-once within the transformer's lifetime.
#[derive(Debug, Default)]
pub(crate) struct AppliedKeys(std::sync::Mutex<std::collections::HashSet<String>>);

impl AppliedKeys {
    /// Reserves `key`; false when it was applied (or is being applied) already.
    pub(crate) fn reserve(&self, key: &str) -> bool {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key.to_owned())
    }

    /// Gives a key back after a failed apply.
    pub(crate) fn release(&self, key: &str) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(key);
    }
}

/// A digest of an idempotency key, for lock names with a length limit.
pub(crate) fn key_digest(key: &str) -> String {
    digest_lines(&[key.to_owned()])
}
