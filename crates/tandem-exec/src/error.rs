//! `ExecError`: everything that can go wrong running or introspecting, classified for repair.
//!
//! Engines report failures with their own codes (SQLite result codes and messages, PostgreSQL
//! SQLSTATEs, MySQL error numbers). Each engine module maps its codes to a [`DbErrorClass`]
//! once, here callers only ask [`ExecError::repair_tier`] and [`ExecError::is_retryable`].

use std::path::PathBuf;
use std::time::Duration;

use tandem_core::{Dialect, RepairTier};

use crate::grant::GrantProblem;
use crate::transform::CheckResult;

/// The boxed engine error kept as the source of an [`ExecError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What kind of failure a database reported, decided from the engine's error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DbErrorClass {
    /// The statement does not parse.
    Syntax,
    /// A table, view or schema that does not exist.
    UnknownTable,
    /// A column that does not exist in the tables in scope.
    UnknownColumn,
    /// A function (or operator) that does not exist for these argument types.
    UnknownFunction,
    /// A column reference that matches several tables in scope.
    AmbiguousColumn,
    /// Operands or arguments of incompatible types.
    TypeMismatch,
    /// Another mistake in the statement's shape (grouping, set-operation arity, an unsupported
    /// construct) that a model can fix from the message.
    Semantic,
    /// The data made the statement fail (division by zero, a subquery returning several rows).
    Data,
    /// The statement tried to write inside the read-only transaction or connection.
    ReadOnly,
    /// The role or user may not do this (including the sandbox's SQLite authorizer).
    PermissionDenied,
    /// The server ran out of something (memory, disk, connections, statement complexity).
    Resource,
    /// A concurrency conflict (deadlock, serialization failure, lock wait); the same statement
    /// may succeed later.
    Transient,
    /// A write broke a constraint of the target (a duplicate key, a NULL in a NOT NULL column,
    /// a foreign or check constraint): the transform's rows are wrong, a logic error.
    Constraint,
    /// Anything else the engine reported.
    Other,
}

impl DbErrorClass {
    /// A stable snake_case name for logs and metrics labels.
    pub fn as_str(self) -> &'static str {
        match self {
            DbErrorClass::Syntax => "syntax",
            DbErrorClass::UnknownTable => "unknown_table",
            DbErrorClass::UnknownColumn => "unknown_column",
            DbErrorClass::UnknownFunction => "unknown_function",
            DbErrorClass::AmbiguousColumn => "ambiguous_column",
            DbErrorClass::TypeMismatch => "type_mismatch",
            DbErrorClass::Semantic => "semantic",
            DbErrorClass::Data => "data",
            DbErrorClass::ReadOnly => "read_only",
            DbErrorClass::PermissionDenied => "permission_denied",
            DbErrorClass::Resource => "resource",
            DbErrorClass::Transient => "transient",
            DbErrorClass::Constraint => "constraint",
            DbErrorClass::Other => "other",
        }
    }

    /// Where a statement that failed this way goes to be repaired (DESIGN §1.7). Mistakes in
    /// the statement go to the small model; rows that break the target's constraints are a
    /// logic error for the large model; the database's own refusals and failures go to the
    /// user, because no rewrite can fix them.
    pub fn repair_tier(self) -> RepairTier {
        match self {
            DbErrorClass::Constraint => RepairTier::Large,
            DbErrorClass::Syntax
            | DbErrorClass::UnknownTable
            | DbErrorClass::UnknownColumn
            | DbErrorClass::UnknownFunction
            | DbErrorClass::AmbiguousColumn
            | DbErrorClass::TypeMismatch
            | DbErrorClass::Semantic
            | DbErrorClass::Data => RepairTier::Small,
            DbErrorClass::ReadOnly
            | DbErrorClass::PermissionDenied
            | DbErrorClass::Resource
            | DbErrorClass::Transient
            | DbErrorClass::Other => RepairTier::NotRetryable,
        }
    }
}

