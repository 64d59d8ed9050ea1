//! [`MysqlTransformer`]: transforms on MySQL/MariaDB. DML runs in an InnoDB transaction (rolled
//! back for a preview, committed for apply); DDL, which MySQL commits implicitly, is previewed
//! on `TEMPORARY` tables and applied with a claimed audit row and compensation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use mysql_async::Conn;
use mysql_async::prelude::Queryable;
use tandem_core::{Dialect, TableKind, TableName};
use tandem_sql::{ValidatedTransform, WriteKind};

use super::error::map_mysql;
use super::session::{run_statement, time_limit_statement};
use super::{MysqlConfig, MysqlExecutor};
use crate::rows::{cell_int, cell_text};
use crate::sampling::quote_table;
use crate::transform::{
    AppliedKeys, ApplyRequest, AuditRecord, AuditStatus, Param, PlannedStep, Preview, PreviewMethod, PreviewReceipt,
    Session, StepOutcome, TransformOptions, Transformer, apply_in_transaction, audit_create_sql, audit_settle,
    check_dialect, idempotency_key, in_place, inspect, key_digest, now, operation_limit, preview_of, record,
    refuse_applied, refuse_changed, run_steps, schema_state, staged, write_audit,
};
use crate::{ExecError, Limits, Rows};

/// Runs transforms against a MySQL or MariaDB database (see [`crate::transform`]).
///
/// Uses the same connection settings and pool as [`MysqlExecutor`]; give it a user that may
/// write the targets. Statements run as prepared statements (one statement each) under the
/// session's statement time limit; a client-side deadline kills a statement the server did not
/// stop. Connections are reset when they go back to the pool, which also drops any
/// temporary table a preview left.
#[derive(Debug)]
pub struct MysqlTransformer {
    inner: MysqlExecutor,
    options: TransformOptions,
    applied: AppliedKeys,
}

impl MysqlTransformer {
    /// Builds the pool, opens one connection to prove the settings work, and learns whether
    /// the server is MySQL or MariaDB.
    pub async fn connect(config: &MysqlConfig, options: TransformOptions) -> Result<Self, ExecError> {
        Ok(Self { inner: MysqlExecutor::connect(config).await?, options, applied: AppliedKeys::default() })
    }

    /// A pooled connection with the session's statement time limit set, and its id.
    async fn open(&self) -> Result<(Conn, u32), ExecError> {
        let mut connection = self.inner.checkout().await?;
        let (timeout, target) = (self.options.timeout, self.inner.target.as_str());
        let statement = time_limit_statement(self.inner.flavor, timeout);
        connection.query_drop(statement).await.map_err(|e| map_mysql(e, timeout, target))?;
        let id = connection.id();
        Ok((connection, id))
    }

    /// Awaits `run`, killing connection `id`'s statement when the client deadline passes
    /// before the server stopped it.
    async fn within<T>(
        &self,
        id: u32,
        limit: Duration,
        run: impl Future<Output = Result<T, ExecError>>,
    ) -> Result<T, ExecError> {
        match tokio::time::timeout(limit, run).await {
            Ok(result) => result,
            Err(_) => {
                self.inner.kill(id).await;
                Err(ExecError::Timeout { dialect: Dialect::Mysql, limit })
            }
        }
    }

    fn session<'c>(&'c self, connection: &'c mut Conn) -> MySession<'c> {
        MySession { connection, target: &self.inner.target, timeout: self.options.timeout, staging: None }
    }
}

#[async_trait]
impl Transformer for MysqlTransformer {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn database(&self) -> &str {
        &self.inner.target
    }

    fn options(&self) -> &TransformOptions {
        &self.options
    }

    async fn preview(&self, transform: &ValidatedTransform) -> Result<Preview, ExecError> {
        check_dialect(Dialect::Mysql, transform)?;
        let options = &self.options;
        let database = self.inner.target.as_str();
        let (mut connection, id) = self.open().await?;
        let run = async {
            let session = &mut self.session(&mut connection);
            if !transform.has_ddl() {
                refuse_non_transactional(session, transform.target()).await?;
            }
            session.batch("START TRANSACTION").await?;
            let preview = async {
                let state = schema_state(session, transform).await?;
                let run = stage(session, transform, options).await;
                drop_staging(session).await?;
                let (method, steps, inspection) = run?;
                Ok(preview_of(transform, database, method, state, steps, inspection))
            }
            .await;
            let rollback = session.batch("ROLLBACK").await;
            let preview = preview?;
            rollback?;
            Ok(preview)
        };
        self.within(id, operation_limit(transform, options), run).await
    }

