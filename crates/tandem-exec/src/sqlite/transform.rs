//! [`SqliteTransformer`]: transforms on a SQLite file — previews on a private copy, applies in
//! one `BEGIN IMMEDIATE` transaction on the file itself.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags, types::Value as SqlValue};
use tandem_core::{Dialect, TableName};
use tandem_sql::ValidatedTransform;
use tokio::sync::oneshot;

use super::error::{Interruption, map_sqlite};
use super::guard::{PROGRESS_OPS, storage_class, to_value};
use super::worker::{RaiseOnDrop, panicked};
use super::write_guard::open_writable;
use crate::rows::{Collector, cell_text};
use crate::transform::{
    AppliedKeys, ApplyRequest, AuditRecord, Param, Preview, PreviewMethod, PreviewReceipt, Session, TransformOptions,
    Transformer, apply_in_transaction, check_dialect, idempotency_key, in_place, inspect, preview_of, run_steps,
    schema_state,
};
use crate::{ColumnMeta, ExecError, Limits, Rows};

/// Runs transforms against one SQLite file (see [`crate::transform`]).
///
/// Each operation runs on its own thread with its own connection. A preview copies the file
/// through a read-only connection (SQLite's backup API, a consistent snapshot) and runs the
/// transform on the copy; the original is never opened for writing. Apply opens the file for
/// writing with an authorizer that permits writes to the target and the audit table only.
#[derive(Debug)]
pub struct SqliteTransformer {
    path: PathBuf,
    database: String,
    options: TransformOptions,
    applied: AppliedKeys,
}

impl SqliteTransformer {
    /// Checks that `path` exists and opens as a SQLite database (read-only, creating nothing).
    pub fn open(path: impl AsRef<Path>, options: TransformOptions) -> Result<Self, ExecError> {
        let path = path.as_ref();
        let io = |source| ExecError::Io { path: path.to_owned(), source };
        let path = std::fs::canonicalize(path).map_err(io)?;
        drop(open_read_only(&path)?);
        let database = path.display().to_string();
        Ok(Self { path, database, options, applied: AppliedKeys::default() })
    }
}

#[async_trait]
impl Transformer for SqliteTransformer {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn database(&self) -> &str {
        &self.database
    }

    fn options(&self) -> &TransformOptions {
        &self.options
    }

    async fn preview(&self, transform: &ValidatedTransform) -> Result<Preview, ExecError> {
        check_dialect(Dialect::Sqlite, transform)?;
        let (path, database, options, transform) =
            (self.path.clone(), self.database.clone(), self.options.clone(), transform.clone());
        on_thread(&self.path, move |cancel| {
            let io = |source| ExecError::Io { path: path.clone(), source };
            let dir = tempfile::Builder::new().prefix("tandem-preview-").tempdir().map_err(io)?;
            let copy = dir.path().join("preview.sqlite");
            let source = open_read_only(&path)?;
            source.backup(rusqlite::MAIN_DB, &copy, None).map_err(|e| map_sqlite(e, Interruption::Cancelled))?;
            drop(source);
            let connection = open_writable(&copy, &[transform.target()])?;
            let mut session = SqliteSession { connection, cancel, timeout: options.timeout };
            session.batch("BEGIN")?;
            let preview = futures::executor::block_on(async {
                let state = schema_state(&mut session, &transform).await?;
                let limits = Limits { max_rows: 1, max_bytes: 1 << 10, timeout: options.timeout };
                let steps = run_steps(&mut session, &in_place(&transform), transform.target(), &limits).await?;
                let inspection = inspect(&mut session, &transform, transform.target(), &options).await?;
                Ok::<_, ExecError>(preview_of(&transform, &database, PreviewMethod::FileCopy, state, steps, inspection))
            });
            // The copy is deleted with its directory either way; the rollback only keeps the
            // connection's last act tidy.
            let rollback = session.batch("ROLLBACK");
            let preview = preview?;
            rollback?;
            Ok(preview)
        })
        .await
    }

