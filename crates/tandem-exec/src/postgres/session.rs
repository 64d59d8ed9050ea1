//! One guarded PostgreSQL transaction: read-only, with a statement timeout, the configured role
//! and search path set locally, the statement run through the extended protocol, rows read in
//! batches from a portal until a cap is reached, and everything rolled back.

use std::time::Duration;

use futures::{StreamExt, pin_mut};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, Column, Statement, Transaction};

use tandem_core::Dialect;

use super::bound::bounded_sql;
use super::decode::decode_columns;
use super::error::map_pg;
use crate::executor::check_text;
use crate::rows::Collector;
use crate::{ColumnMeta, ExecError, Limits, Rows};

/// The most rows asked of the portal at once; smaller than most caps so a capped read stops
/// the server early instead of letting it send the whole result.
const MAX_BATCH_ROWS: usize = 256;

/// Per-executor settings applied inside every transaction.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) role: Option<String>,
    pub(crate) search_path: Option<String>,
    pub(crate) work_mem_kb: u32,
    pub(crate) temp_file_limit_kb: u32,
    /// `host:port/database`, for errors.
    pub(crate) target: String,
}

/// Starts the read-only transaction and applies the guards. The guards are set with
/// `set_config(…, true)`, the transaction-local form, through the extended protocol, so
/// nothing outlives the transaction on a pooled connection.
pub(crate) async fn begin<'c>(
    client: &'c mut Client,
    settings: &Settings,
    limit: Duration,
) -> Result<Transaction<'c>, ExecError> {
    begin_guarded(client, settings, limit, true).await
}

/// [`begin`], or a read-write transaction with the same guards for a transform.
pub(crate) async fn begin_guarded<'c>(
    client: &'c mut Client,
    settings: &Settings,
    limit: Duration,
    read_only: bool,
) -> Result<Transaction<'c>, ExecError> {
    let pg = |error| map_pg(error, limit, &settings.target);
    // `START TRANSACTION READ ONLY` is a constant the driver sends itself; model-written SQL
    // never goes through the simple protocol.
    let transaction = client.build_transaction().read_only(read_only).start().await.map_err(pg)?;
    let timeout_ms = limit.as_millis().clamp(1, i32::MAX as u128).to_string();
    let work_mem = format!("{}kB", settings.work_mem_kb.max(64));
    let temp_file_limit = format!("{}kB", settings.temp_file_limit_kb);
    // Synchronised scans start a sequential scan where a concurrent one is, which would make
    // `LIMIT`-bounded sampling return different rows from run to run. `temp_file_limit` may
    // only be set by a superuser; it is set while the login is still itself (before the role
    // below) and stays for the transaction. Another login gets it from its role's settings,
    // which `tandem db grant` writes.
    transaction
        .execute(
            "SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true), \
             set_config('synchronize_seqscans', 'off', true), set_config('work_mem', $2, true), \
             CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) \
             THEN set_config('temp_file_limit', $3, true) END",
            &[&timeout_ms, &work_mem, &temp_file_limit],
        )
        .await
        .map_err(pg)?;
    for (setting, value) in [("role", &settings.role), ("search_path", &settings.search_path)] {
        if let Some(value) = value {
            transaction.execute("SELECT set_config($1, $2, true)", &[&setting, value]).await.map_err(|source| {
                ExecError::Config { dialect: tandem_core::Dialect::Postgres, setting, source: Some(Box::new(source)) }
            })?;
        }
    }
    Ok(transaction)
}

/// Runs `sql` in a fresh guarded transaction and rolls it back.
pub(crate) async fn run_guarded(
    client: &mut Client,
    settings: &Settings,
    sql: &str,
    limits: &Limits,
) -> Result<Rows, ExecError> {
    let started = std::time::Instant::now();
    let transaction = begin(client, settings, limits.timeout).await?;
    let result = run_statement(&transaction, settings, sql, limits)
        .await
        .map_err(|error| timed_out_between_messages(error, started.elapsed(), limits.timeout));
    let rollback = transaction.rollback().await.map_err(|error| map_pg(error, limits.timeout, &settings.target));
    // A statement error wins over a rollback error; a rollback error after success means the
    // connection is gone, which the caller must hear about.
    let rows = result?;
    rollback?;
    Ok(rows)
}