impl std::fmt::Display for DbErrorClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed execution, introspection or warehouse build.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The database refused or failed the statement.
    #[error("{dialect} error {code} ({class}): {message}")]
    Database {
        dialect: Dialect,
        class: DbErrorClass,
        /// The engine's code: a SQLSTATE, a MySQL error number, a SQLite extended result code.
        code: String,
        /// The engine's own message, which the repair prompt quotes.
        message: String,
        /// The identifier the engine named, for unknown tables, columns and functions.
        name: Option<String>,
        #[source]
        source: BoxError,
    },
    /// The statement ran past its time limit and was stopped.
    #[error("{dialect} statement stopped after its {limit:?} time limit")]
    Timeout { dialect: Dialect, limit: Duration },
    /// The database could not be reached, or the connection broke.
    #[error("cannot reach the {dialect} database at {target}")]
    Connection {
        dialect: Dialect,
        /// Where it was going: a host, port and database, or a file path. Never a password.
        target: String,
        #[source]
        source: BoxError,
    },
    /// The connection settings are unusable (a malformed URL, an empty pool).
    #[error("invalid {dialect} connection settings: {setting}")]
    Config {
        dialect: Dialect,
        setting: &'static str,
        #[source]
        source: Option<BoxError>,
    },
    /// The statement was validated for another engine than this executor's.
    #[error("statement was validated for {sql} but this executor runs {executor}")]
    DialectMismatch { executor: Dialect, sql: Dialect },
    /// The statement text holds a NUL byte, which no engine accepts in SQL text (PostgreSQL's
    /// protocol cannot even carry one). Refused before anything is sent, so the connection
    /// stays healthy; the model can write the value another way.
    #[error("the statement holds a NUL byte at byte {offset}; {dialect} SQL text cannot contain one")]
    NulInStatement { dialect: Dialect, offset: usize },
    /// `grant_sql` refused its options.
    #[error("cannot write the grant: {problem}")]
    Grant { problem: GrantProblem },
    /// The statement has bind parameters (`$1`, `?`), which tandem never supplies.
    #[error("statement expects {n_params} bind parameters; write literal values instead")]
    UnboundParameters { n_params: usize },
    /// The caller went away before the statement finished.
    #[error("{dialect} statement cancelled by the caller")]
    Cancelled { dialect: Dialect },
    /// The SQLite worker threads have stopped, so nothing can run.
    #[error("the SQLite worker threads for {path} have stopped")]
    WorkerStopped { path: PathBuf },
    /// `create_sqlite_from_script` refuses to touch an existing file.
    #[error("{path} already exists; refusing to overwrite it")]
    AlreadyExists { path: PathBuf },
    /// A file operation of `create_sqlite_from_script` failed.
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// One statement of a warehouse build script failed.
    #[error("statement {index} of the build script failed")]
    Script {
        index: usize,
        #[source]
        source: Box<ExecError>,
    },
    /// Quality checks failed on a transform's result, in the sandbox or again at apply: the
    /// SQL produces the wrong rows (a logic error), and nothing was applied.
    #[error("quality checks failed: {}", summary(failed))]
    QualityCheckFailed { failed: Vec<CheckResult> },
    /// The preview no longer describes what apply would do: the catalog or the tables the
    /// transform touches changed since. Run the preview again.
    #[error("the preview is stale: {reason}; run the preview again")]
    StalePreview { reason: StaleReason },
    /// The receipt was made for another transform or another database.
    #[error("the preview receipt is for another {what}; preview this transform here first")]
    ReceiptMismatch { what: &'static str },
    /// A persisted receipt could not be read back.
    #[error("the preview receipt cannot be read")]
    InvalidReceipt {
        #[source]
        source: BoxError,
    },
    /// The transform (this idempotency key) was applied before; it is not applied twice.
    #[error("transform {key} was already applied (audit status {status})")]
    AlreadyApplied { key: String, status: String },
    /// A MySQL table whose storage engine cannot roll back, so no preview can run on it.
    #[error("`{table}` uses the {engine} storage engine, which cannot roll back a preview")]
    NonTransactionalTarget { table: String, engine: String },
    /// MySQL commits DDL implicitly, so a transform with DDL that fails midway at apply has
    /// already changed the target; `compensated` says whether tandem dropped the target it had
    /// created.
    #[error("the transform failed after {n_committed} committed step(s) (compensated: {compensated})")]
    PartiallyApplied {
        n_committed: usize,
        compensated: bool,
        #[source]
        source: Box<ExecError>,
    },
}

