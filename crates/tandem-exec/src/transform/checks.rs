//! The SQL tandem itself writes around a transform: counts, samples and the quality checks,
//! with every identifier quoted.

use tandem_core::{Dialect, TableName};

use crate::sampling::{quote_ident, quote_table};

/// `SELECT COUNT(*) FROM t`.
pub(crate) fn count_sql(dialect: Dialect, table: &TableName) -> String {
    format!("SELECT COUNT(*) FROM {}", quote_table(dialect, table))
}

/// The first `n_rows` rows of `t` (one more is read to tell whether there are more).
pub(crate) fn sample_sql(dialect: Dialect, table: &TableName, n_rows: usize) -> String {
    format!("SELECT * FROM {} LIMIT {}", quote_table(dialect, table), n_rows.saturating_add(1))
}

/// How many key values occur more than once, rows with a NULL in the key left out.
pub(crate) fn unique_sql(dialect: Dialect, table: &TableName, columns: &[String]) -> String {
    let quoted: Vec<String> = columns.iter().map(|c| quote_ident(dialect, c)).collect();
    let list = quoted.join(", ");
    let present = quoted.iter().map(|c| format!("{c} IS NOT NULL")).collect::<Vec<_>>().join(" AND ");
    format!(
        "SELECT COUNT(*) FROM (SELECT {list} FROM {} WHERE {present} GROUP BY {list} HAVING COUNT(*) > 1) AS tandem_dup",
        quote_table(dialect, table)
    )
}

/// How many rows hold NULL in `column`.
pub(crate) fn not_null_sql(dialect: Dialect, table: &TableName, column: &str) -> String {
    format!("SELECT COUNT(*) FROM {} WHERE {} IS NULL", quote_table(dialect, table), quote_ident(dialect, column))
}

/// A string literal for `dialect`: quotes doubled, and on MySQL (whose default SQL mode reads
/// backslash escapes) backslashes doubled too.
pub(crate) fn literal(dialect: Dialect, text: &str) -> String {
    let mut escaped = text.replace('\'', "''");
    if dialect == Dialect::Mysql {
        escaped = escaped.replace('\\', "\\\\");
    }
    format!("'{escaped}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_queries_quote_everything() {
        let t = TableName::qualified("mart", "Daily");
        assert_eq!(
            unique_sql(Dialect::Postgres, &t, &["day".into(), "re\"gion".into()]),
            "SELECT COUNT(*) FROM (SELECT \"day\", \"re\"\"gion\" FROM \"mart\".\"Daily\" WHERE \"day\" IS NOT NULL \
             AND \"re\"\"gion\" IS NOT NULL GROUP BY \"day\", \"re\"\"gion\" HAVING COUNT(*) > 1) AS tandem_dup"
        );
        assert_eq!(
            not_null_sql(Dialect::Mysql, &TableName::new("d"), "x"),
            "SELECT COUNT(*) FROM `d` WHERE `x` IS NULL"
        );
        assert_eq!(sample_sql(Dialect::Sqlite, &TableName::new("d"), 5), "SELECT * FROM \"d\" LIMIT 6");
    }

    #[test]
    fn literals_escape_per_dialect() {
        assert_eq!(literal(Dialect::Postgres, r"it's a\b"), r"'it''s a\b'");
        assert_eq!(literal(Dialect::Mysql, r"it's a\b"), r"'it''s a\\b'");
    }
}