    async fn apply(
        &self,
        transform: &ValidatedTransform,
        receipt: &PreviewReceipt,
        request: &ApplyRequest,
    ) -> Result<AuditRecord, ExecError> {
        check_dialect(Dialect::Sqlite, transform)?;
        receipt.verify(transform, &self.database, &request.current_catalog)?;
        let key = idempotency_key(receipt, request, Dialect::Sqlite)?;
        let returned_only = self.options.audit.table().is_none();
        if returned_only && !self.applied.reserve(&key) {
            return Err(ExecError::AlreadyApplied { key, status: "applied".to_owned() });
        }
        let (path, options, transform, receipt, request, run_key) =
            (self.path.clone(), self.options.clone(), transform.clone(), receipt.clone(), request.clone(), key.clone());
        let result = on_thread(&self.path, move |cancel| {
            let mut writable = vec![transform.target()];
            writable.extend(options.audit.table());
            let connection = open_writable(&path, &writable)?;
            // Wait for other writers instead of failing at once.
            connection.busy_timeout(options.timeout).map_err(|e| map_sqlite(e, Interruption::Cancelled))?;
            let mut session = SqliteSession { connection, cancel, timeout: options.timeout };
            session.batch("BEGIN IMMEDIATE")?;
            let result = futures::executor::block_on(async {
                if let Some(table) = options.audit.table() {
                    session.execute(&crate::transform::audit_create_sql(Dialect::Sqlite, table), &[]).await?;
                }
                apply_in_transaction(&mut session, &transform, &receipt, &request, &options, run_key).await
            });
            match result {
                Ok(record) => {
                    session.batch("COMMIT")?;
                    Ok(record)
                }
                Err(error) => {
                    if let Err(rollback) = session.batch("ROLLBACK") {
                        tracing::warn!(%rollback, "rolling back a failed SQLite transform failed");
                    }
                    Err(error)
                }
            }
        })
        .await;
        if returned_only && result.is_err() {
            self.applied.release(&key);
        }
        result
    }
}

/// A read-only, hardened connection for copying and checking the file.
fn open_read_only(path: &Path) -> Result<Connection, ExecError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, flags).map_err(|source| ExecError::Connection {
        dialect: Dialect::Sqlite,
        target: path.display().to_string(),
        source: Box::new(source),
    })
}

/// Runs `work` on a new thread (SQLite blocks) and awaits it without blocking the runtime.
/// Dropping the future raises the flag `work` receives, which stops its statement.
async fn on_thread<T, F>(path: &Path, work: F) -> Result<T, ExecError>
where
    T: Send + 'static,
    F: FnOnce(Arc<AtomicBool>) -> Result<T, ExecError> + Send + 'static,
{
    let cancel = Arc::new(AtomicBool::new(false));
    let _raise_on_drop = RaiseOnDrop(Arc::clone(&cancel));
    let (reply, answer) = oneshot::channel();
    std::thread::Builder::new()
        .name("tandem-sqlite-transform".to_owned())
        .spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| work(cancel))).unwrap_or_else(|_| Err(panicked()));
            if reply.send(outcome).is_err() {
                tracing::debug!("SQLite transform caller went away before its result was ready");
            }
        })
        .map_err(|source| ExecError::Io { path: path.to_owned(), source })?;
    answer.await.map_err(|_| ExecError::WorkerStopped { path: path.to_owned() })?
}

/// A transform's connection inside its transaction.
struct SqliteSession {
    connection: Connection,
    cancel: Arc<AtomicBool>,
    timeout: Duration,
}

impl SqliteSession {
    fn batch(&self, sql: &str) -> Result<(), ExecError> {
        self.connection.execute_batch(sql).map_err(|e| self.map(e))
    }

    fn map(&self, error: rusqlite::Error) -> ExecError {
        let interruption = if self.cancel.load(Ordering::Relaxed) {
            Interruption::Cancelled
        } else {
            Interruption::Timeout(self.timeout)
        };
        map_sqlite(error, interruption)
    }

    /// Stops the next statement at its deadline or when the caller goes away.
    fn arm(&self) {
        let flag = Arc::clone(&self.cancel);
        let deadline = crate::rows::deadline_after(self.timeout);
        self.connection
            .progress_handler(PROGRESS_OPS, Some(move || flag.load(Ordering::Relaxed) || Instant::now() >= deadline));
    }

