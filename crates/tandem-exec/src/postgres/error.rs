//! Maps PostgreSQL failures to [`ExecError`] by SQLSTATE.

use std::time::Duration;

use tandem_core::Dialect;

use crate::error::quoted_name;
use crate::{DbErrorClass, ExecError};

/// What a SQLSTATE means for tandem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Timeout,
    Connection,
    Class(DbErrorClass),
}

fn classify(sqlstate: &str, message: &str) -> Outcome {
    use DbErrorClass as C;
    let class = match sqlstate {
        // query_canceled: only the statement_timeout set per transaction (or the client's own
        // cancel after its deadline) cancels statements here.
        "57014" => return Outcome::Timeout,
        "57P01" | "57P02" | "57P03" | "3D000" => return Outcome::Connection,
        "42601" => C::Syntax,
        "42P01" | "3F000" => C::UnknownTable,
        "42703" => C::UnknownColumn,
        "42883" if message.starts_with("operator does not exist") => C::TypeMismatch,
        "42883" => C::UnknownFunction,
        "42702" | "42725" | "42P09" => C::AmbiguousColumn,
        "42804" | "42846" | "42P18" | "22P02" => C::TypeMismatch,
        "42501" => C::PermissionDenied,
        // read_only_sql_transaction, and active_sql_transaction: the refusal to switch a
        // transaction to read-write after its first query.
        "25006" | "25001" => C::ReadOnly,
        "40001" | "40P01" | "55P03" => C::Transient,
        // integrity_constraint_violation: unique, not-null, foreign-key, check, exclusion.
        _ if sqlstate.starts_with("23") => C::Constraint,
        _ if sqlstate.starts_with("08") || sqlstate.starts_with("28") => return Outcome::Connection,
        _ if sqlstate.starts_with("53") || sqlstate.starts_with("54") => C::Resource,
        // data_exception, including invalid input such as a NUL byte in a literal or an invalid
        // byte sequence for the encoding (22021): the statement's mistake, never the
        // connection's, so the connection goes back to the pool.
        _ if sqlstate.starts_with("22") || sqlstate.starts_with("21") => C::Data,
        _ if sqlstate.starts_with("42") || sqlstate == "0A000" => C::Semantic,
        _ => C::Other,
    };
    Outcome::Class(class)
}

/// The identifier an "unknown …" message names: `relation "x" does not exist`,
/// `column t.x does not exist`, `function f(integer) does not exist`.
fn named(class: DbErrorClass, message: &str) -> Option<String> {
    match class {
        DbErrorClass::UnknownFunction => {
            let rest = message.strip_prefix("function ")?;
            Some(rest.split('(').next()?.trim().to_owned())
        }
        DbErrorClass::UnknownTable | DbErrorClass::UnknownColumn | DbErrorClass::AmbiguousColumn => {
            quoted_name(message, '"').or_else(|| {
                let rest = message.strip_prefix("column ")?;
                Some(rest.strip_suffix(" does not exist")?.to_owned())
            })
        }
        _ => None,
    }
}

/// Maps an error from a statement whose time limit was `limit`; `target` names the server.
pub(crate) fn map_pg(error: tokio_postgres::Error, limit: Duration, target: &str) -> ExecError {
    let Some(db) = error.as_db_error() else {
        return ExecError::Connection {
            dialect: Dialect::Postgres,
            target: target.to_owned(),
            source: Box::new(error),
        };
    };
    let code = db.code().code().to_owned();
    let message = db.message().to_owned();
    match classify(&code, &message) {
        Outcome::Timeout => ExecError::Timeout { dialect: Dialect::Postgres, limit },
        Outcome::Connection => {
            ExecError::Connection { dialect: Dialect::Postgres, target: target.to_owned(), source: Box::new(error) }
        }
        Outcome::Class(class) => {
            let name = named(class, &message);
            ExecError::Database { dialect: Dialect::Postgres, class, code, message, name, source: Box::new(error) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_map_to_classes() {
        let class = |code: &str, message: &str| classify(code, message);
        assert_eq!(class("42601", ""), Outcome::Class(DbErrorClass::Syntax));
        assert_eq!(class("42P01", ""), Outcome::Class(DbErrorClass::UnknownTable));
        assert_eq!(class("42703", ""), Outcome::Class(DbErrorClass::UnknownColumn));
        assert_eq!(
            class("42883", "function nope(integer) does not exist"),
            Outcome::Class(DbErrorClass::UnknownFunction)
        );
        assert_eq!(
            class("42883", "operator does not exist: integer = text"),
            Outcome::Class(DbErrorClass::TypeMismatch)
        );
        assert_eq!(class("42804", ""), Outcome::Class(DbErrorClass::TypeMismatch));
        assert_eq!(class("42803", ""), Outcome::Class(DbErrorClass::Semantic));
        assert_eq!(class("22012", ""), Outcome::Class(DbErrorClass::Data));
        assert_eq!(class("21000", ""), Outcome::Class(DbErrorClass::Data));
        assert_eq!(class("22021", ""), Outcome::Class(DbErrorClass::Data), "invalid byte sequence");
        assert_eq!(class("22P05", ""), Outcome::Class(DbErrorClass::Data), "untranslatable character");
        assert_eq!(class("25006", ""), Outcome::Class(DbErrorClass::ReadOnly));
        assert_eq!(class("42501", ""), Outcome::Class(DbErrorClass::PermissionDenied));
        assert_eq!(class("40P01", ""), Outcome::Class(DbErrorClass::Transient));
        assert_eq!(class("23505", ""), Outcome::Class(DbErrorClass::Constraint));
        assert_eq!(class("53200", ""), Outcome::Class(DbErrorClass::Resource));
        assert_eq!(class("XX000", ""), Outcome::Class(DbErrorClass::Other));
        assert_eq!(class("57014", ""), Outcome::Timeout);
        assert_eq!(class("08006", ""), Outcome::Connection);
        assert_eq!(class("28P01", ""), Outcome::Connection);
    }

    #[test]
    fn names_are_extracted() {
        let name = |class, message| named(class, message);
        assert_eq!(name(DbErrorClass::UnknownColumn, r#"column "nmae" does not exist"#).as_deref(), Some("nmae"));
        assert_eq!(name(DbErrorClass::UnknownColumn, "column t.nmae does not exist").as_deref(), Some("t.nmae"));
        assert_eq!(name(DbErrorClass::UnknownTable, r#"relation "ordr" does not exist"#).as_deref(), Some("ordr"));
        assert_eq!(
            name(DbErrorClass::UnknownFunction, "function nope(integer) does not exist").as_deref(),
            Some("nope")
        );
        assert_eq!(name(DbErrorClass::Syntax, r#"syntax error at or near "x""#), None);
    }
}
