//! Maps MySQL and MariaDB failures to [`ExecError`] by server error number.

use std::time::Duration;

use mysql_async::DriverError;
use tandem_core::Dialect;

use crate::error::quoted_name;
use crate::{DbErrorClass, ExecError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Timeout,
    Connection,
    Class(DbErrorClass),
}

fn classify(code: u16) -> Outcome {
    use DbErrorClass as C;
    let class = match code {
        // ER_QUERY_TIMEOUT (MySQL max_execution_time), ER_STATEMENT_TIMEOUT (MariaDB
        // max_statement_time), ER_QUERY_INTERRUPTED (the client's KILL QUERY after its own
        // deadline).
        3024 | 1969 | 1317 => return Outcome::Timeout,
        // Access denied at login, unknown database at connect, server shutdown, too many
        // connections for this user.
        1045 | 1049 | 1053 | 1203 => return Outcome::Connection,
        1064 | 1149 => C::Syntax,
        1146 | 1051 | 1109 => C::UnknownTable,
        1054 => C::UnknownColumn,
        1305 | 1630 => C::UnknownFunction,
        1052 => C::AmbiguousColumn,
        1292 | 1366 | 1267 | 1271 | 1270 | 3140 => C::TypeMismatch,
        // ER_INVALID_CHARACTER_STRING (1300) and ER_CANNOT_CONVERT_STRING (3854): bytes that
        // are not valid in the character set, invalid input like any other data error.
        1242 | 1365 | 1690 | 1367 | 1406 | 1300 | 3854 => C::Data,
        1055 | 1056 | 1111 | 1140 | 1222 | 1241 | 1248 | 1235 | 1060 | 1066 | 1582 | 1583 | 1584 | 1247 | 1463
        | 3065 | 3593 | 4078 => C::Semantic,
        1792 | 1290 | 1036 => C::ReadOnly,
        1142 | 1143 | 1044 | 1227 | 1370 | 1449 => C::PermissionDenied,
        1205 | 1213 | 1412 => C::Transient,
        // Duplicate key, NULL into NOT NULL, foreign keys, check constraints.
        1062 | 1048 | 1451 | 1452 | 1216 | 1217 | 1557 | 1586 | 3819 | 4025 => C::Constraint,
        1040 | 1041 | 1037 | 1038 | 1114 | 1206 | 1135 | 1436 | 1104 => C::Resource,
        _ => C::Other,
    };
    Outcome::Class(class)
}

/// The identifier an "unknown …" message names: `Unknown column 'x' in 'field list'`,
/// `Table 'db.t' doesn't exist`, `FUNCTION db.f does not exist`.
fn named(class: DbErrorClass, message: &str) -> Option<String> {
    match class {
        DbErrorClass::UnknownTable | DbErrorClass::UnknownColumn | DbErrorClass::AmbiguousColumn => {
            quoted_name(message, '\'')
        }
        DbErrorClass::UnknownFunction => {
            let rest = message.strip_prefix("FUNCTION ")?;
            Some(rest.split(' ').next()?.to_owned())
        }
        _ => None,
    }
}

/// Maps an error from a statement whose time limit was `limit`; `target` names the server.
pub(crate) fn map_mysql(error: mysql_async::Error, limit: Duration, target: &str) -> ExecError {
    let connection =
        |error| ExecError::Connection { dialect: Dialect::Mysql, target: target.to_owned(), source: Box::new(error) };
    match &error {
        mysql_async::Error::Server(server) => {
            let (code, message) = (server.code, server.message.clone());
            match classify(code) {
                Outcome::Timeout => ExecError::Timeout { dialect: Dialect::Mysql, limit },
                Outcome::Connection => connection(error),
                Outcome::Class(class) => ExecError::Database {
                    dialect: Dialect::Mysql,
                    class,
                    code: code.to_string(),
                    name: named(class, &message),
                    message,
                    source: Box::new(error),
                },
            }
        }
        mysql_async::Error::Driver(DriverError::StmtParamsMismatch { required, .. }) => {
            ExecError::UnboundParameters { n_params: usize::from(*required) }
        }
        mysql_async::Error::Driver(DriverError::Params(_) | DriverError::MixedParams) => {
            ExecError::UnboundParameters { n_params: 1 }
        }
        mysql_async::Error::Url(_) => {
            ExecError::Config { dialect: Dialect::Mysql, setting: "url", source: Some(Box::new(error)) }
        }
        mysql_async::Error::Driver(_) | mysql_async::Error::Io(_) | mysql_async::Error::Other(_) => connection(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_numbers_map_to_classes() {
        assert_eq!(classify(1064), Outcome::Class(DbErrorClass::Syntax));
        assert_eq!(classify(1146), Outcome::Class(DbErrorClass::UnknownTable));
        assert_eq!(classify(1054), Outcome::Class(DbErrorClass::UnknownColumn));
        assert_eq!(classify(1305), Outcome::Class(DbErrorClass::UnknownFunction));
        assert_eq!(classify(1052), Outcome::Class(DbErrorClass::AmbiguousColumn));
        assert_eq!(classify(1292), Outcome::Class(DbErrorClass::TypeMismatch));
        assert_eq!(classify(1242), Outcome::Class(DbErrorClass::Data));
        assert_eq!(classify(1300), Outcome::Class(DbErrorClass::Data));
        assert_eq!(classify(1222), Outcome::Class(DbErrorClass::Semantic));
        assert_eq!(classify(1792), Outcome::Class(DbErrorClass::ReadOnly));
        assert_eq!(classify(1142), Outcome::Class(DbErrorClass::PermissionDenied));
        assert_eq!(classify(1213), Outcome::Class(DbErrorClass::Transient));
        assert_eq!(classify(1062), Outcome::Class(DbErrorClass::Constraint));
        assert_eq!(classify(1041), Outcome::Class(DbErrorClass::Resource));
        assert_eq!(classify(9999), Outcome::Class(DbErrorClass::Other));
        assert_eq!(classify(3024), Outcome::Timeout);
        assert_eq!(classify(1969), Outcome::Timeout);
        assert_eq!(classify(1045), Outcome::Connection);
    }

    #[test]
    fn names_are_extracted() {
        assert_eq!(
            named(DbErrorClass::UnknownColumn, "Unknown column 'nmae' in 'field list'").as_deref(),
            Some("nmae")
        );
        assert_eq!(named(DbErrorClass::UnknownTable, "Table 'db.ordr' doesn't exist").as_deref(), Some("db.ordr"));
        assert_eq!(
            named(DbErrorClass::UnknownFunction, "FUNCTION test.nope does not exist").as_deref(),
            Some("test.nope")
        );
    }

    #[test]
    fn parameter_mismatch_is_its_own_error() {
        let error = mysql_async::Error::Driver(DriverError::StmtParamsMismatch { required: 2, supplied: 0 });
        assert!(matches!(map_mysql(error, Duration::from_secs(1), "h"), ExecError::UnboundParameters { n_params: 2 }));
    }
}
