//! tandem's read-only sandboxes, its transform executors, and catalog introspection.
//!
//! What it does: runs [`ValidatedSql`](tandem_sql::ValidatedSql) against SQLite, PostgreSQL
//! or MySQL/MariaDB behind an [`Executor`], with the database enforcing read-only access a
//! second time beneath the validator, a time limit enforced by the engine and by the client,
//! and row and byte caps applied while reading; reads a [`Catalog`](tandem_core::Catalog)
//! (relations, columns, keys, comments, row estimates, bounded value samples) through the
//! same guards; and, behind the separate [`Transformer`] capability, previews, applies and
//! exports [`ValidatedTransform`](tandem_sql::ValidatedTransform)s (see [`transform`]).
//!
//! What it must never do: accept SQL text that is not a `ValidatedSql` (queries) or a
//! `ValidatedTransform` (transforms), write through an [`Executor`], apply a transform without
//! a passing preview of exactly it against the current catalog, or panic on any input. Its
//! other write path, [`create_sqlite_from_script`], builds a new file and is unreachable from
//! an executor.
//!
//! Main types: [`Executor`] with [`SqliteExecutor`], [`PostgresExecutor`] and
//! [`MysqlExecutor`]; [`Transformer`] with [`SqliteTransformer`], [`PostgresTransformer`] and
//! [`MysqlTransformer`], [`Preview`], [`PreviewReceipt`], [`ApplyRequest`] and
//! [`AuditRecord`]; [`Rows`] with [`Value`] and [`ColumnMeta`], [`Limits`],
//! [`IntrospectOptions`] and [`ExecError`] (classified with [`ExecError::repair_tier`],
//! [`ExecError::is_retryable`] and [`ExecError::needs_preview`]).

mod error;
mod executor;
pub mod grant;
mod mysql;
mod postgres;
mod privileges;
mod rows;
mod sampling;
mod sqlite;
#[cfg(test)]
mod testing;
pub mod transform;

pub use error::{BoxError, DbErrorClass, ExecError, StaleReason};
pub use executor::{Executor, IntrospectOptions, SamplingLimits};
pub use grant::{GrantOptions, GrantProblem, GrantStatement, apply_grant, grant_sql};
pub use mysql::{MysqlConfig, MysqlExecutor, MysqlTransformer};
pub use postgres::{
    DEFAULT_TEMP_FILE_LIMIT_KB, DEFAULT_WORK_MEM_KB, PostgresConfig, PostgresExecutor, PostgresTransformer,
};
pub use privileges::{PredefinedRole, PrivilegeFinding, PrivilegeReport};
pub use rows::{ColumnMeta, Limits, Rows, Value};
pub use sqlite::{SqliteExecutor, SqliteOptions, SqliteTransformer, create_sqlite_from_script};
pub use transform::{
    ApplyRequest, AuditLog, AuditRecord, AuditStatus, CheckResult, Migration, Preview, PreviewMethod, PreviewReceipt,
    QualityCheck, StepOutcome, TransformOptions, Transformer,
};
