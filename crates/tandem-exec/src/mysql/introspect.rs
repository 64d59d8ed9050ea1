//! Reads a MySQL/MariaDB catalog from `information_schema`: tables and views of the chosen
//! databases ordered by database and name, columns in ordinal order, keys in key order,
//! `COMMENT` text and `TABLE_ROWS` estimates. Every query goes through the guarded path.

use std::collections::HashMap;

use tandem_core::{Catalog, Column, ForeignKey, Table, TableKind, TableName};

use super::MysqlExecutor;
use crate::rows::{cell_int, cell_text};
use crate::{ExecError, IntrospectOptions, Limits, Rows};

/// Catalog queries return one row per table or column; the caps only stop a pathological
/// server from exhausting memory.
fn catalog_limits(options: &IntrospectOptions) -> Limits {
    Limits { max_rows: 1_000_000, max_bytes: 256 << 20, timeout: options.timeout }
}

/// `TABLE_SCHEMA = DATABASE()` or `TABLE_SCHEMA IN (?, …)` with the names to bind.
fn schema_filter(options: &IntrospectOptions) -> (String, Vec<mysql_async::Value>) {
    if options.schemas.is_empty() {
        ("TABLE_SCHEMA = DATABASE()".to_owned(), Vec::new())
    } else {
        let marks = vec!["?"; options.schemas.len()].join(", ");
        let params = options.schemas.iter().map(|s| mysql_async::Value::from(s.as_str())).collect();
        (format!("TABLE_SCHEMA IN ({marks})"), params)
    }
}

pub(crate) async fn read_catalog(executor: &MysqlExecutor, options: &IntrospectOptions) -> Result<Catalog, ExecError> {
    let (filter, params) = schema_filter(options);
    let limits = catalog_limits(options);
    let query = |sql: String| {
        let params = params.clone();
        async move { executor.run_sql(&sql, params, &limits).await }
    };
    let relations: Rows = query(format!(
        "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_COMMENT, TABLE_ROWS FROM information_schema.TABLES \
         WHERE {filter} ORDER BY TABLE_SCHEMA, TABLE_NAME"
    ))
    .await?;
    let mut tables = Vec::with_capacity(relations.rows.len());
    let mut index_of: HashMap<(String, String), usize> = HashMap::new();
    for row in &relations.rows {
        let name = TableName::qualified(cell_text(row, 0), cell_text(row, 1));
        let mut table = Table::new(name.clone(), Vec::new());
        table.kind = if cell_text(row, 2) == "VIEW" { TableKind::View } else { TableKind::Table };
        // Views report the word VIEW as their comment.
        let comment = cell_text(row, 3);
        table.comment = (table.kind == TableKind::Table && !comment.is_empty()).then_some(comment);
        table.row_estimate = match row.get(4) {
            Some(crate::Value::Null) | None => None,
            Some(_) => Some(cell_int(row, 4).max(0).unsigned_abs()),
        };
        index_of.insert(key(&name), tables.len());
        tables.push(table);
    }
    let columns = query(format!(
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_COMMENT \
         FROM information_schema.COLUMNS WHERE {filter} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION"
    ))
    .await?;
    for row in &columns.rows {
        let Some(table) = find(&mut tables, &index_of, row) else { continue };
        let comment = cell_text(row, 5);
        table.columns.push(Column {
            nullable: cell_text(row, 4) == "YES",
            comment: (!comment.is_empty()).then_some(comment),
            ..Column::new(cell_text(row, 2), cell_text(row, 3))
        });
    }
    let keys = query(format!(
        "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, \
         REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE \
         WHERE {filter} AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL) \
         ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME = 'PRIMARY' DESC, CONSTRAINT_NAME, ORDINAL_POSITION"
    ))
    .await?;
    let mut last_constraint: Option<(String, String, String)> = None;
    for row in &keys.rows {
        let Some(table) = find(&mut tables, &index_of, row) else { continue };
        let constraint = cell_text(row, 2);
        let column = cell_text(row, 3);
        if constraint == "PRIMARY" {
            table.primary_key.push(column);
            continue;
        }
        let id = (cell_text(row, 0), cell_text(row, 1), constraint);
        let referenced = cell_text(row, 6);
        match table.foreign_keys.last_mut() {
            Some(foreign_key) if last_constraint.as_ref() == Some(&id) => {
                foreign_key.columns.push(column);
                foreign_key.referenced_columns.push(referenced);
            }
            _ => table.foreign_keys.push(ForeignKey {
                columns: vec![column],
                referenced_table: TableName::qualified(cell_text(row, 4), cell_text(row, 5)),
                referenced_columns: vec![referenced],
            }),
        }
        last_constraint = Some(id);
    }
    // The server sorts by its collation (case-insensitive, `_` after letters); catalog order
    // is byte order on every engine.
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Catalog::new(tables))
}

/// MySQL compares database and table names case-insensitively on some platforms; lowercase
/// keys match either way.
fn key(name: &TableName) -> (String, String) {
    (name.schema.clone().unwrap_or_default().to_lowercase(), name.name.to_lowercase())
}

fn find<'t>(
    tables: &'t mut [Table],
    index_of: &HashMap<(String, String), usize>,
    row: &[crate::Value],
) -> Option<&'t mut Table> {
    let name = TableName::qualified(cell_text(row, 0), cell_text(row, 1));
    index_of.get(&key(&name)).and_then(|&i| tables.get_mut(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_filters_bind_names() {
        let (filter, params) = schema_filter(&IntrospectOptions::default());
        assert_eq!((filter.as_str(), params.len()), ("TABLE_SCHEMA = DATABASE()", 0));
        let options = IntrospectOptions { schemas: vec!["a".into(), "b'c".into()], ..IntrospectOptions::default() };
        let (filter, params) = schema_filter(&options);
        assert_eq!(filter, "TABLE_SCHEMA IN (?, ?)");
        assert_eq!(params.len(), 2);
    }
}