/// Why a preview is stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaleReason {
    /// The transform was validated (or previewed) against another catalog version than the
    /// current one (both as hex).
    CatalogVersion { previewed: String, current: String },
    /// The target or a table the transform reads changed in the database since the preview.
    SchemaChanged,
}

impl std::fmt::Display for StaleReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StaleReason::CatalogVersion { previewed, current } => {
                let short = |v: &str| v.chars().take(12).collect::<String>();
                write!(f, "previewed on catalog {}, now {}", short(previewed), short(current))
            }
            StaleReason::SchemaChanged => f.write_str("a table the transform touches changed since the preview"),
        }
    }
}

fn summary(failed: &[CheckResult]) -> String {
    failed.iter().map(|c| c.detail.as_str()).collect::<Vec<_>>().join("; ")
}

impl ExecError {
    /// Where this failure goes to be repaired. Only mistakes in the statement itself reach a
    /// model; timeouts, permissions, read-only refusals and broken connections go to the user.
    pub fn repair_tier(&self) -> RepairTier {
        match self {
            ExecError::Database { class, .. } => class.repair_tier(),
            ExecError::UnboundParameters { .. } | ExecError::NulInStatement { .. } => RepairTier::Small,
            // A failed quality check is a logic error (DESIGN §1.7, tier 2).
            ExecError::QualityCheckFailed { .. } => RepairTier::Large,
            ExecError::StalePreview { .. }
            | ExecError::ReceiptMismatch { .. }
            | ExecError::InvalidReceipt { .. }
            | ExecError::AlreadyApplied { .. }
            | ExecError::NonTransactionalTarget { .. }
            | ExecError::PartiallyApplied { .. } => RepairTier::NotRetryable,
            ExecError::Timeout { .. }
            | ExecError::Connection { .. }
            | ExecError::Config { .. }
            | ExecError::Grant { .. }
            | ExecError::DialectMismatch { .. }
            | ExecError::Cancelled { .. }
            | ExecError::WorkerStopped { .. }
            | ExecError::AlreadyExists { .. }
            | ExecError::Io { .. }
            | ExecError::Script { .. } => RepairTier::NotRetryable,
        }
    }

    /// Whether running the same statement again, unchanged, may succeed: the connection
    /// broke, or a concurrency conflict or a full server got in the way. This is independent
    /// of [`ExecError::repair_tier`], which says whether a rewrite could help.
    pub fn is_retryable(&self) -> bool {
        match self {
            ExecError::Connection { .. } => true,
            ExecError::Database { class, .. } => matches!(class, DbErrorClass::Transient | DbErrorClass::Resource),
            ExecError::Timeout { .. }
            | ExecError::Config { .. }
            | ExecError::Grant { .. }
            | ExecError::DialectMismatch { .. }
            | ExecError::UnboundParameters { .. }
            | ExecError::NulInStatement { .. }
            | ExecError::Cancelled { .. }
            | ExecError::WorkerStopped { .. }
            | ExecError::AlreadyExists { .. }
            | ExecError::Io { .. }
            | ExecError::Script { .. }
            | ExecError::QualityCheckFailed { .. }
            | ExecError::StalePreview { .. }
            | ExecError::ReceiptMismatch { .. }
            | ExecError::InvalidReceipt { .. }
            | ExecError::AlreadyApplied { .. }
            | ExecError::NonTransactionalTarget { .. }
            | ExecError::PartiallyApplied { .. } => false,
        }
    }

