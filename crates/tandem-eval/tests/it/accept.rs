//! The accept corpus end to end: every Spider gold query (dev and train) that executes on an
//! unrestricted connection validates against its database's catalog and returns, in the
//! SQLite sandbox, the same rows.
//!
//! The gold SQL runs as written on a plain read-write connection; the validator's normalised
//! text runs through `SqliteExecutor` (read-only open, authorizer, progress handler, caps)
//! with caps above any Spider result. Rows are compared in order when the gold query orders
//! them, as multisets otherwise. Queries SQLite itself refuses are counted, not compared.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tandem_core::{Catalog, Dialect};
use tandem_eval::datasets::{load_spider_gold, load_spider_tables};
use tandem_exec::{Executor, Limits, SqliteExecutor, SqliteOptions, Value};
use tandem_sql::{Policy, validate};

/// Caps far above any Spider result, so the sandbox's caps never change what is compared.
const LIMITS: Limits = Limits { max_rows: 1_000_000, max_bytes: 1 << 30, timeout: Duration::from_secs(60) };

/// Gold queries that do not execute, in dev and in train (their database file is not in the
/// bench folder, or SQLite refuses them), leaving 972 and 8,560 to compare: pinned so a change
/// in either the data or the harness shows up.
const N_NOT_EXECUTING: [usize; 2] = [62, 99];

fn spider_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/spider");
    if dir.join("train_gold.sql").is_file() && dir.join("database").is_dir() {
        return Some(dir);
    }
    #[expect(clippy::disallowed_methods, reason = "tests read TANDEM_REQUIRE_ALL like every other skip rule")]
    let required = std::env::var_os("TANDEM_REQUIRE_ALL").is_some();
    assert!(!required, "Spider bench data missing at {} and TANDEM_REQUIRE_ALL is set", dir.display());
    println!("skipped: Spider bench data missing at {}", dir.display());
    None
}

/// One cell, rendered the same way from either side.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_owned(),
        Value::Bool(b) => i64::from(*b).to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{:?}", f.to_bits()),
        Value::Text(text) => format!("'{text}'"),
        Value::Bytes(bytes) => format!("x{bytes:02x?}"),
    }
}

fn raw_cell(value: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => "NULL".to_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => format!("{:?}", f.to_bits()),
        ValueRef::Text(text) => format!("'{}'", String::from_utf8_lossy(text)),
        ValueRef::Blob(bytes) => format!("x{bytes:02x?}"),
    }
}

/// The gold query's rows on an unrestricted connection, or SQLite's refusal.
fn unrestricted(connection: &rusqlite::Connection, sql: &str) -> Result<Vec<String>, String> {
    let mut statement = connection.prepare(sql).map_err(|e| e.to_string())?;
    let n_columns = statement.column_count();
    let mut rows = statement.query([]).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let cells: Vec<String> = (0..n_columns)
            .map(|i| row.get_ref(i).map(raw_cell).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        out.push(cells.join("|"));
    }
    Ok(out)
}

struct Outcome {
    n_queries: usize,
    n_compared: usize,
    n_not_executing: usize,
    failures: Vec<String>,
}

async fn run_corpus(dir: &Path, catalogs: &HashMap<String, Catalog>, file: &str, outcome: &mut Outcome) {
    let gold = load_spider_gold(&dir.join(file)).unwrap();
    let policy = Policy::new(Dialect::Sqlite).with_max_rows(LIMITS.max_rows as u64);
    let mut databases: HashMap<String, Option<(rusqlite::Connection, SqliteExecutor)>> = HashMap::new();
    for query in &gold {
        outcome.n_queries += 1;
        let database = databases.entry(query.db_id.clone()).or_insert_with(|| {
            let path = dir.join("database").join(&query.db_id).join(format!("{}.sqlite", query.db_id));
            // Never create a file: a database missing from the bench folder is skipped.
            let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_URI;
            let connection = path.is_file().then(|| rusqlite::Connection::open_with_flags(&path, flags).unwrap())?;
            Some((connection, SqliteExecutor::open(&path, &SqliteOptions { n_workers: 1 }).unwrap()))
        });
        let Some((connection, executor)) = database.as_ref() else {
            outcome.n_not_executing += 1;
            continue;
        };
        let Ok(mut expected) = unrestricted(connection, &query.sql) else {
            outcome.n_not_executing += 1;
            continue;
        };
        let label = format!("[{file} {}] {}", query.db_id, query.sql);
        let valid = match validate(&query.sql, &policy, &catalogs[&query.db_id]) {
            Ok(valid) => valid,
            Err(rejection) => {
                outcome.failures.push(format!("{label}\n    rejected: {rejection}"));
                continue;
            }
        };
        let mut got: Vec<String> = match executor.execute(&valid, &LIMITS).await {
            Ok(rows) if rows.truncated => {
                outcome.failures.push(format!("{label}\n    truncated by the sandbox's caps"));
                continue;
            }
            Ok(rows) => rows.rows.iter().map(|row| row.iter().map(cell).collect::<Vec<_>>().join("|")).collect(),
            Err(error) => {
                outcome.failures.push(format!("{label}\n    as {}\n    sandbox error: {error}", valid.as_str()));
                continue;
            }
        };
        if !query.sql.to_ascii_uppercase().contains("ORDER BY") {
            expected.sort_unstable();
            got.sort_unstable();
        }
        outcome.n_compared += 1;
        if got != expected {
            let show = |rows: &[String]| rows.iter().take(5).cloned().collect::<Vec<_>>().join(" / ");
            outcome.failures.push(format!(
                "{label}\n    as {}\n    unrestricted ({} rows): {}\n    sandbox ({} rows): {}",
                valid.as_str(),
                expected.len(),
                show(&expected),
                got.len(),
                show(&got)
            ));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_executing_spider_gold_query_returns_the_same_rows_in_the_sandbox() {
    let Some(dir) = spider_dir() else { return };
    let started = Instant::now();
    let catalogs: HashMap<String, Catalog> =
        load_spider_tables(&dir.join("tables.json")).unwrap().into_iter().map(|db| (db.db_id, db.catalog)).collect();
    let mut outcome = Outcome { n_queries: 0, n_compared: 0, n_not_executing: 0, failures: Vec::new() };
    let mut not_executing = Vec::new();
    for file in ["dev_gold.sql", "train_gold.sql"] {
        let before = outcome.n_not_executing;
        run_corpus(&dir, &catalogs, file, &mut outcome).await;
        not_executing.push(outcome.n_not_executing - before);
    }
    println!(
        "accept corpus: {} of {} Spider gold queries return the same rows in the sandbox ({} do not execute: {not_executing:?} in dev, train) in {:.1?}",
        outcome.n_compared - outcome.failures.len().min(outcome.n_compared),
        outcome.n_queries,
        outcome.n_not_executing,
        started.elapsed()
    );
    assert!(
        outcome.failures.is_empty(),
        "{} gold queries differ:\n{}",
        outcome.failures.len(),
        outcome.failures.join("\n")
    );
    assert_eq!(not_executing, N_NOT_EXECUTING, "gold queries that do not execute (dev, train)");
    assert_eq!(outcome.n_compared + outcome.n_not_executing, outcome.n_queries);
}
