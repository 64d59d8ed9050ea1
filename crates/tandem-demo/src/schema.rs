//! Table definitions: a small builder the module files use to declare the warehouse.
//!
//! Foreign keys name only the referenced table; [`link`] fills in the referenced primary-key
//! column and copies its type, so a module never restates another module's key.

use crate::value::{TableData, Value};

/// Declared SQL types, spelled as a PostgreSQL or MySQL warehouse would spell them; SQLite
/// maps each to its affinity, and retrieval sees realistic type names.
pub(crate) mod ty {
    pub(crate) const INT: &str = "INTEGER";
    pub(crate) const BIG: &str = "BIGINT";
    pub(crate) const MONEY: &str = "DECIMAL(12,2)";
    pub(crate) const PCT: &str = "DECIMAL(5,2)";
    pub(crate) const RATE: &str = "DECIMAL(12,6)";
    pub(crate) const QTY: &str = "DECIMAL(12,3)";
    pub(crate) const DATE: &str = "DATE";
    pub(crate) const TS: &str = "TIMESTAMP";
    pub(crate) const BOOL: &str = "BOOLEAN";
    pub(crate) const CODE: &str = "VARCHAR(20)";
    pub(crate) const NAME: &str = "VARCHAR(120)";
    pub(crate) const EMAIL: &str = "VARCHAR(255)";
    pub(crate) const TEXT: &str = "TEXT";
    pub(crate) const CHAR2: &str = "CHAR(2)";
    pub(crate) const CHAR3: &str = "CHAR(3)";
}