    async fn apply(
        &self,
        transform: &ValidatedTransform,
        receipt: &PreviewReceipt,
        request: &ApplyRequest,
    ) -> Result<AuditRecord, ExecError> {
        check_dialect(Dialect::Mysql, transform)?;
        receipt.verify(transform, &self.inner.target, &request.current_catalog)?;
        let key = idempotency_key(receipt, request, Dialect::Mysql)?;
        let options = &self.options;
        let returned_only = options.audit.table().is_none();
        if returned_only && !self.applied.reserve(&key) {
            return Err(ExecError::AlreadyApplied { key, status: AuditStatus::Applied.as_str().to_owned() });
        }
        let (mut connection, id) = match self.open().await {
            Ok(opened) => opened,
            Err(error) => {
                if returned_only {
                    self.applied.release(&key);
                }
                return Err(error);
            }
        };
        let run = async {
            let session = &mut self.session(&mut connection);
            // CREATE TABLE commits implicitly, so the audit table is made before anything else.
            if let Some(table) = options.audit.table() {
                session.execute(&audit_create_sql(Dialect::Mysql, table), &[]).await?;
            }
            // Applies with the same key wait for each other, so the second one sees the first
            // one's audit row instead of racing it.
            let lock = format!("tandem:{}", &key_digest(&key)[..48]);
            let wait_s = i64::try_from(options.timeout.as_secs().max(1)).unwrap_or(i64::MAX);
            let locked = session
                .query("SELECT GET_LOCK(?, ?)", &[Param::Text(lock.clone()), Param::Int(wait_s)], &one_row(options))
                .await?;
            if locked.rows.first().map(|r| cell_int(r, 0)) != Some(1) {
                return Err(ExecError::Timeout { dialect: Dialect::Mysql, limit: options.timeout });
            }
            let result = if transform.has_ddl() {
                apply_ddl(session, transform, receipt, request, options, key.clone()).await
            } else {
                apply_dml(session, transform, receipt, request, options, key.clone()).await
            };
            if let Err(error) = session.query("SELECT RELEASE_LOCK(?)", &[Param::Text(lock)], &one_row(options)).await {
                tracing::warn!(%error, "releasing a MySQL transform lock failed; it goes with the connection");
            }
            result
        };
        // Twice the preview's limit: a transform with DDL runs once staged, once for real.
        let result = self.within(id, operation_limit(transform, options).saturating_mul(2), run).await;
        if returned_only && result.is_err() {
            self.applied.release(&key);
        }
        result
    }
}

fn one_row(options: &TransformOptions) -> Limits {
    Limits { max_rows: 1, max_bytes: 1 << 10, timeout: options.timeout }
}

/// What a staged or in-place sandbox run produced.
type Run = (PreviewMethod, Vec<StepOutcome>, crate::transform::Inspection);

/// Runs the transform inside the open transaction: DML in place; DDL on a temporary table of a
/// private name (returned in the method, so the caller can drop it).
async fn stage(
    session: &mut MySession<'_>,
    transform: &ValidatedTransform,
    options: &TransformOptions,
) -> Result<Run, ExecError> {
    let limits = one_row(options);
    let (method, steps, table): (PreviewMethod, Vec<PlannedStep>, TableName) = if transform.has_ddl() {
        let staging = staging_name(transform.target());
        (PreviewMethod::TemporaryTable, staged(transform, &staging), staging)
    } else {
        (PreviewMethod::RolledBackTransaction, in_place(transform), transform.target().clone())
    };
    session.staging = (method == PreviewMethod::TemporaryTable).then(|| table.clone());
    let outcomes = run_steps(session, &steps, &table, &limits).await?;
    let inspection = inspect(session, transform, &table, options).await?;
    Ok((method, outcomes, inspection))
}