    fn prepare<'c>(&'c self, sql: &str, params: &[Param]) -> Result<rusqlite::Statement<'c>, ExecError> {
        crate::executor::check_text(Dialect::Sqlite, sql)?;
        let mut statement = self.connection.prepare(sql).map_err(|e| self.map(e))?;
        let n_params = statement.parameter_count();
        if n_params != params.len() {
            return Err(ExecError::UnboundParameters { n_params });
        }
        for (i, param) in params.iter().enumerate() {
            let value = match param {
                Param::Text(text) => SqlValue::Text(text.clone()),
                Param::Int(n) => SqlValue::Integer(*n),
                Param::Null => SqlValue::Null,
            };
            statement.raw_bind_parameter(i + 1, value).map_err(|e| self.map(e))?;
        }
        Ok(statement)
    }

    fn run(&self, sql: &str, params: &[Param]) -> Result<u64, ExecError> {
        self.arm();
        let before = self.connection.total_changes();
        let mut statement = self.prepare(sql, params)?;
        statement.raw_execute().map_err(|e| self.map(e))?;
        // Changes counted by the connection, so DDL (which changes no rows) reports zero.
        Ok(self.connection.total_changes().saturating_sub(before))
    }

    fn read(&self, sql: &str, params: &[Param], limits: &Limits) -> Result<Rows, ExecError> {
        self.arm();
        let mut statement = self.prepare(sql, params)?;
        let n_columns = statement.column_count();
        let names: Vec<String> = statement.column_names().into_iter().map(str::to_owned).collect();
        let mut type_names: Vec<Option<&'static str>> = vec![None; n_columns];
        let mut collector = Collector::new(*limits);
        let mut rows = statement.raw_query();
        while let Some(row) = rows.next().map_err(|e| self.map(e))? {
            let mut values = Vec::with_capacity(n_columns);
            for (i, type_name) in type_names.iter_mut().enumerate() {
                let value = row.get_ref(i).map_err(|e| self.map(e))?;
                if type_name.is_none() {
                    *type_name = storage_class(value);
                }
                values.push(to_value(value));
            }
            if !collector.push(values) {
                break;
            }
        }
        let columns = names
            .into_iter()
            .zip(type_names)
            .map(|(name, type_name)| ColumnMeta { name, type_name: type_name.unwrap_or("NULL").to_owned() })
            .collect();
        Ok(collector.finish(columns))
    }
}

#[async_trait]
impl Session for SqliteSession {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64, ExecError> {
        self.run(sql, params)
    }

    async fn query(&mut self, sql: &str, params: &[Param], limits: &Limits) -> Result<Rows, ExecError> {
        self.read(sql, params, limits)
    }

    async fn describe(&mut self, table: &TableName) -> Result<Vec<String>, ExecError> {
        let sql = "SELECT type, sql FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE AND type IN ('table', 'view')";
        let limits = Limits { max_rows: 16, max_bytes: 1 << 20, timeout: self.timeout };
        let rows = self.read(sql, &[Param::Text(table.name.clone())], &limits)?;
        Ok(rows.rows.iter().map(|row| format!("{} {}", cell_text(row, 0), cell_text(row, 1))).collect())
    }

    async fn declared_columns(&mut self, table: &TableName) -> Result<Option<Vec<ColumnMeta>>, ExecError> {
        let limits = Limits { max_rows: 4_096, max_bytes: 1 << 20, timeout: self.timeout };
        let rows =
            self.read("SELECT name, type FROM pragma_table_info(?1)", &[Param::Text(table.name.clone())], &limits)?;
        let columns = rows
            .rows
            .iter()
            .map(|row| {
                let declared = cell_text(row, 1);
                // A column computed by CREATE TABLE … AS has no declared type (no affinity).
                let type_name = if declared.is_empty() { "ANY".to_owned() } else { declared };
                ColumnMeta { name: cell_text(row, 0), type_name }
            })
            .collect();
        Ok(Some(columns))
    }
}
