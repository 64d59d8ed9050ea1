//! One guarded MySQL/MariaDB statement: a per-session statement time limit, a `READ ONLY`
//! transaction, the statement prepared and executed through the binary protocol (never the
//! multi-statement text protocol), rows capped while streaming, and a rollback.

use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Params};
use tandem_core::Dialect;

use super::decode::{decode, type_name};
use super::error::map_mysql;
use crate::executor::check_text;
use crate::rows::Collector;
use crate::{ColumnMeta, ExecError, Limits, Rows, Value};

/// The server family, which decides how a statement time limit is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    Mysql,
    Mariadb,
}

/// MySQL counts `max_execution_time` in milliseconds; MariaDB counts `max_statement_time`
/// in seconds. Zero would mean "no limit", so the limit is at least one unit.
pub(crate) fn time_limit_statement(flavor: Flavor, limit: Duration) -> String {
    match flavor {
        Flavor::Mysql => format!("SET SESSION max_execution_time = {}", limit.as_millis().clamp(1, u32::MAX.into())),
        Flavor::Mariadb => {
            format!("SET SESSION max_statement_time = {:.3}", limit.as_secs_f64().clamp(0.001, 31_536_000.0))
        }
    }
}

/// Runs `sql` with `params` (empty for validated SQL; catalog queries bind schema names) in a
/// guarded read-only transaction on `connection`.
pub(crate) async fn run_guarded(
    connection: &mut Conn,
    flavor: Flavor,
    target: &str,
    sql: &str,
    params: Vec<mysql_async::Value>,
    limits: &Limits,
) -> Result<Rows, ExecError> {
    let my = |error| map_mysql(error, limits.timeout, target);
    // Session settings need no undo: the pool resets each connection when it is returned.
    connection.query_drop(time_limit_statement(flavor, limits.timeout)).await.map_err(my)?;
    connection.query_drop("START TRANSACTION READ ONLY").await.map_err(my)?;
    let result = run_statement(connection, sql, params, limits, target).await;
    let rollback = connection.query_drop("ROLLBACK").await.map_err(my);
    let rows = result?;
    rollback?;
    Ok(rows)
}

pub(crate) async fn run_statement(
    connection: &mut Conn,
    sql: &str,
    params: Vec<mysql_async::Value>,
    limits: &Limits,
    target: &str,
) -> Result<Rows, ExecError> {
    let my = |error| map_mysql(error, limits.timeout, target);
    check_text(Dialect::Mysql, sql)?;
    let params = if params.is_empty() { Params::Empty } else { Params::Positional(params) };
    let mut result = connection.exec_iter(sql, params).await.map_err(my)?;
    let result_columns = result.columns();
    let columns: Vec<ColumnMeta> = result_columns
        .iter()
        .flat_map(|columns| columns.iter())
        .map(|c| ColumnMeta { name: c.name_str().into_owned(), type_name: type_name(c).to_owned() })
        .collect();
    let mut collector = Collector::new(*limits);
    while let Some(row) = result.next().await.map_err(my)? {
        // The driver holds the row already (the server bounds it by `max_allowed_packet`); a
        // row over the byte cap is where the cap stops reading, so it is not decoded.
        let row_bytes = (0..row.len()).fold(0usize, |sum, i| sum.saturating_add(row.as_ref(i).map_or(0, raw_bytes)));
        if row_bytes > limits.max_bytes {
            collector.stop();
            break;
        }
        let values: Vec<Value> = (0..row.len())
            .map(|i| match (row.as_ref(i), result_columns.as_ref().and_then(|columns| columns.get(i))) {
                (Some(value), Some(column)) => decode(column, value),
                _ => Value::Null,
            })
            .collect();
        if !collector.push(values) {
            break;
        }
    }
    // The protocol cannot stop a result set midway: the rest is read and discarded, bounded
    // by the statement's time limit. A failure while discarding does not undo the capped rows.
    let truncated = collector.is_truncated();
    match result.drop_result().await {
        Err(error) if !truncated => return Err(my(error)),
        Err(error) => tracing::debug!(%error, "discarding the rest of a capped MySQL result failed"),
        Ok(()) => {}
    }
    Ok(collector.finish(columns))
}

/// A raw protocol value's payload size.
fn raw_bytes(value: &mysql_async::Value) -> usize {
    match value {
        mysql_async::Value::Bytes(bytes) => bytes.len(),
        mysql_async::Value::NULL => 1,
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limits_per_flavor() {
        assert_eq!(
            time_limit_statement(Flavor::Mysql, Duration::from_millis(1500)),
            "SET SESSION max_execution_time = 1500"
        );
        assert_eq!(
            time_limit_statement(Flavor::Mariadb, Duration::from_millis(1500)),
            "SET SESSION max_statement_time = 1.500"
        );
        assert_eq!(time_limit_statement(Flavor::Mariadb, Duration::ZERO), "SET SESSION max_statement_time = 0.001");
        assert_eq!(time_limit_statement(Flavor::Mysql, Duration::ZERO), "SET SESSION max_execution_time = 1");
    }
}
