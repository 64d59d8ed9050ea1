//! `ValidatedSql`: proof that a statement passed validation.

use tandem_core::{Dialect, TableName};

use crate::violation::Violation;

/// A single read-only statement that passed validation for `dialect`. Its fields are private
/// and it has no public constructor: only this crate's validator makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedSql {
    sql: String,
    dialect: Dialect,
    tables: Vec<TableName>,
    warnings: Vec<Violation>,
}

impl ValidatedSql {
    pub(crate) fn new(sql: String, dialect: Dialect, tables: Vec<TableName>, warnings: Vec<Violation>) -> Self {
        Self { sql, dialect, tables, warnings }
    }

    /// The normalised SQL text to execute: printed from the checked syntax tree, so comments
    /// and anything the parser skipped never reach the database, with the row cap applied.
    pub fn as_str(&self) -> &str {
        &self.sql
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The catalog tables the statement reads, in catalog spelling and first-use order.
    pub fn tables(&self) -> &[TableName] {
        &self.tables
    }

    /// Non-fatal findings (plan conformance) that the agent may escalate to the large model.
    pub fn warnings(&self) -> &[Violation] {
        &self.warnings
    }
}

impl std::fmt::Display for ValidatedSql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sql)
    }
}
