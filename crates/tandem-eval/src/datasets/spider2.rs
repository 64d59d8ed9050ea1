//! Spider 2.0-lite: catalogs from the `DDL.csv` files (one schema per database) and the
//! questions with their gold SQL where the release has it.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tandem_core::{Catalog, TableName};

use super::ddl::{parse_create_table, parse_csv};
use super::error::{DatasetError, read};

/// Where a Spider 2.0-lite database lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Spider2Engine {
    BigQuery,
    Snowflake,
    Sqlite,
}

impl Spider2Engine {
    /// The folder under `resource/databases`.
    pub fn folder(self) -> &'static str {
        match self {
            Self::BigQuery => "bigquery",
            Self::Snowflake => "snowflake",
            Self::Sqlite => "sqlite",
        }
    }

    /// The engine of a question, from its id's prefix (`bq`, `ga`, `sf`, `sf_bq`, `local`).
    pub fn of_instance(instance_id: &str) -> Option<Self> {
        if instance_id.starts_with("sf") {
            Some(Self::Snowflake)
        } else if instance_id.starts_with("bq") || instance_id.starts_with("ga") {
            Some(Self::BigQuery)
        } else if instance_id.starts_with("local") {
            Some(Self::Sqlite)
        } else {
            None
        }
    }
}

/// One question, with the gold SQL when the release includes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spider2Question {
    pub instance_id: String,
    /// The database (a schema of the engine's catalog).
    pub db: String,
    pub question: String,
    pub engine: Option<Spider2Engine>,
    pub gold_sql: Option<String>,
}

#[derive(Deserialize)]
struct RawQuestion {
    instance_id: String,
    db: String,
    question: String,
}

/// Sorted entries of a folder, so catalogs come out in the same order on every machine.
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, DatasetError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DatasetError::Io { path: dir.to_owned(), source })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    Ok(paths)
}

/// Every `DDL.csv` under `dir`, depth first in sorted order.
fn ddl_files(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), DatasetError> {
    for path in sorted_entries(dir)? {
        if path.is_dir() {
            ddl_files(&path, found)?;
        } else if path.file_name().is_some_and(|n| n == "DDL.csv") {
            found.push(path);
        }
    }
    Ok(())
}

/// All databases of one engine as one catalog, each database a schema. A table name that
/// repeats inside a database (two datasets of one BigQuery project) is qualified with its
/// dataset folder. For SQLite databases, the per-table JSON files' sample rows become column
/// samples.
pub fn load_spider2_catalog(root: &Path, engine: Spider2Engine) -> Result<Catalog, DatasetError> {
    let engine_dir = root.join("resource").join("databases").join(engine.folder());
    let mut tables = Vec::new();
    for db_dir in sorted_entries(&engine_dir)?.into_iter().filter(|p| p.is_dir()) {
        let db = db_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut files = Vec::new();
        ddl_files(&db_dir, &mut files)?;
        let first_table = tables.len();
        for file in files {
            let dataset = file.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
            let records = parse_csv(&read(&file)?);
            let Some((header, rows)) = records.split_first() else { continue };
            let has_description = header.iter().any(|h| h.eq_ignore_ascii_case("description"));
            for row in rows {
                let (name, description, ddl) = match (has_description, row.as_slice()) {
                    (true, [name, description, ddl, ..]) => (name, Some(description.as_str()), ddl),
                    (false, [name, ddl, ..]) => (name, None, ddl),
                    _ => continue,
                };
                let duplicate = tables
                    .get(first_table..)
                    .unwrap_or_default()
                    .iter()
                    .any(|t: &tandem_core::Table| t.name.name.eq_ignore_ascii_case(name));
                let table_name = match (&dataset, duplicate) {
                    (Some(dataset), true) => format!("{dataset}.{name}"),
                    _ => name.clone(),
                };
                let mut table = parse_create_table(TableName::qualified(db.clone(), table_name), ddl, description);
                if engine == Spider2Engine::Sqlite {
                    add_samples(&mut table, &db_dir.join(format!("{name}.json")));
                }
                tables.push(table);
            }
        }
    }
    Ok(Catalog::new(tables))
}

#[derive(Deserialize)]
struct TableJson {
    #[serde(default)]
    sample_rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// Up to five distinct non-empty sample values per column; a missing or odd file adds none.
fn add_samples(table: &mut tandem_core::Table, path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    let Ok(json) = serde_json::from_str::<TableJson>(&text) else { return };
    for column in &mut table.columns {
        for row in &json.sample_rows {
            let value = match row.get(&column.name) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::Bool(b)) => b.to_string(),
                _ => continue,
            };
            if !value.is_empty() && column.samples.len() < 5 && !column.samples.contains(&value) {
                column.samples.push(value);
            }
        }
    }
}

/// Reads `spider2-lite.jsonl` and attaches `evaluation_suite/gold/sql/<id>.sql` where present.
pub fn load_spider2_questions(root: &Path) -> Result<Vec<Spider2Question>, DatasetError> {
    let path = root.join("spider2-lite.jsonl");
    let gold_dir = root.join("evaluation_suite").join("gold").join("sql");
    let mut questions = Vec::new();
    for line in read(&path)?.lines().filter(|l| !l.trim().is_empty()) {
        let raw: RawQuestion =
            serde_json::from_str(line).map_err(|source| DatasetError::Json { path: path.clone(), source })?;
        let gold_sql = std::fs::read_to_string(gold_dir.join(format!("{}.sql", raw.instance_id))).ok();
        questions.push(Spider2Question {
            engine: Spider2Engine::of_instance(&raw.instance_id),
            instance_id: raw.instance_id,
            db: raw.db,
            question: raw.question,
            gold_sql,
        });
    }
    Ok(questions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_a_small_tree() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("resource/databases/sqlite/shop");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("DDL.csv"),
            "table_name,DDL\ncustomer,\"CREATE TABLE customer (\n id INTEGER,\n country TEXT\n);\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("customer.json"),
            r#"{"sample_rows": [{"id": 1, "country": "France"}, {"id": 2, "country": "France"}]}"#,
        )
        .unwrap();
        let catalog = load_spider2_catalog(root.path(), Spider2Engine::Sqlite).unwrap();
        assert_eq!(catalog.tables.len(), 1);
        assert_eq!(catalog.tables[0].name, TableName::qualified("shop", "customer"));
        assert_eq!(catalog.tables[0].columns[1].samples, ["France"]);
        assert_eq!(Spider2Engine::of_instance("sf_bq012"), Some(Spider2Engine::Snowflake));
        assert!(load_spider2_catalog(root.path(), Spider2Engine::BigQuery).is_err(), "missing folder");
    }
}
