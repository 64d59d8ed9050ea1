//! Maps SQLite failures to [`ExecError`].
//!
//! SQLite reports most statement mistakes with the generic `SQLITE_ERROR` code and a stable
//! message prefix (`no such column: x`), so the prefix is the engine's code here.

use std::time::Duration;

use rusqlite::ErrorCode;
use tandem_core::Dialect;

use crate::error::BoxError;
use crate::{DbErrorClass, ExecError};

/// Why SQLite's progress handler stopped a statement, decided by the caller that set it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Interruption {
    Timeout(Duration),
    Cancelled,
}

/// Message prefixes of `SQLITE_ERROR` that name an identifier.
const NAMED: &[(&str, DbErrorClass)] = &[
    ("no such table: ", DbErrorClass::UnknownTable),
    ("no such column: ", DbErrorClass::UnknownColumn),
    ("no such function: ", DbErrorClass::UnknownFunction),
    ("ambiguous column name: ", DbErrorClass::AmbiguousColumn),
];

pub(crate) fn map_sqlite(error: rusqlite::Error, interruption: Interruption) -> ExecError {
    let (code, message) = match &error {
        rusqlite::Error::SqliteFailure(failure, message) => {
            (Some(*failure), message.clone().unwrap_or_else(|| failure.to_string()))
        }
        rusqlite::Error::SqlInputError { error: failure, msg, .. } => (Some(*failure), msg.clone()),
        other => (None, other.to_string()),
    };
    let Some(failure) = code else {
        let class = if matches!(error, rusqlite::Error::MultipleStatement) {
            DbErrorClass::Syntax
        } else {
            DbErrorClass::Other
        };
        return database(class, "rusqlite".to_owned(), message, None, Box::new(error));
    };
    let class = match failure.code {
        ErrorCode::OperationInterrupted => {
            return match interruption {
                Interruption::Timeout(limit) => ExecError::Timeout { dialect: Dialect::Sqlite, limit },
                Interruption::Cancelled => ExecError::Cancelled { dialect: Dialect::Sqlite },
            };
        }
        ErrorCode::Unknown => {
            if let Some((class, name)) = classify_message(&message) {
                return database(class, failure.extended_code.to_string(), message, name, Box::new(error));
            }
            DbErrorClass::Semantic
        }
        ErrorCode::AuthorizationForStatementDenied | ErrorCode::PermissionDenied => DbErrorClass::PermissionDenied,
        ErrorCode::ReadOnly => DbErrorClass::ReadOnly,
        ErrorCode::TypeMismatch => DbErrorClass::TypeMismatch,
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked | ErrorCode::SchemaChanged => DbErrorClass::Transient,
        ErrorCode::ConstraintViolation => DbErrorClass::Constraint,
        ErrorCode::OutOfMemory | ErrorCode::DiskFull | ErrorCode::TooBig => DbErrorClass::Resource,
        _ => DbErrorClass::Other,
    };
    database(class, failure.extended_code.to_string(), message, None, Box::new(error))
}

/// Classifies the message of a generic `SQLITE_ERROR`; `None` leaves it as a semantic error.
fn classify_message(message: &str) -> Option<(DbErrorClass, Option<String>)> {
    for (prefix, class) in NAMED {
        if let Some(name) = message.strip_prefix(prefix) {
            return Some((*class, Some(name.trim().to_owned())));
        }
    }
    if message.starts_with("not authorized") {
        return Some((DbErrorClass::PermissionDenied, None));
    }
    let syntax = ["syntax error", "incomplete input", "unrecognized token", "unterminated"];
    syntax.iter().any(|marker| message.contains(marker)).then_some((DbErrorClass::Syntax, None))
}

/// The error for a statement SQLite would not call read-only although it got past the
/// authorizer (a defence that should never fire).
pub(crate) fn not_read_only(sql: &str) -> ExecError {
    let message = "statement is not read-only".to_owned();
    let excerpt: String = sql.chars().take(80).collect();
    database(DbErrorClass::ReadOnly, "not_read_only".to_owned(), message, None, format!("refused: {excerpt}").into())
}

fn database(class: DbErrorClass, code: String, message: String, name: Option<String>, source: BoxError) -> ExecError {
    ExecError::Database { dialect: Dialect::Sqlite, class, code, message, name, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_map_to_classes_with_names() {
        assert_eq!(
            classify_message("no such column: t.nmae"),
            Some((DbErrorClass::UnknownColumn, Some("t.nmae".to_owned())))
        );
        assert_eq!(classify_message("near \"SELEC\": syntax error"), Some((DbErrorClass::Syntax, None)));
        assert_eq!(classify_message("incomplete input"), Some((DbErrorClass::Syntax, None)));
        assert_eq!(classify_message("misuse of aggregate: count()"), None);
    }

    #[test]
    fn codes_map_to_classes() {
        let failure = |code: i32| rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        let timeout = Interruption::Timeout(Duration::from_secs(1));
        let class = |code| map_sqlite(failure(code), timeout).db_class();
        assert_eq!(class(rusqlite::ffi::SQLITE_READONLY), Some(DbErrorClass::ReadOnly));
        assert_eq!(class(rusqlite::ffi::SQLITE_AUTH), Some(DbErrorClass::PermissionDenied));
        assert_eq!(class(rusqlite::ffi::SQLITE_BUSY), Some(DbErrorClass::Transient));
        assert_eq!(class(rusqlite::ffi::SQLITE_CONSTRAINT), Some(DbErrorClass::Constraint));
        assert_eq!(class(rusqlite::ffi::SQLITE_NOMEM), Some(DbErrorClass::Resource));
        assert_eq!(class(rusqlite::ffi::SQLITE_MISMATCH), Some(DbErrorClass::TypeMismatch));
        assert_eq!(class(rusqlite::ffi::SQLITE_ERROR), Some(DbErrorClass::Semantic));
        assert!(matches!(map_sqlite(failure(rusqlite::ffi::SQLITE_INTERRUPT), timeout), ExecError::Timeout { .. }));
        assert!(matches!(
            map_sqlite(failure(rusqlite::ffi::SQLITE_INTERRUPT), Interruption::Cancelled),
            ExecError::Cancelled { .. }
        ));
        assert_eq!(class(rusqlite::ffi::SQLITE_NOTADB), Some(DbErrorClass::Other));
    }
}
