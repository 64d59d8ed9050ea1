//! Reads a SQLite catalog through the sandboxed connection: tables and views of `main`, in
//! name order, with columns, keys, comments parsed from the DDL, and row counts.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use rusqlite::Connection;
use tandem_core::{Catalog, Column, Dialect, ForeignKey, Table, TableKind, TableName};

use super::comments;
use super::guard::run_guarded;
use crate::rows::{cell_int as int, cell_text as text, deadline_after};
use crate::sampling::{apply_samples, quote_ident, scan_limits, scan_sql};
use crate::{ExecError, IntrospectOptions, Limits, Rows, Value};

/// Catalog queries return one row per table or column; these caps only stop a pathological
/// file from exhausting memory.
const CATALOG_LIMITS: (usize, usize) = (1_000_000, 256 << 20);

struct Reader<'a> {
    connection: &'a Connection,
    options: &'a IntrospectOptions,
    cancel: &'a Arc<AtomicBool>,
}

impl Reader<'_> {
    fn query(&self, sql: &str) -> Result<Rows, ExecError> {
        let limits = Limits { max_rows: CATALOG_LIMITS.0, max_bytes: CATALOG_LIMITS.1, timeout: self.options.timeout };
        run_guarded(self.connection, sql, &limits, deadline_after(limits.timeout), self.cancel)
    }
}

pub(crate) fn read_catalog(
    connection: &Connection,
    options: &IntrospectOptions,
    cancel: &Arc<AtomicBool>,
) -> Result<Catalog, ExecError> {
    let reader = Reader { connection, options, cancel };
    let relations = reader.query(
        "SELECT l.name, l.type, s.sql FROM pragma_table_list AS l JOIN sqlite_schema AS s ON s.name = l.name \
         WHERE l.schema = 'main' AND l.type IN ('table', 'view') AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
         ORDER BY l.name",
    )?;
    let mut tables = Vec::with_capacity(relations.rows.len());
    for row in &relations.rows {
        let (name, kind, sql) = (text(row, 0), text(row, 1), text(row, 2));
        let kind = if kind == "view" { TableKind::View } else { TableKind::Table };
        tables.push(read_table(&reader, name, kind, &sql)?);
    }
    resolve_foreign_keys(&mut tables);
    read_row_estimates(&reader, &mut tables)?;
    if let Some(sampling) = &options.sampling {
        for table in &mut tables {
            let Some((sql, picked)) = scan_sql(Dialect::Sqlite, table, sampling) else { continue };
            let limits = scan_limits(sampling, picked.len());
            match run_guarded(connection, &sql, &limits, deadline_after(limits.timeout), cancel) {
                Ok(rows) => apply_samples(table, &picked, &rows, sampling),
                Err(error @ ExecError::Cancelled { .. }) => return Err(error),
                // One unreadable or slow table must not cost the whole catalog its samples.
                Err(error) => tracing::warn!(table = %table.name, %error, "sampling skipped"),
            }
        }
    }
    Ok(Catalog::new(tables))
}

fn read_table(reader: &Reader<'_>, name: String, kind: TableKind, sql: &str) -> Result<Table, ExecError> {
    let literal = quote_literal(&name);
    // hidden: 0 ordinary, 1 hidden virtual-table column, 2 and 3 generated columns.
    let columns = reader.query(&format!(
        "SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo({literal}) WHERE hidden <> 1 ORDER BY cid"
    ))?;
    let comments = if kind == TableKind::Table { comments::parse(sql) } else { comments::Comments::default() };
    let mut primary_key: Vec<(i64, String)> = Vec::new();
    let mut table = Table::new(TableName::new(name.clone()), Vec::with_capacity(columns.rows.len()));
    for row in &columns.rows {
        let column_name = text(row, 0);
        let pk_position = int(row, 3);
        if pk_position > 0 {
            primary_key.push((pk_position, column_name.clone()));
        }
        let comment =
            comments.columns.iter().find(|(c, _)| c.eq_ignore_ascii_case(&column_name)).map(|(_, t)| t.clone());
        table.columns.push(Column {
            // Primary-key columns are treated as NOT NULL: that is what the schema means,
            // even where legacy SQLite would accept a NULL.
            nullable: int(row, 2) == 0 && pk_position == 0,
            comment,
            ..Column::new(column_name, text(row, 1))
        });
    }
    primary_key.sort();
    table.primary_key = primary_key.into_iter().map(|(_, column)| column).collect();
    table.kind = kind;
    table.comment = comments.table;
    if kind == TableKind::Table {
        // SQLite numbers foreign keys from the last declared; descending ids give DDL order.
        let keys = reader.query(&format!(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list({literal}) ORDER BY id DESC, seq"
        ))?;
        let mut by_id: Vec<(i64, ForeignKey)> = Vec::new();
        for row in &keys.rows {
            let id = int(row, 0);
            let target = to_column(row, 3);
            match by_id.last_mut() {
                Some((last, key)) if *last == id => {
                    key.columns.push(text(row, 2));
                    key.referenced_columns.extend(target);
                }
                _ => by_id.push((
                    id,
                    ForeignKey {
                        columns: vec![text(row, 2)],
                        referenced_table: TableName::new(text(row, 1)),
                        referenced_columns: target.into_iter().collect(),
                    },
                )),
            }
        }
        table.foreign_keys = by_id.into_iter().map(|(_, key)| key).collect();
    }
    Ok(table)
}

