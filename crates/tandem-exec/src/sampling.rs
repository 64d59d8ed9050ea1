//! Bounded value sampling: the scan query per table, and folding its rows into samples.
//!
//! One query per table reads at most `max_rows_scanned` rows, with each value cast to text
//! and cut to `max_value_chars` by the server, so neither the scan nor the transfer grows with
//! the table. Engines run it through their guarded read-only path.

use std::collections::BTreeMap;

use tandem_core::{Dialect, Table, TableName};

use crate::{ExecError, Limits, Rows, SamplingLimits};

/// Quotes an identifier for `dialect`, doubling the quote character inside it.
pub(crate) fn quote_ident(dialect: Dialect, name: &str) -> String {
    let quote = match dialect {
        Dialect::Sqlite | Dialect::Postgres => '"',
        Dialect::Mysql => '`',
    };
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push(quote);
    for c in name.chars() {
        if c == quote {
            quoted.push(quote);
        }
        quoted.push(c);
    }
    quoted.push(quote);
    quoted
}

/// A quoted, schema-qualified table reference.
pub(crate) fn quote_table(dialect: Dialect, name: &TableName) -> String {
    match &name.schema {
        Some(schema) => format!("{}.{}", quote_ident(dialect, schema), quote_ident(dialect, &name.name)),
        None => quote_ident(dialect, &name.name),
    }
}

/// Binary and spatial columns are not sampled: their text forms mean nothing to a model.
fn is_sampleable(data_type: &str) -> bool {
    let lower = data_type.to_ascii_lowercase();
    !["blob", "bytea", "binary", "geometry", "geography", "point", "polygon", "linestring"]
        .iter()
        .any(|word| lower.contains(word))
}

/// Text-like columns are the ones whose full set of values is worth keeping when small.
fn is_textual(data_type: &str) -> bool {
    let lower = data_type.to_ascii_lowercase();
    lower.is_empty()
        || ["char", "text", "clob", "string", "enum", "set(", "citext", "name"].iter().any(|word| lower.contains(word))
}

/// The scan query for `table` and the indices of the columns it reads, or `None` when no
/// column is worth sampling.
pub(crate) fn scan_sql(dialect: Dialect, table: &Table, limits: &SamplingLimits) -> Option<(String, Vec<usize>)> {
    let picked: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, column)| is_sampleable(&column.data_type))
        .map(|(i, _)| i)
        .take(limits.max_columns)
        .collect();
    if picked.is_empty() {
        return None;
    }
    let n_chars = limits.max_value_chars.max(1);
    let select: Vec<String> = picked
        .iter()
        .filter_map(|&i| table.columns.get(i))
        .map(|column| {
            let ident = quote_ident(dialect, &column.name);
            match dialect {
                Dialect::Sqlite => format!("substr(CAST({ident} AS TEXT), 1, {n_chars})"),
                Dialect::Postgres => format!("left(CAST({ident} AS text), {n_chars})"),
                Dialect::Mysql => format!("LEFT(CAST({ident} AS CHAR), {n_chars})"),
            }
        })
        .collect();
    let sql = format!(
        "SELECT {} FROM {} LIMIT {}",
        select.join(", "),
        quote_table(dialect, &table.name),
        limits.max_rows_scanned
    );
    Some((sql, picked))
}

/// Execution limits for a scan: enough bytes for every value at its cut length, so the cap
/// only bites if the server ignores the cut.
pub(crate) fn scan_limits(limits: &SamplingLimits, n_columns: usize) -> Limits {
    let max_rows = usize::try_from(limits.max_rows_scanned).unwrap_or(usize::MAX);
    let max_bytes = max_rows.saturating_mul(n_columns).saturating_mul(limits.max_value_chars.max(1)).saturating_mul(4);
    Limits { max_rows, max_bytes: max_bytes.min(64 << 20), timeout: limits.timeout }
}

/// Folds scanned rows into `table`'s column samples: all distinct values of a low-cardinality
/// text column, otherwise the `n_samples` most frequent, ties broken by value so the result is
/// deterministic.
pub(crate) fn apply_samples(table: &mut Table, picked: &[usize], rows: &Rows, limits: &SamplingLimits) {
    for (position, &index) in picked.iter().enumerate() {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for row in &rows.rows {
            let Some(text) = row.get(position).and_then(|value| value.to_text()) else { continue };
            let text = text.trim();
            if !text.is_empty() {
                *counts.entry(text.to_owned()).or_default() += 1;
            }
        }
        let Some(column) = table.columns.get_mut(index) else { continue };
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let keep = if is_textual(&column.data_type) && ranked.len() <= limits.max_distinct {
            ranked.len()
        } else {
            limits.n_samples
        };
        column.samples = ranked.into_iter().take(keep).map(|(value, _)| value).collect();
    }
}

