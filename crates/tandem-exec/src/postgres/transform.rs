//! [`PostgresTransformer`]: transforms on PostgreSQL, previewed in a transaction that is always
//! rolled back (PostgreSQL's DDL is transactional) and applied in one transaction.

use std::time::Duration;

use async_trait::async_trait;
use tandem_core::{Dialect, TableName};
use tandem_sql::ValidatedTransform;
use tokio_postgres::Transaction;
use tokio_postgres::types::ToSql;

use super::decode::decode_row;
use super::error::map_pg;
use super::session::{Settings, begin_guarded, timed_out_between_messages};
use super::{PostgresConfig, PostgresExecutor, settle};
use crate::rows::{Collector, cell_text};
use crate::sampling::quote_table;
use crate::transform::{
    AppliedKeys, ApplyRequest, AuditRecord, Param, Preview, PreviewMethod, PreviewReceipt, Session, TransformOptions,
    Transformer, apply_in_transaction, audit_create_sql, check_dialect, idempotency_key, in_place, inspect,
    operation_limit, preview_of, run_steps, schema_state,
};
use crate::{ColumnMeta, ExecError, Limits, Rows};

/// Runs transforms against a PostgreSQL database (see [`crate::transform`]).
///
/// Uses the same connection settings as [`PostgresExecutor`] (role, search path, pool), but
/// its transactions are read-write; give it a login or role that may write the targets.
/// Statements run through the extended protocol, one at a time, under a transaction-local
/// `statement_timeout`; a client-side deadline cancels and discards a connection the server
/// did not stop.
#[derive(Debug)]
pub struct PostgresTransformer {
    inner: PostgresExecutor,
    options: TransformOptions,
    applied: AppliedKeys,
}

impl PostgresTransformer {
    /// Builds the pool and opens one connection to prove the settings work.
    pub async fn connect(config: &PostgresConfig, options: TransformOptions) -> Result<Self, ExecError> {
        Ok(Self { inner: PostgresExecutor::connect(config).await?, options, applied: AppliedKeys::default() })
    }
}

#[async_trait]
impl Transformer for PostgresTransformer {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn database(&self) -> &str {
        &self.inner.settings.target
    }

    fn options(&self) -> &TransformOptions {
        &self.options
    }

    async fn preview(&self, transform: &ValidatedTransform) -> Result<Preview, ExecError> {
        check_dialect(Dialect::Postgres, transform)?;
        let options = &self.options;
        let settings = &self.inner.settings;
        let mut lease = self.inner.checkout().await?;
        let (client, cancel) = lease.client()?;
        let limit = operation_limit(transform, options);
        let work = async {
            let transaction = begin_guarded(client, settings, options.timeout, false).await?;
            let mut session = PgSession { transaction: &transaction, settings, timeout: options.timeout };
            let preview = async {
                let state = schema_state(&mut session, transform).await?;
                let limits = Limits { max_rows: 1, max_bytes: 1 << 10, timeout: options.timeout };
                let steps = run_steps(&mut session, &in_place(transform), transform.target(), &limits).await?;
                let inspection = inspect(&mut session, transform, transform.target(), options).await?;
                Ok(preview_of(
                    transform,
                    &settings.target,
                    PreviewMethod::RolledBackTransaction,
                    state,
                    steps,
                    inspection,
                ))
            }
            .await;
            // Always rolled back: the preview's whole point.
            let rollback = transaction.rollback().await.map_err(|e| map_pg(e, options.timeout, &settings.target));
            let preview = preview?;
            rollback?;
            Ok(preview)
        };
        let outcome = tokio::time::timeout(limit, work).await;
        settle(lease, cancel, outcome, limit).await
    }

    async fn apply(
        &self,
        transform: &ValidatedTransform,
        receipt: &PreviewReceipt,
        request: &ApplyRequest,
    ) -> Result<AuditRecord, ExecError> {
        check_dialect(Dialect::Postgres, transform)?;
        let settings = &self.inner.settings;
        receipt.verify(transform, &settings.target, &request.current_catalog)?;
        let key = idempotency_key(receipt, request, Dialect::Postgres)?;
        let options = &self.options;
        let returned_only = options.audit.table().is_none();
        if returned_only && !self.applied.reserve(&key) {
            return Err(ExecError::AlreadyApplied { key, status: "applied".to_owned() });
        }
        let mut lease = self.inner.checkout().await?;
        let (client, cancel) = lease.client()?;
        let limit = operation_limit(transform, options);
        let work = async {
            let transaction = begin_guarded(client, settings, options.timeout, false).await?;
            let mut session = PgSession { transaction: &transaction, settings, timeout: options.timeout };
            let applied = async {
                // Applies with the same key wait for each other here, so the second one sees
                // the first one's audit row instead of racing it.
                let lock = "SELECT pg_advisory_xact_lock(hashtext($1))";
                session.execute_returning_nothing(lock, &[Param::Text(format!("tandem-transform:{key}"))]).await?;
                if let Some(table) = options.audit.table() {
                    session.execute(&audit_create_sql(Dialect::Postgres, table), &[]).await?;
                }
                apply_in_transaction(&mut session, transform, receipt, request, options, key.clone()).await
            }
            .await;
            let pg = |e| map_pg(e, options.timeout, &settings.target);
            match applied {
                Ok(record) => {
                    transaction.commit().await.map_err(pg)?;
                    Ok(record)
                }
                Err(error) => {
                    if let Err(rollback) = transaction.rollback().await {
                        tracing::warn!(%rollback, "rolling back a failed PostgreSQL transform failed");
                    }
                    Err(error)
                }
            }
        };
        let outcome = tokio::time::timeout(limit, work).await;
        let result = settle(lease, cancel, outcome, limit).await;
        if returned_only && result.is_err() {
            self.applied.release(&key);
        }
        result
    }
}

