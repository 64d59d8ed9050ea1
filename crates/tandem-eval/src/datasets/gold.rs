//! The tables and columns a gold query touches, resolved against a catalog schema, so that
//! retrieval can be scored on them.

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::visit_relations;
use sqlparser::dialect::{BigQueryDialect, Dialect, GenericDialect, SQLiteDialect, SnowflakeDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};
use tandem_core::Catalog;

/// A column of a gold table the query names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GoldColumn {
    /// Index of the table in the catalog.
    pub table: usize,
    pub column: String,
}

/// Indices of `schema`'s tables whose name (the part after any dots) is `name`, or starts
/// with `name`'s prefix when it ends in `*` (BigQuery wildcard tables).
fn resolve(catalog: &Catalog, schema: Option<&str>, name: &str) -> Vec<usize> {
    let name = name.rsplit('.').next().unwrap_or(name).trim_matches(|c| c == '`' || c == '"').to_lowercase();
    let in_schema = |i: &usize| {
        catalog.tables.get(*i).is_some_and(|t| match schema {
            Some(s) => t.name.schema.as_deref().is_some_and(|have| have.eq_ignore_ascii_case(s)),
            None => true,
        })
    };
    let short =
        |i: usize| catalog.tables.get(i).map(|t| t.name.name.rsplit('.').next().unwrap_or(&t.name.name).to_lowercase());
    let indices = (0..catalog.tables.len()).filter(in_schema);
    match name.strip_suffix('*') {
        Some(prefix) => indices.filter(|&i| short(i).is_some_and(|n| n.starts_with(prefix))).collect(),
        None => indices.filter(|&i| short(i).as_deref() == Some(name.as_str())).collect(),
    }
}

/// The gold tables of `sql` within `schema`: one entry per table reference, listing the
/// catalog tables that satisfy it (several for a wildcard such as `ga_sessions_2017*`, any of
/// which counts). The query is parsed when some dialect accepts it; otherwise every word of
/// it that names a table of the schema counts.
pub fn gold_tables(sql: &str, catalog: &Catalog, schema: Option<&str>) -> Vec<Vec<usize>> {
    let dialects: [&dyn Dialect; 4] =
        [&SQLiteDialect {}, &BigQueryDialect {}, &SnowflakeDialect {}, &GenericDialect {}];
    let mut names: Vec<String> = Vec::new();
    let parsed = dialects.iter().find_map(|d| Parser::parse_sql(*d, sql).ok());
    match parsed {
        Some(statements) => {
            let _ = visit_relations(&statements, |relation| {
                let parts: Vec<String> =
                    relation.0.iter().filter_map(|p| p.as_ident()).map(|i| i.value.clone()).collect();
                names.push(parts.join("."));
                ControlFlow::<()>::Continue(())
            });
        }
        None => {
            names = sql
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '*' || c == '-'))
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect();
        }
    }
    let mut gold: Vec<Vec<usize>> = Vec::new();
    for name in names {
        let found = resolve(catalog, schema, &name);
        if !found.is_empty() && !gold.contains(&found) {
            gold.push(found);
        }
    }
    gold
}

/// The columns of the gold tables that `sql` names: `alias.column` resolved through the
/// query's aliases, and bare names attributed to the first gold table that has such a column.
pub fn gold_columns(sql: &str, catalog: &Catalog, tables: &[usize]) -> Vec<GoldColumn> {
    let Ok(tokens) = Tokenizer::new(&SQLiteDialect {}, sql).tokenize() else { return Vec::new() };
    let words: Vec<Option<String>> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .map(|t| match t {
            Token::Word(w) => Some(w.value.to_lowercase()),
            Token::Period => Some(".".to_owned()),
            _ => None,
        })
        .collect();
    let table_named = |name: &str| {
        tables.iter().copied().find(|&i| catalog.tables.get(i).is_some_and(|t| t.name.name.eq_ignore_ascii_case(name)))
    };
    // `table AS alias` and `table alias`.
    let mut aliases: HashMap<String, usize> = HashMap::new();
    for (i, word) in words.iter().enumerate() {
        let Some(table) = word.as_deref().and_then(table_named) else { continue };
        aliases.insert(word.clone().unwrap_or_default(), table);
        let next = words.get(i + 1).cloned().flatten();
        let alias = if next.as_deref() == Some("as") { words.get(i + 2).cloned().flatten() } else { next };
        if let Some(alias) = alias.filter(|a| a != ".") {
            aliases.entry(alias).or_insert(table);
        }
    }
    let has_column = |table: usize, name: &str| {
        catalog.tables.get(table).and_then(|t| t.column(name)).map(|c| GoldColumn { table, column: c.name.clone() })
    };
    let mut found: Vec<GoldColumn> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(word) = word.as_deref().filter(|w| *w != ".") else { continue };
        let before = i.checked_sub(1).and_then(|p| words.get(p)).cloned().flatten();
        let after = words.get(i + 1).cloned().flatten();
        let column = if before.as_deref() == Some(".") {
            let qualifier = i.checked_sub(2).and_then(|p| words.get(p)).cloned().flatten().unwrap_or_default();
            aliases.get(&qualifier).and_then(|&t| has_column(t, word))
        } else if after.as_deref() == Some(".") {
            None
        } else {
            tables.iter().find_map(|&t| has_column(t, word))
        };
        if let Some(column) = column
            && !found.contains(&column)
        {
            found.push(column);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, Table, TableName};

    use super::*;

    fn catalog() -> Catalog {
        let t = |schema: &str, name: &str, cols: &[&str]| {
            Table::new(TableName::qualified(schema, name), cols.iter().map(|c| Column::new(*c, "text")).collect())
        };
        Catalog::new(vec![
            t("music", "singer", &["singer_id", "name", "country"]),
            t("music", "concert", &["concert_id", "name", "year"]),
            t("music", "singer_in_concert", &["singer_id", "concert_id"]),
            t("other", "singer", &["id"]),
            t("ga", "ga_sessions_20170101", &["visitId"]),
            t("ga", "ga_sessions_20170102", &["visitId"]),
        ])
    }

    #[test]
    fn finds_gold_tables_and_columns() {
        let catalog = catalog();
        let sql = "SELECT T2.name, count(*) FROM singer_in_concert AS T1 JOIN concert AS T2 ON T1.concert_id = T2.concert_id WHERE year = 2014 GROUP BY T2.name";
        let tables = gold_tables(sql, &catalog, Some("music"));
        assert_eq!(tables, vec![vec![2], vec![1]]);
        let flat: Vec<usize> = tables.into_iter().flatten().collect();
        let columns: Vec<(usize, String)> =
            gold_columns(sql, &catalog, &flat).into_iter().map(|c| (c.table, c.column)).collect();
        assert_eq!(
            columns,
            [(1, "name".into()), (2, "concert_id".into()), (1, "concert_id".into()), (1, "year".into())]
        );
    }

    #[test]
    fn wildcards_and_unparsable_sql() {
        let catalog = catalog();
        let sql = "SELECT visitId FROM `bigquery-public-data.google_analytics_sample.ga_sessions_2017*`";
        assert_eq!(gold_tables(sql, &catalog, Some("ga")), vec![vec![4, 5]]);
        let broken = "SELEC name FROM singer WHERE ((";
        assert_eq!(gold_tables(broken, &catalog, Some("music")), vec![vec![0]]);
        assert!(gold_tables("", &catalog, None).is_empty());
    }
}