    /// A stable snake_case code for logs, metrics labels and the HTTP error table.
    pub fn code(&self) -> &'static str {
        match self {
            ExecError::Database { class, .. } => match class {
                DbErrorClass::Syntax => "db_syntax",
                DbErrorClass::UnknownTable => "db_unknown_table",
                DbErrorClass::UnknownColumn => "db_unknown_column",
                DbErrorClass::UnknownFunction => "db_unknown_function",
                DbErrorClass::AmbiguousColumn => "db_ambiguous_column",
                DbErrorClass::TypeMismatch => "db_type_mismatch",
                DbErrorClass::Semantic => "db_semantic",
                DbErrorClass::Data => "db_data",
                DbErrorClass::ReadOnly => "db_read_only",
                DbErrorClass::PermissionDenied => "db_permission_denied",
                DbErrorClass::Resource => "db_resource",
                DbErrorClass::Transient => "db_transient",
                DbErrorClass::Constraint => "db_constraint",
                DbErrorClass::Other => "db_other",
            },
            ExecError::Timeout { .. } => "exec_timeout",
            ExecError::Connection { .. } => "db_connection",
            ExecError::Config { .. } => "db_config",
            ExecError::Grant { .. } => "db_grant",
            ExecError::DialectMismatch { .. } => "exec_dialect_mismatch",
            ExecError::UnboundParameters { .. } => "exec_unbound_parameters",
            ExecError::NulInStatement { .. } => "exec_nul_in_statement",
            ExecError::Cancelled { .. } => "exec_cancelled",
            ExecError::WorkerStopped { .. } => "exec_worker_stopped",
            ExecError::AlreadyExists { .. } => "exec_already_exists",
            ExecError::Io { .. } => "exec_io",
            ExecError::Script { .. } => "exec_script",
            ExecError::QualityCheckFailed { .. } => "transform_quality_check_failed",
            ExecError::StalePreview { .. } => "transform_stale_preview",
            ExecError::ReceiptMismatch { .. } => "transform_receipt_mismatch",
            ExecError::InvalidReceipt { .. } => "transform_invalid_receipt",
            ExecError::AlreadyApplied { .. } => "transform_already_applied",
            ExecError::NonTransactionalTarget { .. } => "transform_non_transactional_target",
            ExecError::PartiallyApplied { .. } => "transform_partially_applied",
        }
    }

    /// Whether the caller must run a fresh preview before apply can succeed (the receipt is
    /// stale, unreadable, or for something else).
    pub fn needs_preview(&self) -> bool {
        matches!(
            self,
            ExecError::StalePreview { .. } | ExecError::ReceiptMismatch { .. } | ExecError::InvalidReceipt { .. }
        )
    }

    /// The engine's class for database errors; `None` for everything else.
    pub fn db_class(&self) -> Option<DbErrorClass> {
        match self {
            ExecError::Database { class, .. } => Some(*class),
            _ => None,
        }
    }

    /// The identifier an "unknown table/column/function" error names, so tier 0 can look for
    /// a close match in the plan's tables.
    pub fn unknown_name(&self) -> Option<&str> {
        match self {
            ExecError::Database { name, .. } => name.as_deref(),
            _ => None,
        }
    }
}

