//! `SchemaSlice`: what retrieval hands the planner — the chosen tables in catalog order, the
//! joins between them, the literals matched to columns, and the rendered text with its size.

use serde::Serialize;
use tandem_core::TableName;

use crate::render::quote_ident;

/// The part of a catalog one question needs, within a token budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaSlice {
    /// Chosen tables in catalog order (never score order), bridges included.
    pub tables: Vec<SliceTable>,
    /// Every foreign key between two chosen tables, in catalog order.
    pub joins: Vec<JoinPath>,
    /// Literals of the question found among the chosen tables' column values.
    pub values: Vec<ValueMatch>,
    /// The rendered schema (DDL-like, catalog order) followed by the value matches.
    pub text: String,
    /// Tokens of `text`, by the index's counter.
    pub n_tokens: u32,
    /// Tokens the whole catalog renders to: what a prompt would carry without retrieval.
    pub full_tokens: u32,
    /// The catalog fit the budget and passed whole, without retrieval.
    pub whole: bool,
    /// The dense model took part (false when it is unavailable and retrieval degraded to
    /// BM25, values and keys).
    pub dense: bool,
}

impl SchemaSlice {
    /// Whether the slice holds `name` (case-insensitive, schema-aware).
    pub fn contains(&self, schema: Option<&str>, name: &str) -> bool {
        self.tables.iter().any(|t| t.name.matches(schema, name))
    }

    /// The table names, in catalog order.
    pub fn table_names(&self) -> Vec<&TableName> {
        self.tables.iter().map(|t| &t.name).collect()
    }
}

/// One chosen table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SliceTable {
    pub name: TableName,
    /// Columns shown in `text`, in table order: all of them unless the table is wide.
    pub columns: Vec<String>,
    /// Columns of the table left out of `text` (wide tables keep their keys and the columns
    /// the question points at).
    pub n_hidden_columns: usize,
    /// Columns the question points at: by words of their names or comments, or by a matched
    /// value. A hint for the planner, not a filter.
    pub relevant_columns: Vec<String>,
    /// Added only to connect other chosen tables through foreign keys.
    pub bridge: bool,
    /// Other tables with the same columns whose names differ only by a numeric suffix (date
    /// shards such as `events_20210101`): this table stands for them all, and the text names
    /// their range.
    pub same_columns: Vec<TableName>,
    /// The fused retrieval score (0 for bridges and whole-catalog slices); for diagnostics,
    /// never for ordering.
    pub score: f32,
}

/// A foreign key between two chosen tables: `left.left_columns = right.right_columns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JoinPath {
    pub left: TableName,
    pub left_columns: Vec<String>,
    pub right: TableName,
    pub right_columns: Vec<String>,
}

impl std::fmt::Display for JoinPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let side = |table: &TableName, column: &str| format!("{}.{}", quote_ident(&table.name), quote_ident(column));
        for (i, (l, r)) in self.left_columns.iter().zip(&self.right_columns).enumerate() {
            if i > 0 {
                f.write_str(" AND ")?;
            }
            write!(f, "{} = {}", side(&self.left, l), side(&self.right, r))?;
        }
        Ok(())
    }
}

/// A literal of the question found in a column's sampled values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueMatch {
    /// The question's words that matched, normalised (lowercase, single spaces).
    pub literal: String,
    pub table: TableName,
    pub column: String,
    /// The value as stored in the database, for the filter literal.
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_paths_read_as_sql() {
        let join = JoinPath {
            left: TableName::qualified("s", "order"),
            left_columns: vec!["cust_id".into(), "region".into()],
            right: TableName::qualified("s", "customer"),
            right_columns: vec!["id".into(), "region".into()],
        };
        assert_eq!(join.to_string(), "\"order\".cust_id = customer.id AND \"order\".region = customer.region");
    }
}