/// Drops the staging table of [`stage`], if it made one (the pool's connection reset would
/// too; dropping it now keeps the connection clean for the rest of this operation).
async fn drop_staging(session: &mut MySession<'_>) -> Result<(), ExecError> {
    if let Some(staging) = session.staging.take() {
        session
            .execute(&format!("DROP TEMPORARY TABLE IF EXISTS {}", quote_table(Dialect::Mysql, &staging)), &[])
            .await?;
    }
    Ok(())
}

/// A name no other preview uses, in the target's database.
fn staging_name(target: &TableName) -> TableName {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let name = format!("tandem_preview_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    TableName { schema: target.schema.clone(), name }
}

/// Refuses a target whose storage engine cannot roll back (MyISAM, Aria, MEMORY…).
async fn refuse_non_transactional(session: &mut MySession<'_>, target: &TableName) -> Result<(), ExecError> {
    let sql = "SELECT t.ENGINE, e.TRANSACTIONS FROM information_schema.TABLES t \
               LEFT JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE \
               WHERE t.TABLE_SCHEMA = COALESCE(?, DATABASE()) AND t.TABLE_NAME = ?";
    let schema = target.schema.clone().map_or(Param::Null, Param::Text);
    let limits = Limits { max_rows: 1, max_bytes: 1 << 10, timeout: session.timeout };
    let rows = session.query(sql, &[schema, Param::Text(target.name.clone())], &limits).await?;
    if let Some(row) = rows.rows.first() {
        let engine = cell_text(row, 0);
        // Views have no engine; the tables beneath them are checked by the statement itself.
        if !engine.is_empty() && !cell_text(row, 1).eq_ignore_ascii_case("YES") {
            return Err(ExecError::NonTransactionalTarget { table: target.to_string(), engine });
        }
    }
    Ok(())
}

/// DML only: one InnoDB transaction, like PostgreSQL.
async fn apply_dml(
    session: &mut MySession<'_>,
    transform: &ValidatedTransform,
    receipt: &PreviewReceipt,
    request: &ApplyRequest,
    options: &TransformOptions,
    key: String,
) -> Result<AuditRecord, ExecError> {
    refuse_non_transactional(session, transform.target()).await?;
    session.batch("START TRANSACTION").await?;
    match apply_in_transaction(session, transform, receipt, request, options, key).await {
        Ok(record) => {
            session.batch("COMMIT").await?;
            Ok(record)
        }
        Err(error) => {
            if let Err(rollback) = session.batch("ROLLBACK").await {
                tracing::warn!(%rollback, "rolling back a failed MySQL transform failed");
            }
            Err(error)
        }
    }
}

/// DDL, which MySQL commits statement by statement: re-run and re-check on temporary tables,
/// claim the key, run for real, check, settle the audit row; compensate on failure.
async fn apply_ddl(
    session: &mut MySession<'_>,
    transform: &ValidatedTransform,
    receipt: &PreviewReceipt,
    request: &ApplyRequest,
    options: &TransformOptions,
    key: String,
) -> Result<AuditRecord, ExecError> {
    refuse_applied(session, options, &key).await?;
    refuse_changed(session, transform, receipt).await?;
    session.batch("START TRANSACTION").await?;
    let dry_run = stage(session, transform, &TransformOptions { n_sample_rows: 0, ..options.clone() }).await;
    let dropped = drop_staging(session).await;
    session.batch("ROLLBACK").await?;
    let (_, _, inspection) = dry_run?;
    dropped?;
    let failed = inspection.failed();
    if !failed.is_empty() {
        return Err(ExecError::QualityCheckFailed { failed });
    }
    let mut record = record(transform, receipt, request, key, &[], Vec::new(), AuditStatus::Applying);
    record.applied_at = now(session, options).await?;
    write_audit(session, options, &record).await?;
    let limits = one_row(options);
    let mut done: Vec<StepOutcome> = Vec::new();
    let mut failure = None;
    for step in in_place(transform) {
        match run_steps(session, std::slice::from_ref(&step), transform.target(), &limits).await {
            Ok(outcomes) => done.extend(outcomes),
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    if failure.is_none() {
        let quick = TransformOptions { n_sample_rows: 0, ..options.clone() };
        match inspect(session, transform, transform.target(), &quick).await {
            Ok(inspection) if inspection.failed().is_empty() => record.checks = inspection.checks,
            Ok(inspection) => failure = Some(ExecError::QualityCheckFailed { failed: inspection.failed() }),
            Err(error) => failure = Some(error),
        }
    }
    record.sql = done.iter().map(|s| format!("{};\n", s.sql)).collect();
    record.rows_affected = done.iter().map(|s| s.rows_affected).sum();
    let Some(error) = failure else {
        record.status = AuditStatus::Applied;
        settle_row(session, options, &record).await?;
        return Ok(record);
    };
    // A new target this transform created is dropped again; an existing one (a replace) is
    // left as the failure found it, and the audit row says so.
    let created = transform.spec().write == WriteKind::CreateAsSelect && !done.is_empty();
    let compensated = created && drop_target(session, transform).await.is_ok();
    record.status = if compensated { AuditStatus::Compensated } else { AuditStatus::Failed };
    if let Err(settle) = settle_row(session, options, &record).await {
        tracing::warn!(%settle, "recording a failed MySQL transform in the audit log failed");
    }
    Err(ExecError::PartiallyApplied { n_committed: done.len(), compensated, source: Box::new(error) })
}

async fn drop_target(session: &mut MySession<'_>, transform: &ValidatedTransform) -> Result<(), ExecError> {
    let what = if transform.spec().target_kind == TableKind::View { "VIEW" } else { "TABLE" };
    let sql = format!("DROP {what} IF EXISTS {}", quote_table(Dialect::Mysql, transform.target()));
    session.execute(&sql, &[]).await.map(|_| ())
}

async fn settle_row(
    session: &mut MySession<'_>,
    options: &TransformOptions,
    record: &AuditRecord,
) -> Result<(), ExecError> {
    let Some(table) = options.audit.table() else { return Ok(()) };
    let (sql, params) = audit_settle(Dialect::Mysql, table, record);
    session.execute(&sql, &params).await.map(|_| ())
}

/// A transform's connection.
pub(crate) struct MySession<'c> {
    connection: &'c mut Conn,
    target: &'c str,
    timeout: Duration,
    /// The temporary table a staged run built, to drop afterwards.
    staging: Option<TableName>,
}

impl MySession<'_> {
    /// A constant control statement (`START TRANSACTION`, `COMMIT`, `ROLLBACK`).
    async fn batch(&mut self, sql: &'static str) -> Result<(), ExecError> {
        let (timeout, target) = (self.timeout, self.target);
        self.connection.query_drop(sql).await.map_err(|e| map_mysql(e, timeout, target))
    }
}

fn bind(params: &[Param]) -> Vec<mysql_async::Value> {
    params
        .iter()
        .map(|param| match param {
            Param::Text(text) => mysql_async::Value::Bytes(text.clone().into_bytes()),
            Param::Int(n) => mysql_async::Value::Int(*n),
            Param::Null => mysql_async::Value::NULL,
        })
        .collect()
}

#[async_trait]
impl Session for MySession<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    async fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64, ExecError> {
        let (timeout, target) = (self.timeout, self.target);
        let params =
            if params.is_empty() { mysql_async::Params::Empty } else { mysql_async::Params::Positional(bind(params)) };
        self.connection.exec_drop(sql, params).await.map_err(|e| map_mysql(e, timeout, target))?;
        Ok(self.connection.affected_rows())
    }

    async fn query(&mut self, sql: &str, params: &[Param], limits: &Limits) -> Result<Rows, ExecError> {
        run_statement(self.connection, sql, bind(params), limits, self.target).await
    }

    async fn describe(&mut self, table: &TableName) -> Result<Vec<String>, ExecError> {
        let sql = "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS \
                   WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
        let schema = table.schema.clone().map_or(Param::Null, Param::Text);
        let limits = Limits { max_rows: 4_096, max_bytes: 1 << 20, timeout: self.timeout };
        let rows = self.query(sql, &[schema, Param::Text(table.name.clone())], &limits).await?;
        Ok(rows.rows.iter().map(|row| (0..3).map(|i| cell_text(row, i)).collect::<Vec<_>>().join(" ")).collect())
    }
}