/// Text between the first pair of `quote` characters in an engine message, where engines put
/// the offending identifier (`column "x" does not exist`, `Unknown column 'x' in ...`).
pub(crate) fn quoted_name(message: &str, quote: char) -> Option<String> {
    let start = message.find(quote)? + quote.len_utf8();
    let len = message[start..].find(quote)?;
    Some(message[start..start + len].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(class: DbErrorClass) -> ExecError {
        ExecError::Database {
            dialect: Dialect::Sqlite,
            class,
            code: "1".into(),
            message: "m".into(),
            name: None,
            source: "m".into(),
        }
    }

    #[test]
    fn statement_mistakes_go_to_the_small_model_and_refusals_to_the_user() {
        for class in [
            DbErrorClass::Syntax,
            DbErrorClass::UnknownTable,
            DbErrorClass::UnknownColumn,
            DbErrorClass::UnknownFunction,
            DbErrorClass::AmbiguousColumn,
            DbErrorClass::TypeMismatch,
            DbErrorClass::Semantic,
            DbErrorClass::Data,
        ] {
            assert_eq!(db(class).repair_tier(), RepairTier::Small, "{class}");
        }
        for class in [
            DbErrorClass::ReadOnly,
            DbErrorClass::PermissionDenied,
            DbErrorClass::Resource,
            DbErrorClass::Transient,
            DbErrorClass::Other,
        ] {
            assert_eq!(db(class).repair_tier(), RepairTier::NotRetryable, "{class}");
        }
        let timeout = ExecError::Timeout { dialect: Dialect::Postgres, limit: Duration::from_secs(1) };
        assert_eq!(timeout.repair_tier(), RepairTier::NotRetryable);
        assert!(!timeout.is_retryable());
        let connection =
            ExecError::Connection { dialect: Dialect::Mysql, target: "h".into(), source: "refused".into() };
        assert_eq!(connection.repair_tier(), RepairTier::NotRetryable);
        assert!(connection.is_retryable());
        assert!(db(DbErrorClass::Transient).is_retryable());
        assert!(!db(DbErrorClass::Syntax).is_retryable());
        assert_eq!(ExecError::UnboundParameters { n_params: 1 }.repair_tier(), RepairTier::Small);
        let nul = ExecError::NulInStatement { dialect: Dialect::Postgres, offset: 9 };
        assert_eq!(nul.repair_tier(), RepairTier::Small, "invalid input is the statement's mistake");
        assert!(!nul.is_retryable(), "the same text fails the same way");
        assert!(!db(DbErrorClass::Data).is_retryable());
        assert_eq!(db(DbErrorClass::Constraint).repair_tier(), RepairTier::Large);
        let failed = ExecError::QualityCheckFailed { failed: Vec::new() };
        assert_eq!(failed.repair_tier(), RepairTier::Large, "a failed quality check is a logic error");
        assert!(!failed.is_retryable() && !failed.needs_preview());
        let stale = ExecError::StalePreview { reason: StaleReason::SchemaChanged };
        assert_eq!(stale.repair_tier(), RepairTier::NotRetryable);
        assert!(stale.needs_preview());
    }

    #[test]
    fn codes_are_distinct_per_class() {
        let mut seen = std::collections::HashSet::new();
        for class in [
            DbErrorClass::Syntax,
            DbErrorClass::UnknownTable,
            DbErrorClass::UnknownColumn,
            DbErrorClass::UnknownFunction,
            DbErrorClass::AmbiguousColumn,
            DbErrorClass::TypeMismatch,
            DbErrorClass::Semantic,
            DbErrorClass::Data,
            DbErrorClass::ReadOnly,
            DbErrorClass::PermissionDenied,
            DbErrorClass::Resource,
            DbErrorClass::Transient,
            DbErrorClass::Constraint,
            DbErrorClass::Other,
        ] {
            assert!(seen.insert(db(class).code()));
        }
    }

    #[test]
    fn quoted_names() {
        assert_eq!(quoted_name(r#"column "foo" does not exist"#, '"').as_deref(), Some("foo"));
        assert_eq!(quoted_name("Unknown column 'a.b' in 'field list'", '\'').as_deref(), Some("a.b"));
        assert_eq!(quoted_name("no quotes", '"'), None);
        assert_eq!(quoted_name("one \" only", '"'), None);
    }
}