/// A transform's transaction.
struct PgSession<'t> {
    transaction: &'t Transaction<'t>,
    settings: &'t Settings,
    timeout: Duration,
}

impl PgSession<'_> {
    fn map(&self, error: tokio_postgres::Error) -> ExecError {
        map_pg(error, self.timeout, &self.settings.target)
    }

    async fn prepared(&self, sql: &str, n_params: usize) -> Result<tokio_postgres::Statement, ExecError> {
        crate::executor::check_text(Dialect::Postgres, sql)?;
        let statement = self.transaction.prepare(sql).await.map_err(|e| self.map(e))?;
        if statement.params().len() != n_params {
            return Err(ExecError::UnboundParameters { n_params: statement.params().len() });
        }
        Ok(statement)
    }

    async fn write(&self, sql: &str, params: &[Param]) -> Result<u64, ExecError> {
        let statement = self.prepared(sql, params.len()).await?;
        let values = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref() as &(dyn ToSql + Sync)).collect();
        self.transaction.execute(&statement, &refs).await.map_err(|e| self.map(e))
    }

    async fn read(&self, sql: &str, params: &[Param], limits: &Limits) -> Result<Rows, ExecError> {
        let statement = self.prepared(sql, params.len()).await?;
        let columns: Vec<ColumnMeta> = statement
            .columns()
            .iter()
            .map(|c| ColumnMeta { name: c.name().to_owned(), type_name: c.type_().name().to_owned() })
            .collect();
        let values = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref() as &(dyn ToSql + Sync)).collect();
        // Crate-written queries carry their own LIMIT, so reading them whole is bounded.
        let rows = self.transaction.query(&statement, &refs).await.map_err(|e| self.map(e))?;
        let mut collector = Collector::new(*limits);
        for row in &rows {
            if !collector.push(decode_row(row)) {
                break;
            }
        }
        Ok(collector.finish(columns))
    }

    /// A query whose rows are not wanted (`SELECT pg_advisory_xact_lock(…)`).
    async fn execute_returning_nothing(&self, sql: &str, params: &[Param]) -> Result<(), ExecError> {
        let statement = self.prepared(sql, params.len()).await?;
        let values = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref() as &(dyn ToSql + Sync)).collect();
        self.transaction.query(&statement, &refs).await.map_err(|e| self.map(e))?;
        Ok(())
    }
}

fn bind(params: &[Param]) -> Vec<Box<dyn ToSql + Sync + Send>> {
    params
        .iter()
        .map(|param| -> Box<dyn ToSql + Sync + Send> {
            match param {
                Param::Text(text) => Box::new(text.clone()),
                Param::Int(n) => Box::new(*n),
                Param::Null => Box::new(None::<String>),
            }
        })
        .collect()
}

#[async_trait]
impl Session for PgSession<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn execute(&mut self, sql: &str, params: &[Param]) -> Result<u64, ExecError> {
        let started = std::time::Instant::now();
        self.write(sql, params)
            .await
            .map_err(|error| timed_out_between_messages(error, started.elapsed(), self.timeout))
    }

    async fn query(&mut self, sql: &str, params: &[Param], limits: &Limits) -> Result<Rows, ExecError> {
        let started = std::time::Instant::now();
        self.read(sql, params, limits)
            .await
            .map_err(|error| timed_out_between_messages(error, started.elapsed(), self.timeout))
    }

    async fn describe(&mut self, table: &TableName) -> Result<Vec<String>, ExecError> {
        let sql = "SELECT c.relkind::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull::text \
                   FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
                   WHERE c.oid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        let limits = Limits { max_rows: 4_096, max_bytes: 1 << 20, timeout: self.timeout };
        let rows = self.query(sql, &[Param::Text(quote_table(Dialect::Postgres, table))], &limits).await?;
        Ok(rows.rows.iter().map(|row| (0..4).map(|i| cell_text(row, i)).collect::<Vec<_>>().join(" ")).collect())
    }
}
