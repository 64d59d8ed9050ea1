//! tandem's read-only sandboxes and catalog introspection.
//!
//! What it does: runs [`ValidatedSql`](tandem_sql::ValidatedSql) against SQLite, PostgreSQL
//! or MySQL/MariaDB behind an [`Executor`], with the database enforcing read-only access a
//! second time beneath the validator, a time limit enforced by the engine and by the client,
//! and row and byte caps applied while reading; and reads a [`Catalog`](tandem_core::Catalog)
//! (relations, columns, keys, comments, row estimates, bounded value samples) through the
//! same guards.
//!
//! What it must never do: accept SQL text that is not a `ValidatedSql` on the query path,
//! write to a database it executes against, or panic on any input. Its only write path,
//! [`create_sqlite_from_script`], builds a new file and is unreachable from an executor.
//!
//! Main types: [`Executor`] with [`SqliteExecutor`], [`PostgresExecutor`] and [`MysqlExecutor`], [`Rows`] with [`Value`] and [`ColumnMeta`],
//! [`Limits`], [`IntrospectOptions`] and [`ExecError`] (classified with
//! [`ExecError::repair_tier`] and [`ExecError::is_retryable`]).

mod error;
mod executor;
mod mysql;
mod postgres;
mod rows;
mod sampling;
mod sqlite;
#[cfg(test)]
mod testing;

pub use error::{BoxError, DbErrorClass, ExecError};
pub use executor::{Executor, IntrospectOptions, SamplingLimits};
pub use mysql::{MysqlConfig, MysqlExecutor};
pub use postgres::{PostgresConfig, PostgresExecutor};
pub use rows::{ColumnMeta, Limits, Rows, Value};
pub use sqlite::{SqliteExecutor, SqliteOptions, create_sqlite_from_script};
