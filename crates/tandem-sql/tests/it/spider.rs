//! A test-only loader for Spider's `tables.json` and `dev.json` (a production loader lives
//! elsewhere), and the bench-data location with the skip rule.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Deserialize;
use tandem_core::{Catalog, Column, ForeignKey, Table, TableName};

/// `shared/bench/spider`, or `None` (with the reason printed) when it is missing and
/// `TANDEM_REQUIRE_ALL` is unset; with it set, a missing directory fails the test.
pub fn bench_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/spider");
    if dir.join("dev.json").is_file() && dir.join("tables.json").is_file() {
        return Some(dir);
    }
    #[expect(clippy::disallowed_methods, reason = "tests read TANDEM_REQUIRE_ALL like every other skip rule")]
    let required = std::env::var_os("TANDEM_REQUIRE_ALL").is_some();
    assert!(!required, "Spider bench data missing at {} and TANDEM_REQUIRE_ALL is set", dir.display());
    println!("skipped: Spider bench data missing at {}", dir.display());
    None
}

#[derive(Deserialize)]
struct SpiderSchema {
    db_id: String,
    table_names_original: Vec<String>,
    column_names_original: Vec<(i64, String)>,
    column_types: Vec<String>,
    primary_keys: Vec<serde_json::Value>,
    foreign_keys: Vec<(usize, usize)>,
}

/// Every database's catalog, by `db_id`.
pub fn catalogs(dir: &std::path::Path) -> Result<HashMap<String, Catalog>> {
    let text = std::fs::read_to_string(dir.join("tables.json")).context("reading tables.json")?;
    let schemas: Vec<SpiderSchema> = serde_json::from_str(&text).context("parsing tables.json")?;
    Ok(schemas.into_iter().map(|s| (s.db_id.clone(), catalog(&s))).collect())
}

fn catalog(schema: &SpiderSchema) -> Catalog {
    let mut tables: Vec<Table> =
        schema.table_names_original.iter().map(|name| Table::new(TableName::new(name.clone()), Vec::new())).collect();
    // Column 0 is Spider's `*`; the others belong to a table by index.
    let column =
        |i: usize| schema.column_names_original.get(i).and_then(|(t, name)| Some((usize::try_from(*t).ok()?, name)));
    for (i, (table, name)) in schema.column_names_original.iter().enumerate() {
        let (Ok(table), Some(data_type)) = (usize::try_from(*table), schema.column_types.get(i)) else { continue };
        if let Some(table) = tables.get_mut(table) {
            table.columns.push(Column::new(name.clone(), data_type.clone()));
        }
    }
    let keys = schema.primary_keys.iter().flat_map(|k| match k {
        serde_json::Value::Array(items) => items.iter().filter_map(serde_json::Value::as_u64).collect(),
        other => other.as_u64().into_iter().collect::<Vec<_>>(),
    });
    for key in keys {
        if let Some((table, name)) = usize::try_from(key).ok().and_then(column)
            && let Some(table) = tables.get_mut(table)
        {
            table.primary_key.push(name.clone());
        }
    }
    for &(from, to) in &schema.foreign_keys {
        let (Some((from_table, from_column)), Some((to_table, to_column))) = (column(from), column(to)) else {
            continue;
        };
        let referenced_table = TableName::new(schema.table_names_original[to_table].clone());
        if let Some(table) = tables.get_mut(from_table) {
            table.foreign_keys.push(ForeignKey {
                columns: vec![from_column.clone()],
                referenced_table,
                referenced_columns: vec![to_column.clone()],
            });
        }
    }
    Catalog::new(tables)
}

#[derive(Deserialize)]
pub struct Question {
    pub db_id: String,
    pub query: String,
}

/// The dev set's gold queries.
pub fn dev_questions(dir: &std::path::Path) -> Result<Vec<Question>> {
    let text = std::fs::read_to_string(dir.join("dev.json")).context("reading dev.json")?;
    serde_json::from_str(&text).context("parsing dev.json")
}
