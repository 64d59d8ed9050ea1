//! Spider 1.0: `tables.json` schemas (one catalog per database, and all of them merged with
//! the database id as schema) and `dev.json` questions.

use std::path::Path;

use serde::Deserialize;
use tandem_core::{Catalog, Column, ForeignKey, Table, TableName};

use super::error::{DatasetError, read};

/// One Spider database's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct SpiderDatabase {
    pub db_id: String,
    /// Tables unqualified, in the file's order.
    pub catalog: Catalog,
}

/// One question with its gold SQL.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SpiderQuestion {
    pub db_id: String,
    pub question: String,
    /// The gold SQL.
    pub query: String,
}

#[derive(Deserialize)]
struct RawDatabase {
    db_id: String,
    table_names_original: Vec<String>,
    column_names_original: Vec<(i64, String)>,
    column_types: Vec<String>,
    primary_keys: Vec<PrimaryKey>,
    foreign_keys: Vec<(usize, usize)>,
}

/// Spider lists key columns by index; later releases nest the columns of a composite key.
#[derive(Deserialize)]
#[serde(untagged)]
enum PrimaryKey {
    One(usize),
    Many(Vec<usize>),
}

/// Reads `tables.json`: every database's schema, in file order.
pub fn load_spider_tables(path: &Path) -> Result<Vec<SpiderDatabase>, DatasetError> {
    let text = read(path)?;
    let raw: Vec<RawDatabase> =
        serde_json::from_str(&text).map_err(|source| DatasetError::Json { path: path.to_owned(), source })?;
    raw.into_iter().map(|db| convert(db, path)).collect()
}

fn convert(db: RawDatabase, path: &Path) -> Result<SpiderDatabase, DatasetError> {
    let bad =
        |detail: String| DatasetError::Format { path: path.to_owned(), detail: format!("{}: {detail}", db.db_id) };
    let mut tables: Vec<Table> =
        db.table_names_original.iter().map(|name| Table::new(TableName::new(name.clone()), Vec::new())).collect();
    // Column 0 is Spider's `*`; each other column belongs to one table. Remember where each
    // column went so key indices can be resolved.
    let mut location: Vec<Option<(usize, usize)>> = Vec::with_capacity(db.column_names_original.len());
    for (i, (table, name)) in db.column_names_original.iter().enumerate() {
        let Ok(table) = usize::try_from(*table) else {
            location.push(None);
            continue;
        };
        let data_type = db.column_types.get(i).cloned().unwrap_or_default();
        let owner = tables.get_mut(table).ok_or_else(|| bad(format!("column {name} of unknown table {table}")))?;
        location.push(Some((table, owner.columns.len())));
        owner.columns.push(Column::new(name.clone(), data_type));
    }
    let column_at = |index: usize| -> Result<(usize, String), DatasetError> {
        let (table, column) =
            location.get(index).copied().flatten().ok_or_else(|| bad(format!("key column {index} out of range")))?;
        let name = tables.get(table).and_then(|t| t.columns.get(column)).map(|c| c.name.clone()).unwrap_or_default();
        Ok((table, name))
    };

    let mut primary: Vec<(usize, String)> = Vec::new();
    for key in &db.primary_keys {
        let indices = match key {
            PrimaryKey::One(i) => vec![*i],
            PrimaryKey::Many(list) => list.clone(),
        };
        for index in indices {
            primary.push(column_at(index)?);
        }
    }
    let mut foreign: Vec<(usize, ForeignKey)> = Vec::new();
    for &(from, to) in &db.foreign_keys {
        let (from_table, from_column) = column_at(from)?;
        let (to_table, to_column) = column_at(to)?;
        let referenced = tables.get(to_table).map(|t| t.name.clone()).unwrap_or_else(|| TableName::new(""));
        foreign.push((
            from_table,
            ForeignKey {
                columns: vec![from_column],
                referenced_table: referenced,
                referenced_columns: vec![to_column],
            },
        ));
    }
    for (table, column) in primary {
        if let Some(t) = tables.get_mut(table) {
            t.primary_key.push(column);
        }
    }
    for (table, fk) in foreign {
        if let Some(t) = tables.get_mut(table) {
            t.foreign_keys.push(fk);
        }
    }
    Ok(SpiderDatabase { db_id: db.db_id, catalog: Catalog::new(tables) })
}