/// Foreign keys name their target as written in the DDL, in any case, and may omit the
/// referenced columns (meaning the target's primary key). Both are resolved here.
fn resolve_foreign_keys(tables: &mut [Table]) {
    let canonical: HashMap<String, (String, Vec<String>)> =
        tables.iter().map(|t| (t.name.name.to_lowercase(), (t.name.name.clone(), t.primary_key.clone()))).collect();
    for key in tables.iter_mut().flat_map(|t| t.foreign_keys.iter_mut()) {
        if let Some((name, primary_key)) = canonical.get(&key.referenced_table.name.to_lowercase()) {
            key.referenced_table = TableName::new(name.clone());
            if key.referenced_columns.is_empty() {
                key.referenced_columns = primary_key.clone();
            }
        }
    }
}

/// Uses `sqlite_stat1` (written by `ANALYZE`) where present; otherwise counts rows, stopping
/// at `max_rows_counted` so a huge table costs a bounded scan.
fn read_row_estimates(reader: &Reader<'_>, tables: &mut [Table]) -> Result<(), ExecError> {
    let has_stats = reader.query("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'")?;
    let mut analyzed: HashMap<String, u64> = HashMap::new();
    if !has_stats.rows.is_empty() {
        let stats = reader.query("SELECT tbl, stat FROM sqlite_stat1 ORDER BY tbl, idx")?;
        for row in &stats.rows {
            let count = text(row, 1).split_whitespace().next().and_then(|n| n.parse().ok());
            if let Some(count) = count {
                analyzed.entry(text(row, 0).to_lowercase()).or_insert(count);
            }
        }
    }
    for table in tables.iter_mut().filter(|t| t.kind == TableKind::Table) {
        if let Some(count) = analyzed.get(&table.name.name.to_lowercase()) {
            table.row_estimate = Some(*count);
            continue;
        }
        let sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {})",
            quote_ident(Dialect::Sqlite, &table.name.name),
            reader.options.max_rows_counted
        );
        match reader.query(&sql) {
            Ok(rows) => table.row_estimate = rows.rows.first().map(|row| int(row, 0).max(0).unsigned_abs()),
            Err(error @ ExecError::Cancelled { .. }) => return Err(error),
            Err(error) => tracing::warn!(table = %table.name, %error, "row count skipped"),
        }
    }
    Ok(())
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn to_column(row: &[Value], index: usize) -> Option<String> {
    match row.get(index) {
        Some(Value::Null) | None => None,
        Some(value) => value.to_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SamplingLimits;
    use crate::sqlite::guard::open_read_only;

    const SCHEMA: &str = "
        CREATE TABLE Customer ( -- People who buy.
          id INTEGER PRIMARY KEY, -- Surrogate key.
          name TEXT NOT NULL,
          country TEXT
        );
        CREATE TABLE orders (
          id INTEGER PRIMARY KEY,
          customer_id INTEGER NOT NULL REFERENCES customer,
          region TEXT,
          FOREIGN KEY (region) REFERENCES regions(code)
        );
        CREATE TABLE order_line (
          order_id INTEGER REFERENCES orders(id),
          line_no INTEGER,
          amount NUMERIC,
          photo BLOB,
          PRIMARY KEY (order_id, line_no)
        );
        CREATE TABLE regions (code TEXT PRIMARY KEY, label TEXT);
        CREATE VIEW big_orders AS SELECT order_id, sum(amount) AS total FROM order_line GROUP BY order_id;
        INSERT INTO Customer VALUES (1, 'Ada', 'France'), (2, 'Bob', 'Peru'), (3, 'Cy', 'France');
        INSERT INTO regions VALUES ('EU', 'Europe'), ('SA', 'South America');
        INSERT INTO orders VALUES (10, 1, 'EU'), (11, 2, 'SA');
        INSERT INTO order_line VALUES (10, 1, 5.5, x'00'), (10, 2, 7, NULL), (11, 1, 1, NULL);
    ";

    fn catalog(options: &IntrospectOptions) -> Catalog {
        catalog_after(options, "")
    }

    fn catalog_after(options: &IntrospectOptions, extra_sql: &str) -> Catalog {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        let writer = Connection::open(&path).unwrap();
        writer.execute_batch(SCHEMA).unwrap();
        writer.execute_batch(extra_sql).unwrap();
        let connection = open_read_only(&path).unwrap();
        read_catalog(&connection, options, &Arc::new(AtomicBool::new(false))).unwrap()
    }

    #[test]
    fn reads_tables_views_keys_and_comments_in_name_order() {
        let catalog = catalog(&IntrospectOptions { sampling: None, ..IntrospectOptions::default() });
        let names: Vec<String> = catalog.tables.iter().map(|t| t.name.to_string()).collect();
        assert_eq!(names, ["Customer", "big_orders", "order_line", "orders", "regions"]);
        let customer = &catalog.tables[0];
        assert_eq!(customer.comment.as_deref(), Some("People who buy."));
        assert_eq!(customer.columns[0].comment.as_deref(), Some("Surrogate key."));
        assert!(!customer.columns[0].nullable && !customer.columns[1].nullable && customer.columns[2].nullable);
        assert_eq!(customer.row_estimate, Some(3));
        let view = &catalog.tables[1];
        assert_eq!(view.kind, TableKind::View);
        assert_eq!(view.row_estimate, None);
        assert_eq!(view.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["order_id", "total"]);
        let line = catalog.table(None, "order_line").unwrap();
        assert_eq!(line.primary_key, ["order_id", "line_no"]);
        assert_eq!(line.foreign_keys[0].referenced_table, TableName::new("orders"));
        let orders = catalog.table(None, "orders").unwrap();
        let targets: Vec<(String, Vec<String>)> = orders
            .foreign_keys
            .iter()
            .map(|k| (k.referenced_table.name.clone(), k.referenced_columns.clone()))
            .collect();
        assert_eq!(
            targets,
            [("Customer".to_owned(), vec!["id".to_owned()]), ("regions".to_owned(), vec!["code".to_owned()])]
        );
    }

    #[test]
    fn samples_are_bounded_and_skip_blobs() {
        let sampling = SamplingLimits { n_samples: 1, max_distinct: 2, ..SamplingLimits::default() };
        let catalog = catalog(&IntrospectOptions { sampling: Some(sampling), ..IntrospectOptions::default() });
        let customer = catalog.table(None, "customer").unwrap();
        assert_eq!(customer.columns[2].samples, ["France", "Peru"], "low cardinality keeps all");
        assert_eq!(customer.columns[1].samples, ["Ada"]);
        let line = catalog.table(None, "order_line").unwrap();
        assert!(line.column("photo").unwrap().samples.is_empty());
        assert_eq!(line.column("amount").unwrap().samples.len(), 1);
    }

    #[test]
    fn bounded_counts_and_analyze_statistics() {
        let options = IntrospectOptions { max_rows_counted: 2, sampling: None, ..IntrospectOptions::default() };
        let catalog = catalog(&options);
        assert_eq!(catalog.table(None, "customer").unwrap().row_estimate, Some(2), "count stops at the cap");
        let analyzed = catalog_after(&options, "ANALYZE;");
        assert_eq!(analyzed.table(None, "customer").unwrap().row_estimate, Some(3), "sqlite_stat1 wins");
    }
}
