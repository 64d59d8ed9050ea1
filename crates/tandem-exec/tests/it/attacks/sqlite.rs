//! The attack corpus on the SQLite sandbox: a fresh file per run, checksummed by its bytes and
//! by the listing of its directory (no journal, copy or attached file may appear).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use tandem_core::Dialect;
use tandem_exec::{Executor, IntrospectOptions, SqliteExecutor, SqliteOptions, create_sqlite_from_script};

use super::{Snapshot, Target, corpus};

const SCRIPT: &[&str] = &[
    "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, note TEXT)",
    "CREATE TABLE secret (id INTEGER PRIMARY KEY, token TEXT)",
    "INSERT INTO item WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 2000) \
     SELECT i, 'name-' || i, i % 97, 'note' FROM g",
    "INSERT INTO secret VALUES (1, 'tandem-canary')",
];

struct FileSnapshot {
    dir: PathBuf,
    file: PathBuf,
}

impl Snapshot for FileSnapshot {
    async fn checksum(&mut self) -> String {
        let mut hasher = DefaultHasher::new();
        std::fs::read(&self.file).unwrap_or_default().hash(&mut hasher);
        let mut listing: Vec<(String, u64)> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().map_or(0, |m| m.len())))
                    .collect()
            })
            .unwrap_or_default();
        listing.sort();
        format!("{:016x} {listing:?}", hasher.finish())
    }
}

fn build(dir: &Path) -> PathBuf {
    let path = dir.join("attack.sqlite");
    let script: Vec<String> = SCRIPT.iter().map(|s| (*s).to_owned()).collect();
    create_sqlite_from_script(&path, &script).unwrap();
    path
}

#[tokio::test]
async fn the_attack_corpus_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let file = build(dir.path());
    let executor = SqliteExecutor::open(&file, &SqliteOptions::default()).unwrap();
    let catalog =
        executor.introspect(&IntrospectOptions { sampling: None, ..IntrospectOptions::default() }).await.unwrap();
    let target = Target {
        engine: corpus::S,
        dialect: Dialect::Sqlite,
        executor: &executor,
        catalog: &catalog,
        session_probe: None,
    };
    let mut snapshot = FileSnapshot { dir: dir.path().to_owned(), file };
    let failures = super::run(&target, &mut snapshot).await;
    assert!(failures.is_empty(), "{} SQLite attack cases failed:\n{}", failures.len(), failures.join("\n"));
}