/// All databases in one catalog, each table (and each key's target) qualified with its
/// database id as schema: the "500-table warehouse" of the benchmarks.
pub fn merged_catalog(databases: &[SpiderDatabase]) -> Catalog {
    let mut tables = Vec::new();
    for db in databases {
        for table in &db.catalog.tables {
            let mut table = table.clone();
            table.name = TableName::qualified(db.db_id.clone(), table.name.name);
            for fk in &mut table.foreign_keys {
                fk.referenced_table = TableName::qualified(db.db_id.clone(), fk.referenced_table.name.clone());
            }
            tables.push(table);
        }
    }
    Catalog::new(tables)
}

/// Reads Spider's `dev.json` (or `train_spider.json`): questions with gold SQL.
pub fn load_spider_dev(path: &Path) -> Result<Vec<SpiderQuestion>, DatasetError> {
    let text = read(path)?;
    serde_json::from_str(&text).map_err(|source| DatasetError::Json { path: path.to_owned(), source })
}

/// One line of Spider's `dev_gold.sql` or `train_gold.sql`: gold SQL and its database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpiderGold {
    pub sql: String,
    pub db_id: String,
}

/// Reads a gold file: one `SQL<TAB>db_id` a line; blank lines are skipped, any other line
/// without a tab is a format error naming its line number.
pub fn load_spider_gold(path: &Path) -> Result<Vec<SpiderGold>, DatasetError> {
    let text = read(path)?;
    let mut gold = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((sql, db_id)) = line.rsplit_once('\t') else {
            return Err(DatasetError::Format {
                path: path.to_owned(),
                detail: format!("line {}: expected `SQL<TAB>db_id`", i + 1),
            });
        };
        gold.push(SpiderGold { sql: sql.trim().to_owned(), db_id: db_id.trim().to_owned() });
    }
    Ok(gold)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLES: &str = r#"[{
        "db_id": "shop",
        "table_names_original": ["Customer", "Orders"],
        "table_names": ["customer", "orders"],
        "column_names_original": [[-1, "*"], [0, "id"], [0, "name"], [1, "order_id"], [1, "customer_id"]],
        "column_names": [[-1, "*"], [0, "id"], [0, "name"], [1, "order id"], [1, "customer id"]],
        "column_types": ["text", "number", "text", "number", "number"],
        "primary_keys": [1, [3]],
        "foreign_keys": [[4, 1]]
    }]"#;

    #[test]
    fn loads_and_merges() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tables.json");
        std::fs::write(&path, TABLES).unwrap();
        let dbs = load_spider_tables(&path).unwrap();
        let shop = &dbs[0].catalog;
        assert_eq!(shop.tables[0].primary_key, ["id"]);
        assert_eq!(shop.tables[1].primary_key, ["order_id"]);
        assert_eq!(shop.tables[1].foreign_keys[0].referenced_table, TableName::new("Customer"));
        assert_eq!(shop.tables[1].columns[1].data_type, "number");

        let merged = merged_catalog(&dbs);
        assert_eq!(merged.tables[1].name, TableName::qualified("shop", "Orders"));
        assert_eq!(merged.tables[1].foreign_keys[0].referenced_table, TableName::qualified("shop", "Customer"));
    }

    #[test]
    fn loads_gold_lines_and_names_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gold.sql");
        std::fs::write(&path, "SELECT count(*) FROM singer\tconcert_singer\n\nSELECT 1 \t shop\n").unwrap();
        let gold = load_spider_gold(&path).unwrap();
        assert_eq!(
            gold,
            [
                SpiderGold { sql: "SELECT count(*) FROM singer".into(), db_id: "concert_singer".into() },
                SpiderGold { sql: "SELECT 1".into(), db_id: "shop".into() },
            ]
        );
        std::fs::write(&path, "SELECT 1\tshop\nno tab here\n").unwrap();
        let error = load_spider_gold(&path).unwrap_err().to_string();
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn refuses_out_of_range_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tables.json");
        std::fs::write(&path, TABLES.replace("[[4, 1]]", "[[4, 99]]")).unwrap();
        assert!(matches!(load_spider_tables(&path), Err(DatasetError::Format { .. })));
    }
}
