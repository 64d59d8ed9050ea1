//! The escape search on SQLite: a file holding `item`, `label` and a canary table `vault` that
//! is left out of the catalog, with the schema table, `dbstat` and the pragma table functions
//! planted. What a statement reads comes from the authorizer while it is prepared (SQLite
//! reports every table a statement reads, an empty column name for a table read only for its
//! row count); it is never stepped.

use std::sync::{Arc, Mutex};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::{Connection, OpenFlags};
use tandem_core::TableName;
use tandem_exec::{Executor, IntrospectOptions, SqliteExecutor, SqliteOptions, create_sqlite_from_script};

use super::Engine;
use super::grammar::{Base, Kind, World};

const SCRIPT: &[&str] = &[
    "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE label (id INTEGER PRIMARY KEY, tag TEXT)",
    "CREATE TABLE vault (id INTEGER PRIMARY KEY, token TEXT)",
    "INSERT INTO item VALUES (1, 'name-1'), (2, 'name-2'), (3, 'name-3')",
    "INSERT INTO label VALUES (1, 'tag-1')",
    "INSERT INTO vault VALUES (1, 'tandem-canary')",
];

struct Authorizer {
    connection: Connection,
    seen: Arc<Mutex<Vec<TableName>>>,
}

impl Authorizer {
    fn open(path: &std::path::Path) -> Self {
        let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        connection.authorizer(Some(move |context: AuthContext<'_>| {
            let read = match context.action {
                AuthAction::Read { table_name, .. } => {
                    let schema = context.database_name.filter(|d| *d != "main").map(str::to_owned);
                    Some(TableName { schema, name: table_name.to_owned() })
                }
                // A pragma is never a catalog table.
                AuthAction::Pragma { pragma_name, .. } => Some(TableName::qualified("pragma", pragma_name)),
                _ => None,
            };
            if let Some(read) = read {
                let mut seen = sink.lock().unwrap();
                if !seen.contains(&read) {
                    seen.push(read);
                }
            }
            Authorization::Allow
        }));
        Self { connection, seen }
    }
}

impl Engine for Authorizer {
    async fn reads(&mut self, sql: &str) -> Result<Vec<TableName>, String> {
        self.seen.lock().unwrap().clear();
        self.connection.prepare(sql).map_err(|e| e.to_string())?;
        // SQLite reports reads of the query's own CTEs too; those are not relations.
        let lowered = sql.to_lowercase();
        let mut reads = self.seen.lock().unwrap().clone();
        reads.retain(|r| r.schema.is_some() || !lowered.contains(&format!("{} as (", r.name.to_lowercase())));
        Ok(reads)
    }
}

fn world() -> World {
    let base = |spellings: &[&str], int_col, text_col, kind, shaped| Base {
        spellings: spellings.iter().map(|s| (*s).to_owned()).collect(),
        int_col,
        text_col,
        kind,
        shaped,
    };
    let bases = vec![
        base(&["item", "\"item\"", "main.item", "[item]", "`item`", "ITEM"], Some("id"), "name", Kind::Table, true),
        base(&["label", "main.\"label\""], Some("id"), "tag", Kind::Table, true),
        base(&["vault", "\"vault\"", "main.vault", "[vault]"], Some("id"), "token", Kind::Table, true),
        base(
            &["sqlite_schema", "sqlite_master", "main.sqlite_master", "\"sqlite_schema\"", "sqlite_temp_master"],
            Some("rootpage"),
            "sql",
            Kind::Table,
            false,
        ),
        base(&["dbstat", "main.dbstat", "dbstat('main')"], Some("pageno"), "name", Kind::Function, false),
        base(&["pragma_table_info('vault')", "pragma_index_list('vault')"], None, "name", Kind::Function, false),
        base(
            &["pragma_table_list", "pragma_database_list", "pragma_function_list"],
            None,
            "name",
            Kind::Function,
            false,
        ),
    ];
    World {
        dialect: tandem_core::Dialect::Sqlite,
        bases,
        n_catalog: 2,
        int_calls: Vec::new(),
        text_calls: Vec::new(),
        denied_words: vec!["pragma_", "dbstat"],
    }
}

#[tokio::test]
async fn whatever_the_validator_accepts_reads_only_catalog_tables_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("escape.sqlite");
    let script: Vec<String> = SCRIPT.iter().map(|s| (*s).to_owned()).collect();
    create_sqlite_from_script(&path, &script).unwrap();
    let executor = SqliteExecutor::open(&path, &SqliteOptions::default()).unwrap();
    let mut catalog =
        executor.introspect(&IntrospectOptions { sampling: None, ..IntrospectOptions::default() }).await.unwrap();
    drop(executor);
    // The canary exists in the file but the model was never told of it.
    catalog.tables.retain(|t| t.name.name != "vault");
    let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(names, ["item", "label"]);
    let mut authorizer = Authorizer::open(&path);
    if let Err(report) = super::check(&world(), &catalog, &mut authorizer).await {
        panic!("{report}");
    }
}

#[test]
fn the_authorizer_sees_the_schema_table_read_for_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("probe.sqlite");
    create_sqlite_from_script(&path, &["CREATE TABLE item (id INTEGER)".to_owned()]).unwrap();
    let authorizer = Authorizer::open(&path);
    authorizer.connection.prepare("SELECT count(*) FROM sqlite_master, item").unwrap();
    let seen = authorizer.seen.lock().unwrap().clone();
    assert_eq!(seen, [TableName::new("sqlite_master"), TableName::new("item")]);
}
