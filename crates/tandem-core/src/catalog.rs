//! The catalog: what tables and columns a database holds, in catalog order.
//!
//! Catalog order (the order introspection or a loader produced) is kept everywhere so that
//! rendered schemas, and therefore prompts, are deterministic and prefix-cache friendly.

use serde::{Deserialize, Serialize};

/// A possibly schema-qualified table name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TableName {
    /// The schema (PostgreSQL schema, MySQL database, Spider database id in a merged catalog).
    pub schema: Option<String>,
    pub name: String,
}

impl TableName {
    pub fn new(name: impl Into<String>) -> Self {
        Self { schema: None, name: name.into() }
    }

    pub fn qualified(schema: impl Into<String>, name: impl Into<String>) -> Self {
        Self { schema: Some(schema.into()), name: name.into() }
    }

    /// Case-insensitive match of a possibly unqualified reference against this name.
    pub fn matches(&self, schema: Option<&str>, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
            && match (schema, &self.schema) {
                (None, _) => true,
                (Some(wanted), Some(have)) => wanted.eq_ignore_ascii_case(have),
                (Some(_), None) => false,
            }
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// Whether a relation stores rows or is defined by a query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TableKind {
    #[default]
    Table,
    View,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// The engine's type name as declared (e.g. `varchar(40)`, `INTEGER`, `numeric`).
    pub data_type: String,
    pub nullable: bool,
    pub comment: Option<String>,
    /// A few sample values, rendered as text, from bounded read-only sampling.
    pub samples: Vec<String>,
}

impl Column {
    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Self {
        Self { name: name.into(), data_type: data_type.into(), nullable: true, comment: None, samples: Vec::new() }
    }
}

/// A foreign key from `columns` of the owning table to `referenced_columns` of another.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub referenced_table: TableName,
    pub referenced_columns: Vec<String>,
}

/// One table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: TableName,
    pub kind: TableKind,
    pub columns: Vec<Column>,
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
    pub comment: Option<String>,
    /// The engine's row estimate, where it keeps one.
    pub row_estimate: Option<u64>,
}

impl Table {
    pub fn new(name: TableName, columns: Vec<Column>) -> Self {
        Self {
            name,
            kind: TableKind::Table,
            columns,
            primary_key: Vec::new(),
            foreign_keys: Vec::new(),
            comment: None,
            row_estimate: None,
        }
    }

    /// Case-insensitive column lookup.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// All relations of one database (or of several, namespaced by schema), in catalog order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub tables: Vec<Table>,
}

impl Catalog {
    pub fn new(tables: Vec<Table>) -> Self {
        Self { tables }
    }

    /// Finds a table by a possibly qualified, case-insensitive reference. An unqualified name
    /// that exists in several schemas is ambiguous and yields `None`.
    pub fn table(&self, schema: Option<&str>, name: &str) -> Option<&Table> {
        let mut found = self.tables.iter().filter(|t| t.name.matches(schema, name));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Number of columns over all tables.
    pub fn n_columns(&self) -> usize {
        self.tables.iter().map(|t| t.columns.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_refuses_ambiguity() {
        let catalog = Catalog::new(vec![
            Table::new(TableName::qualified("a", "users"), vec![Column::new("Id", "int")]),
            Table::new(TableName::qualified("b", "users"), vec![]),
            Table::new(TableName::new("Orders"), vec![]),
        ]);
        assert!(catalog.table(None, "orders").is_some());
        assert!(catalog.table(None, "users").is_none(), "ambiguous across schemas");
        let users = catalog.table(Some("A"), "USERS").unwrap();
        assert_eq!(users.column("id").map(|c| c.name.as_str()), Some("Id"));
        assert_eq!(catalog.n_columns(), 1);
    }
}
