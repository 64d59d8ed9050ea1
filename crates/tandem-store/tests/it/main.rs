//! The session stores against real SQLite files and a real PostgreSQL server, through the
//! contract every store keeps.

use std::sync::Arc;

use tandem_agent::session::contract::check_store;
use tandem_agent::session::{SessionId, SessionStore, TurnRecord};
use tandem_store::{OpenError, PostgresStore, SqliteStore};

fn pg_url() -> String {
    option_env!("TANDEM_TEST_PG_URL").unwrap_or("postgres://postgres@127.0.0.1:5432/test").to_owned()
}

fn unique_table() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("tandem_turns_test_{}_{nanos}", std::process::id())
}

#[tokio::test]
async fn sqlite_keeps_the_contract_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("sessions.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    check_store(&store).await;

    let session = SessionId::random();
    let mut record = TurnRecord::new(session.clone(), 0, "kept across a restart", "00".repeat(32));
    store.insert(&record).await.unwrap();
    record.revision = 1;
    store.update(&record).await.unwrap();
    drop(store);
    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(reopened.turns(&session).await.unwrap(), vec![record]);
}

#[tokio::test]
async fn sqlite_refuses_a_path_it_cannot_open() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_db = dir.path().join("file.txt");
    std::fs::write(&not_a_db, "this is not a database, and it is long enough to have a header").unwrap();
    assert!(matches!(SqliteStore::open(&not_a_db), Err(OpenError::Sqlite { .. })));
}

#[tokio::test]
async fn postgres_keeps_the_contract_and_races_resolve_to_one_winner() {
    let table = unique_table();
    let store = Arc::new(PostgresStore::connect(&pg_url(), &table).await.unwrap());
    check_store(store.as_ref()).await;

    // Two replicas write revision 1 of the same turn at once: exactly one wins.
    let record = TurnRecord::new(SessionId::random(), 0, "raced", "00".repeat(32));
    store.insert(&record).await.unwrap();
    let writers = (0..8).map(|i| {
        let store = Arc::clone(&store);
        let mut mine = record.clone();
        mine.revision = 1;
        mine.question = format!("writer {i}");
        async move { store.update(&mine).await.is_ok() }
    });
    let wins = futures::future::join_all(writers).await.into_iter().filter(|won| *won).count();
    assert_eq!(wins, 1);
    store.drop_table().await.unwrap();
}

#[tokio::test]
async fn postgres_refuses_bad_table_names_and_urls() {
    assert!(matches!(PostgresStore::connect(&pg_url(), "x; DROP TABLE y").await, Err(OpenError::TableName(_))));
    assert!(matches!(PostgresStore::connect("not a url", "t").await, Err(OpenError::Postgres { .. })));
}
