//! The catalog: what tables and columns a database holds, in catalog order.
//!
//! Catalog order (the order introspection or a loader produced) is kept everywhere so that
//! rendered schemas, and therefore prompts, are deterministic and prefix-cache friendly.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

    /// The distinct schemas of the catalog in catalog order (first appearance); `None` stands
    /// for unqualified tables.
    pub fn schemas(&self) -> Vec<Option<&str>> {
        let mut seen: Vec<Option<&str>> = Vec::new();
        for table in &self.tables {
            let schema = table.name.schema.as_deref();
            if !seen.contains(&schema) {
                seen.push(schema);
            }
        }
        seen
    }

    /// The snapshot's version: SHA-256 over a canonical, length-prefixed encoding of every
    /// table in catalog order, so it is the same on every run and platform and changes with
    /// any name, type, key, comment or sample. Row estimates are left out on purpose: they
    /// drift with every insert without changing what the schema means, and indexes keyed by
    /// this version should not rebuild for them.
    pub fn version(&self) -> CatalogVersion {
        let mut hasher = Sha256::new();
        hasher.update(b"tandem-catalog-v1");
        put_len(&mut hasher, self.tables.len());
        for table in &self.tables {
            put_opt_str(&mut hasher, table.name.schema.as_deref());
            put_str(&mut hasher, &table.name.name);
            hasher.update([match table.kind {
                TableKind::Table => 0u8,
                TableKind::View => 1u8,
            }]);
            put_opt_str(&mut hasher, table.comment.as_deref());
            put_len(&mut hasher, table.columns.len());
            for column in &table.columns {
                put_str(&mut hasher, &column.name);
                put_str(&mut hasher, &column.data_type);
                hasher.update([u8::from(column.nullable)]);
                put_opt_str(&mut hasher, column.comment.as_deref());
                put_strs(&mut hasher, &column.samples);
            }
            put_strs(&mut hasher, &table.primary_key);
            put_len(&mut hasher, table.foreign_keys.len());
            for fk in &table.foreign_keys {
                put_strs(&mut hasher, &fk.columns);
                put_opt_str(&mut hasher, fk.referenced_table.schema.as_deref());
                put_str(&mut hasher, &fk.referenced_table.name);
                put_strs(&mut hasher, &fk.referenced_columns);
            }
        }
        CatalogVersion(hasher.finalize().into())
    }
}

/// Lengths are fixed-width little-endian so the encoding does not depend on the platform.
fn put_len(hasher: &mut Sha256, len: usize) {
    hasher.update(u64::try_from(len).unwrap_or(u64::MAX).to_le_bytes());
}

fn put_str(hasher: &mut Sha256, text: &str) {
    put_len(hasher, text.len());
    hasher.update(text.as_bytes());
}

fn put_opt_str(hasher: &mut Sha256, text: Option<&str>) {
    match text {
        None => hasher.update([0u8]),
        Some(text) => {
            hasher.update([1u8]);
            put_str(hasher, text);
        }
    }
}

fn put_strs(hasher: &mut Sha256, texts: &[String]) {
    put_len(hasher, texts.len());
    for text in texts {
        put_str(hasher, text);
    }
}

/// The version of a catalog snapshot (see [`Catalog::version`]); shown as 64 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CatalogVersion([u8; 32]);

impl CatalogVersion {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Display for CatalogVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
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

    #[test]
    fn version_is_stable_and_sensitive() {
        let base = || {
            let mut orders = Table::new(TableName::qualified("shop", "orders"), vec![Column::new("id", "int")]);
            orders.primary_key = vec!["id".into()];
            Catalog::new(vec![orders])
        };
        // Pinned (computed independently from the documented encoding) so that a change of
        // encoding or a platform difference is caught.
        assert_eq!(base().version().to_string(), "4d940d097146cd1307eb204eca2dc88d5c31127c909c003621986e1c06c4a951");
        let mut renamed = base();
        renamed.tables[0].columns[0].name = "ident".into();
        assert_ne!(renamed.version(), base().version());
        let mut sampled = base();
        sampled.tables[0].columns[0].samples = vec!["1".into()];
        assert_ne!(sampled.version(), base().version());
        let mut grown = base();
        grown.tables[0].row_estimate = Some(10);
        assert_eq!(grown.version(), base().version(), "row estimates do not change the version");
        // Length prefixes keep ("ab", "c") apart from ("a", "bc").
        let split = |a: &str, b: &str| Catalog::new(vec![Table::new(TableName::qualified(a, b), vec![])]).version();
        assert_ne!(split("ab", "c"), split("a", "bc"));
    }

    #[test]
    fn schemas_in_catalog_order() {
        let catalog = Catalog::new(vec![
            Table::new(TableName::qualified("b", "x"), vec![]),
            Table::new(TableName::qualified("a", "y"), vec![]),
            Table::new(TableName::qualified("b", "z"), vec![]),
            Table::new(TableName::new("w"), vec![]),
        ]);
        assert_eq!(catalog.schemas(), vec![Some("b"), Some("a"), None]);
    }
}
