//! `ValidatedSql`: proof that a statement passed validation.

use tandem_core::Dialect;

/// A single read-only statement that passed validation for `dialect`. Its fields are private
/// and it has no public constructor: only this crate's validator makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedSql {
    sql: String,
    dialect: Dialect,
}

impl ValidatedSql {
    #[expect(dead_code, reason = "the validator that calls this lands with its own change")]
    pub(crate) fn new(sql: String, dialect: Dialect) -> Self {
        Self { sql, dialect }
    }

    /// The normalised SQL text to execute.
    pub fn as_str(&self) -> &str {
        &self.sql
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
}