/// The statement timeout can fire between two protocol messages (after `Bind` is complete,
/// before `Execute`), and the driver does not pass that error on; the next message then fails
/// with `in_failed_sql_transaction` (25P02). Past the time limit, that is the timeout.
pub(crate) fn timed_out_between_messages(error: ExecError, elapsed: Duration, limit: Duration) -> ExecError {
    match &error {
        ExecError::Database { code, .. } if code == "25P02" && elapsed >= limit => {
            ExecError::Timeout { dialect: tandem_core::Dialect::Postgres, limit }
        }
        _ => error,
    }
}

async fn run_statement(
    transaction: &Transaction<'_>,
    settings: &Settings,
    sql: &str,
    limits: &Limits,
) -> Result<Rows, ExecError> {
    let pg = |error| map_pg(error, limits.timeout, &settings.target);
    check_text(Dialect::Postgres, sql)?;
    // Prepare + bind + execute: the extended protocol runs exactly one statement.
    let statement = transaction.prepare(sql).await.map_err(pg)?;
    if !statement.params().is_empty() {
        return Err(ExecError::UnboundParameters { n_params: statement.params().len() });
    }
    let columns: Vec<ColumnMeta> = statement
        .columns()
        .iter()
        .map(|c| ColumnMeta { name: c.name().to_owned(), type_name: c.type_().name().to_owned() })
        .collect();
    let n_columns = columns.len();
    let (statement, flagged) = bounded(transaction, statement, sql, limits.max_bytes).await.map_err(pg)?;
    let portal = transaction.bind(&statement, &[]).await.map_err(pg)?;
    let batch = limits.max_rows.saturating_add(1).clamp(1, MAX_BATCH_ROWS);
    let batch_i32 = i32::try_from(batch).unwrap_or(i32::MAX);
    let mut collector = Collector::new(*limits);
    'portal: loop {
        let stream = transaction.query_portal_raw(&portal, batch_i32).await.map_err(pg)?;
        pin_mut!(stream);
        let mut n_rows = 0usize;
        while let Some(row) = stream.next().await {
            let row = row.map_err(pg)?;
            n_rows += 1;
            // The byte cap would stop at an oversized row, so the guard stops there too.
            if flagged && row.try_get::<_, bool>(n_columns).unwrap_or(true) {
                collector.stop();
                break 'portal;
            }
            if !collector.push(decode_columns(&row, n_columns)) {
                break 'portal;
            }
        }
        // A short batch means the portal is exhausted.
        if n_rows < batch {
            break;
        }
    }
    Ok(collector.finish(columns))
}

/// The statement to run and whether its last column is the oversize flag: `statement`
/// itself when none of its columns can be large, else the wrapper of [`bounded_sql`] that
/// measures each row on the server before it is sent.
async fn bounded(
    transaction: &Transaction<'_>,
    statement: Statement,
    sql: &str,
    max_bytes: usize,
) -> Result<(Statement, bool), tokio_postgres::Error> {
    let types: Vec<&Type> = statement.columns().iter().map(Column::type_).collect();
    let Some(wrapped) = bounded_sql(sql, &types, max_bytes) else { return Ok((statement, false)) };
    // A failed prepare aborts the transaction, so the wrapper is tried under a savepoint.
    transaction.batch_execute("SAVEPOINT tandem_bound").await?;
    match transaction.prepare(&wrapped).await {
        Ok(wrapped) => Ok((wrapped, true)),
        // PostgreSQL nests every query except one with a data-modifying WITH, which the
        // read-only transaction refuses when it runs: it runs as written and fails there, with
        // the error that says why.
        Err(error) if error.code() == Some(&SqlState::FEATURE_NOT_SUPPORTED) => {
            transaction.batch_execute("ROLLBACK TO SAVEPOINT tandem_bound").await?;
            Ok((statement, false))
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DbErrorClass;

    fn aborted() -> ExecError {
        ExecError::Database {
            dialect: tandem_core::Dialect::Postgres,
            class: DbErrorClass::Other,
            code: "25P02".to_owned(),
            message: "current transaction is aborted, commands ignored until end of transaction block".to_owned(),
            name: None,
            source: Box::new(std::io::Error::other("aborted")),
        }
    }

    #[test]
    fn an_aborted_transaction_past_the_limit_is_the_timeout() {
        let limit = Duration::from_millis(300);
        let late = timed_out_between_messages(aborted(), Duration::from_millis(310), limit);
        assert!(matches!(late, ExecError::Timeout { limit: l, .. } if l == limit), "{late:?}");
        let early = timed_out_between_messages(aborted(), Duration::from_millis(10), limit);
        assert_eq!(early.code(), aborted().code());
        assert!(matches!(early, ExecError::Database { .. }));
    }
}