/// Samples every table of `tables` with `run`, one guarded query per table. A table that
/// fails (a broken view, a slow scan) keeps no samples; the catalog is still worth having.
pub(crate) async fn sample_tables<F, Fut>(
    dialect: Dialect,
    tables: &mut [Table],
    limits: &SamplingLimits,
    run: F,
) -> Result<(), ExecError>
where
    F: Fn(String, Limits) -> Fut,
    Fut: Future<Output = Result<Rows, ExecError>>,
{
    for table in tables {
        let Some((sql, picked)) = scan_sql(dialect, table, limits) else { continue };
        match run(sql, scan_limits(limits, picked.len())).await {
            Ok(rows) => apply_samples(table, &picked, &rows, limits),
            Err(error @ (ExecError::Cancelled { .. } | ExecError::Connection { .. })) => return Err(error),
            Err(error) => tracing::warn!(table = %table.name, %error, "sampling skipped"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tandem_core::Column;

    use super::*;
    use crate::Value;

    #[test]
    fn quoting_doubles_the_quote_character() {
        assert_eq!(quote_ident(Dialect::Postgres, r#"we"ird"#), r#""we""ird""#);
        assert_eq!(quote_ident(Dialect::Mysql, "a`b"), "`a``b`");
        assert_eq!(quote_table(Dialect::Mysql, &TableName::qualified("db", "t")), "`db`.`t`");
        assert_eq!(quote_table(Dialect::Sqlite, &TableName::new("t")), r#""t""#);
    }

    #[test]
    fn scan_skips_binary_columns_and_bounds_rows_and_length() {
        let table = Table::new(
            TableName::qualified("s", "t"),
            vec![Column::new("id", "integer"), Column::new("photo", "bytea"), Column::new("name", "text")],
        );
        let limits = SamplingLimits { max_rows_scanned: 50, max_value_chars: 10, ..SamplingLimits::default() };
        let (sql, picked) = scan_sql(Dialect::Postgres, &table, &limits).unwrap();
        assert_eq!(sql, r#"SELECT left(CAST("id" AS text), 10), left(CAST("name" AS text), 10) FROM "s"."t" LIMIT 50"#);
        assert_eq!(picked, vec![0, 2]);
        let only_blob = Table::new(TableName::new("b"), vec![Column::new("data", "BLOB")]);
        assert!(scan_sql(Dialect::Sqlite, &only_blob, &limits).is_none());
    }

    #[test]
    fn low_cardinality_text_keeps_every_value_others_keep_the_most_frequent() {
        let mut table = Table::new(
            TableName::new("t"),
            vec![Column::new("id", "INTEGER"), Column::new("status", "varchar(10)"), Column::new("note", "TEXT")],
        );
        let text = |s: &str| Value::Text(s.into());
        let rows = Rows {
            columns: Vec::new(),
            rows: (0..30)
                .map(|i| {
                    let status = ["open", "closed", "open", "void"][i % 4];
                    vec![Value::Int(i as i64 % 10), text(status), text(&format!("note {i}"))]
                })
                .chain([vec![Value::Null, text("  "), Value::Null]])
                .collect(),
            truncated: false,
        };
        let limits = SamplingLimits { n_samples: 2, max_distinct: 5, ..SamplingLimits::default() };
        apply_samples(&mut table, &[0, 1, 2], &rows, &limits);
        assert_eq!(table.columns[0].samples, vec!["0", "1"], "frequency ties broken by value");
        assert_eq!(table.columns[1].samples, vec!["open", "closed", "void"], "blank values dropped");
        assert_eq!(table.columns[2].samples, vec!["note 0", "note 1"], "high cardinality keeps n_samples");
    }

    #[test]
    fn scan_limits_saturate() {
        let limits = SamplingLimits { max_rows_scanned: u64::MAX, ..SamplingLimits::default() };
        assert_eq!(scan_limits(&limits, 3).max_bytes, 64 << 20);
    }
}
