//! Runs the preview's validated SQL in the read-only SQLite sandbox and prints the rows.

use tandem_exec::{Executor, Limits, Rows, SqliteExecutor, SqliteOptions, create_sqlite_from_script};
use tandem_sql::ValidatedSql;

use crate::output;

/// Builds the tiny database in a temporary directory, runs `sql` read-only and prints a table.
pub async fn show_rows(sql: &ValidatedSql, schema_sql: &str, data_sql: &[&str]) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("preview.sqlite");
    let statements: Vec<String> = schema_sql
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .chain(data_sql.iter().map(|s| (*s).to_owned()))
        .collect();
    create_sqlite_from_script(&path, &statements)?;
    let executor = SqliteExecutor::open(&path, &SqliteOptions { n_workers: 1 })?;
    let rows = executor.execute(sql, &Limits { max_rows: 50, ..Limits::default() }).await?;
    output::line(render_table(&rows));
    Ok(())
}

/// A plain-text table with a row count.
pub fn render_table(rows: &Rows) -> String {
    let header: Vec<String> = rows.columns.iter().map(|c| c.name.clone()).collect();
    let body: Vec<Vec<String>> = rows
        .rows
        .iter()
        .map(|row| row.iter().map(|v| v.to_text().unwrap_or_else(|| "NULL".to_owned())).collect())
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            body.iter()
                .filter_map(|r| r.get(i))
                .chain(header.get(i))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect::<Vec<_>>().join(" | ")
    };
    let mut out = format!("\n{}\n", line(&header));
    out.push_str(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("-+-"));
    out.push('\n');
    for row in &body {
        out.push_str(&line(row));
        out.push('\n');
    }
    let more = if rows.truncated { " (truncated)" } else { "" };
    out.push_str(&format!("({} rows{more})", body.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_exec::{ColumnMeta, Value};

    #[test]
    fn renders_aligned_columns_and_nulls() {
        let rows = Rows {
            columns: vec![
                ColumnMeta { name: "name".into(), type_name: "TEXT".into() },
                ColumnMeta { name: "age".into(), type_name: "INTEGER".into() },
            ],
            rows: vec![vec![Value::Text("Rose White".into()), Value::Null]],
            truncated: false,
        };
        assert_eq!(render_table(&rows), "\nname       | age \n-----------+-----\nRose White | NULL\n(1 rows)");
    }
}