/// A foreign-key target; `column` is empty until [`link`] resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    pub(crate) table: String,
    pub(crate) column: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnDef {
    pub(crate) name: String,
    pub(crate) sql_type: String,
    pub(crate) not_null: bool,
    pub(crate) comment: String,
    pub(crate) references: Option<Reference>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableDef {
    pub(crate) module: &'static str,
    pub(crate) name: String,
    pub(crate) comment: String,
    pub(crate) columns: Vec<ColumnDef>,
    pub(crate) primary_key: Vec<String>,
    /// Reference rows that belong with the definition (code lists); generated data lives in `seed`.
    pub(crate) fixed: Option<TableData>,
}

impl TableDef {
    pub(crate) fn new(module: &'static str, name: &str, comment: &str) -> Self {
        Self {
            module,
            name: name.to_owned(),
            comment: comment.to_owned(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            fixed: None,
        }
    }

    fn push(mut self, name: &str, sql_type: &str, not_null: bool, comment: &str, target: Option<&str>) -> Self {
        self.columns.push(ColumnDef {
            name: name.to_owned(),
            sql_type: sql_type.to_owned(),
            not_null,
            comment: comment.to_owned(),
            references: target.map(|t| Reference { table: t.to_owned(), column: String::new() }),
        });
        self
    }

    /// An integer surrogate primary key.
    pub(crate) fn id(mut self, name: &str, comment: &str) -> Self {
        self.primary_key = vec![name.to_owned()];
        self.push(name, ty::INT, true, comment, None)
    }

    /// A natural (code) primary key of the given type.
    pub(crate) fn code_key(mut self, name: &str, sql_type: &str, comment: &str) -> Self {
        self.primary_key = vec![name.to_owned()];
        self.push(name, sql_type, true, comment, None)
    }

    /// A required foreign key to `table`'s primary key.
    pub(crate) fn fk(self, name: &str, table: &str, comment: &str) -> Self {
        self.push(name, ty::INT, true, comment, Some(table))
    }

    /// An optional foreign key to `table`'s primary key.
    pub(crate) fn fk_opt(self, name: &str, table: &str, comment: &str) -> Self {
        self.push(name, ty::INT, false, comment, Some(table))
    }

    /// A required column.
    pub(crate) fn req(self, name: &str, sql_type: &str, comment: &str) -> Self {
        self.push(name, sql_type, true, comment, None)
    }

    /// A nullable column.
    pub(crate) fn col(self, name: &str, sql_type: &str, comment: &str) -> Self {
        self.push(name, sql_type, false, comment, None)
    }

    /// Several nullable columns at once, as `(name, type, comment)`.
    pub(crate) fn cols(self, columns: &[(&str, &str, &str)]) -> Self {
        columns.iter().fold(self, |t, (name, sql_type, comment)| t.col(name, sql_type, comment))
    }

    /// A composite primary key over columns already declared (bridge and snapshot tables).
    pub(crate) fn key(mut self, columns: &[&str]) -> Self {
        self.primary_key = columns.iter().map(|c| (*c).to_owned()).collect();
        self
    }

    /// Reference rows stored with the definition.
    pub(crate) fn rows(mut self, columns: &[&str], rows: Vec<Vec<Value>>) -> Self {
        let mut data = TableData::new(&self.name, columns);
        rows.into_iter().for_each(|r| data.push(r));
        self.fixed = Some(data);
        self
    }

    pub(crate) fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The single-column primary key, if the table has one.
    pub(crate) fn single_key(&self) -> Option<&ColumnDef> {
        match self.primary_key.as_slice() {
            [only] => self.column(only),
            _ => None,
        }
    }
}

/// A code-list table (`<stem>_id`, `<stem>_code`, `<stem>_name`, `is_active`) with its rows.
///
/// `name` carries the module prefix (`hr_leave_type`); the stem drops it (`leave_type`).
pub(crate) fn lookup(module: &'static str, name: &str, comment: &str, values: &[&str]) -> TableDef {
    let stem = name.split_once('_').map_or(name, |(_, rest)| rest);
    let id = format!("{stem}_id");
    let code = format!("{stem}_code");
    let label = format!("{stem}_name");
    let rows = values
        .iter()
        .zip(1_i64..)
        .map(|(v, n)| vec![Value::Int(n), Value::from(code_of(v)), Value::from(*v), Value::Int(1)])
        .collect();
    TableDef::new(module, name, comment)
        .id(&id, "Surrogate key.")
        .req(&code, ty::CODE, "Short stable code used by source systems and reports.")
        .req(&label, ty::NAME, "Display name.")
        .req("is_active", ty::BOOL, "1 while the value may be used on new records.")
        .rows(&[&id, &code, &label, "is_active"], rows)
}

/// An upper-case code for a label: `"Wire Transfer"` becomes `"WIRE_TRANSFER"`.
pub(crate) fn code_of(label: &str) -> String {
    let mut code = String::new();
    for ch in label.chars() {
        if ch.is_ascii_alphanumeric() {
            code.push(ch.to_ascii_uppercase());
        } else if !code.ends_with('_') && !code.is_empty() {
            code.push('_');
        }
    }
    code.trim_end_matches('_').chars().take(20).collect()
}

/// Resolves every foreign key's referenced column and type from the referenced table.
pub(crate) fn link(tables: &mut [TableDef]) {
    let keys: Vec<(String, String, String)> = tables
        .iter()
        .filter_map(|t| t.single_key().map(|k| (t.name.clone(), k.name.clone(), k.sql_type.clone())))
        .collect();
    for table in tables.iter_mut() {
        for column in &mut table.columns {
            if let Some(reference) = &mut column.references
                && let Some((_, key, key_type)) = keys.iter().find(|(t, _, _)| *t == reference.table)
            {
                reference.column.clone_from(key);
                column.sql_type.clone_from(key_type);
            }
        }
    }
}

/// Foreign keys [`link`] could not resolve, as `table.column -> target`; empty when sound.
#[cfg(test)]
pub(crate) fn unresolved(tables: &[TableDef]) -> Vec<String> {
    tables
        .iter()
        .flat_map(|t| {
            t.columns.iter().filter_map(move |c| match &c.references {
                Some(r) if r.column.is_empty() => Some(format!("{}.{} -> {}", t.name, c.name, r.table)),
                _ => None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_resolves_key_and_type() {
        let mut tables = vec![
            TableDef::new("ref", "ref_currency", "c").code_key("currency_code", ty::CHAR3, "k"),
            TableDef::new("geo", "geo_country", "c").id("country_id", "k").fk("currency_code", "ref_currency", "f"),
            TableDef::new("x", "x_bad", "c").id("bad_id", "k").fk("nothing_id", "x_missing", "f"),
        ];
        link(&mut tables);
        let fk = tables[1].column("currency_code").unwrap();
        assert_eq!(fk.sql_type, ty::CHAR3);
        assert_eq!(fk.references.as_ref().unwrap().column, "currency_code");
        assert_eq!(unresolved(&tables), vec!["x_bad.nothing_id -> x_missing".to_owned()]);
    }

    #[test]
    fn lookup_names_and_codes() {
        let t = lookup("hr", "hr_leave_type", "Kinds of leave.", &["Annual Leave", "Sick"]);
        let names: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["leave_type_id", "leave_type_code", "leave_type_name", "is_active"]);
        assert_eq!(t.fixed.unwrap().rows[0][1], Value::from("ANNUAL_LEAVE"));
        assert_eq!(code_of("Mid-Market (US)"), "MID_MARKET_US");
    }
}
