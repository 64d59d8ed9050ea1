//! Rendering definitions and rows as SQLite statements.
//!
//! Comments ride inside `CREATE TABLE` as `--` comments, which SQLite keeps verbatim in
//! `sqlite_master.sql`; the same text also goes into [`crate::COMMENTS_TABLE`] so introspection
//! can read comments without parsing DDL.

use crate::schema::TableDef;
use crate::value::{TableData, Value};

/// Rows per `INSERT`: small enough for any SQLite build's limits, large enough to load quickly.
const ROWS_PER_INSERT: usize = 100;

/// A comment on one line, so it cannot end the `--` comment early or break the statement.
fn one_line(comment: &str) -> String {
    comment.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn create_table(table: &TableDef) -> String {
    let mut items: Vec<(String, String)> = table
        .columns
        .iter()
        .map(|c| {
            let mut def = format!("{} {}", c.name, c.sql_type);
            if c.not_null {
                def.push_str(" NOT NULL");
            }
            if table.primary_key.len() == 1 && table.primary_key[0] == c.name {
                def.push_str(" PRIMARY KEY");
            }
            if let Some(r) = &c.references {
                def.push_str(&format!(" REFERENCES {}", r.table));
                if !r.column.is_empty() {
                    def.push_str(&format!(" ({})", r.column));
                }
            }
            (def, one_line(&c.comment))
        })
        .collect();
    if table.primary_key.len() > 1 {
        items.push((format!("PRIMARY KEY ({})", table.primary_key.join(", ")), String::new()));
    }
    let mut sql = format!("CREATE TABLE {} ( -- {}\n", table.name, one_line(&table.comment));
    let last = items.len().saturating_sub(1);
    for (i, (def, comment)) in items.iter().enumerate() {
        let comma = if i == last { "" } else { "," };
        if comment.is_empty() {
            sql.push_str(&format!("  {def}{comma}\n"));
        } else {
            sql.push_str(&format!("  {def}{comma} -- {comment}\n"));
        }
    }
    sql.push(')');
    sql
}

/// One index per foreign-key column that is not already the leading primary-key column,
/// as a warehouse's DBA would add for joins.
pub(crate) fn create_indexes(table: &TableDef) -> Vec<String> {
    table
        .columns
        .iter()
        .filter(|c| c.references.is_some() && table.primary_key.first() != Some(&c.name))
        .map(|c| format!("CREATE INDEX ix_{t}_{c} ON {t} ({c})", t = table.name, c = c.name))
        .collect()
}

/// Batched `INSERT` statements for a table's rows.
pub(crate) fn inserts(data: &TableData) -> Vec<String> {
    data.rows
        .chunks(ROWS_PER_INSERT)
        .map(|chunk| {
            let values: Vec<String> = chunk
                .iter()
                .map(|row| format!("({})", row.iter().map(Value::to_sql).collect::<Vec<_>>().join(", ")))
                .collect();
            format!("INSERT INTO {} ({}) VALUES\n{}", data.table, data.columns.join(", "), values.join(",\n"))
        })
        .collect()
}

/// The rows of the comments table: one per table (column NULL) and one per commented column.
pub(crate) fn comment_rows(tables: &[TableDef], comments_table: &str) -> TableData {
    let mut data = TableData::new(comments_table, &["table_name", "column_name", "comment"]);
    for t in tables {
        data.push(vec![Value::from(t.name.as_str()), Value::Null, Value::from(one_line(&t.comment))]);
        for c in t.columns.iter().filter(|c| !c.comment.is_empty()) {
            data.push(vec![
                Value::from(t.name.as_str()),
                Value::from(c.name.as_str()),
                Value::from(one_line(&c.comment)),
            ]);
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{link, ty};

    #[test]
    fn renders_keys_references_and_comments() {
        let mut tables = vec![
            TableDef::new("t", "t_parent", "Parent rows.").id("parent_id", "Key."),
            TableDef::new("t", "t_child", "Child\nrows.")
                .fk("parent_id", "t_parent", "Owning -- parent.")
                .req("seq", ty::INT, "")
                .key(&["parent_id", "seq"]),
        ];
        link(&mut tables);
        assert_eq!(
            create_table(&tables[1]),
            "CREATE TABLE t_child ( -- Child rows.\n  parent_id INTEGER NOT NULL REFERENCES t_parent (parent_id), \
             -- Owning -- parent.\n  seq INTEGER NOT NULL,\n  PRIMARY KEY (parent_id, seq)\n)"
        );
        assert!(create_indexes(&tables[1]).is_empty(), "leading key column is already indexed");
        assert_eq!(
            create_table(&tables[0]),
            "CREATE TABLE t_parent ( -- Parent rows.\n  parent_id INTEGER NOT NULL PRIMARY KEY -- Key.\n)"
        );
    }

    #[test]
    fn batches_inserts() {
        let mut data = TableData::new("t", &["a", "b"]);
        for i in 0..250_i64 {
            data.push(vec![Value::Int(i), Value::from("x'y")]);
        }
        let sql = inserts(&data);
        assert_eq!(sql.len(), 3);
        assert!(sql[0].starts_with("INSERT INTO t (a, b) VALUES\n(0, 'x''y'),\n(1,"));
    }
}
