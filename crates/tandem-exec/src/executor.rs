//! The `Executor` capability and the options of catalog introspection.

use std::time::Duration;

use async_trait::async_trait;
use tandem_core::{Catalog, Dialect};
use tandem_sql::ValidatedSql;

use crate::{ExecError, Limits, Rows};

/// A read-only sandbox over one database.
///
/// [`Executor::execute`] takes only [`ValidatedSql`], which only `tandem-sql` can make, and the
/// database enforces read-only access a second time underneath. Dropping a returned future
/// cancels the statement.
#[async_trait]
pub trait Executor: Send + Sync + std::fmt::Debug {
    /// The engine family this executor runs.
    fn dialect(&self) -> Dialect;

    /// Runs one validated statement in a read-only transaction (or connection) within
    /// `limits`. Rows beyond the caps are not read; the result says `truncated`.
    async fn execute(&self, sql: &ValidatedSql, limits: &Limits) -> Result<Rows, ExecError>;

    /// Reads the catalog (relations, columns, keys, comments, row estimates) in catalog
    /// order, and samples column values when `options.sampling` asks for it. Every query runs
    /// under the same read-only and time guards as [`Executor::execute`].
    async fn introspect(&self, options: &IntrospectOptions) -> Result<Catalog, ExecError>;
}

/// Refuses statements validated for another engine: the validator's checks (function
/// denylists, quoting) are dialect-specific, so they prove nothing for a different engine.
pub(crate) fn check_dialect(executor: Dialect, sql: &ValidatedSql) -> Result<(), ExecError> {
    if sql.dialect() == executor { Ok(()) } else { Err(ExecError::DialectMismatch { executor, sql: sql.dialect() }) }
}

/// Refuses SQL text holding a NUL byte before it is sent. PostgreSQL's protocol cannot carry
/// one (the driver fails while encoding and the connection would be treated as broken), and
/// no engine accepts one in SQL text, so every engine refuses it here, as invalid input.
pub(crate) fn check_text(dialect: Dialect, sql: &str) -> Result<(), ExecError> {
    match sql.bytes().position(|b| b == 0) {
        Some(offset) => Err(ExecError::NulInStatement { dialect, offset }),
        None => Ok(()),
    }
}

/// What [`Executor::introspect`] reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrospectOptions {
    /// PostgreSQL schemas or MySQL databases to read. Empty means every schema the role can
    /// read except the system ones (PostgreSQL) or the connection's database (MySQL). SQLite
    /// has only `main` and ignores this.
    pub schemas: Vec<String>,
    /// Time limit for each catalog query.
    pub timeout: Duration,
    /// SQLite keeps no row estimates; without `sqlite_stat1` the crate counts rows, stopping
    /// at this many (so a huge table reports this number, a lower bound).
    pub max_rows_counted: u64,
    /// Sample values per column when set.
    pub sampling: Option<SamplingLimits>,
}

impl Default for IntrospectOptions {
    fn default() -> Self {
        Self {
            schemas: Vec::new(),
            timeout: Duration::from_secs(30),
            max_rows_counted: 100_000,
            sampling: Some(SamplingLimits::default()),
        }
    }
}

/// Bounds on value sampling. Each table is sampled by one read-only query that scans at most
/// `max_rows_scanned` rows and returns every value truncated to `max_value_chars` characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SamplingLimits {
    /// Rows read from each table.
    pub max_rows_scanned: u64,
    /// Sample values kept per column (the most frequent first).
    pub n_samples: usize,
    /// A text column with at most this many distinct values in the scanned rows counts as
    /// low-cardinality: all of its values are kept as samples, so a value index can match a
    /// literal in a question to it.
    pub max_distinct: usize,
    /// Characters kept of each value.
    pub max_value_chars: usize,
    /// Columns sampled per table (the first ones in catalog order).
    pub max_columns: usize,
    /// Time limit for each table's sampling query.
    pub timeout: Duration,
}

impl Default for SamplingLimits {
    fn default() -> Self {
        Self {
            max_rows_scanned: 1_000,
            n_samples: 3,
            max_distinct: 20,
            max_value_chars: 40,
            max_columns: 64,
            timeout: Duration::from_secs(5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_bytes_are_refused_with_their_offset() {
        assert!(check_text(Dialect::Postgres, "SELECT 'a'").is_ok());
        let refused = check_text(Dialect::Mysql, "SELECT 'a\0b'");
        assert!(
            matches!(refused, Err(ExecError::NulInStatement { dialect: Dialect::Mysql, offset: 9 })),
            "{refused:?}"
        );
    }
}
