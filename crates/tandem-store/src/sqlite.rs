//! Sessions in a SQLite file, in WAL mode. Each call is one short statement on a connection
//! behind a mutex; it runs inline, which costs well under a millisecond for these rows.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};
use tandem_agent::session::{SessionId, SessionStore, StoreError, TurnRecord};

use crate::OpenError;

#[derive(Debug)]
pub struct SqliteStore {
    connection: Mutex<Connection>,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS tandem_turns (
    session TEXT NOT NULL,
    turn INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (session, turn)
);
CREATE INDEX IF NOT EXISTS tandem_turns_status ON tandem_turns (status, updated_at_ms);";

impl SqliteStore {
    /// Opens (creating if needed) the session database at `path`.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let failed = |source| OpenError::Sqlite { path: path.display().to_string(), source };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // A missing folder surfaces as the open error below.
            let _ = std::fs::create_dir_all(parent);
        }
        let connection = Connection::open(path).map_err(failed)?;
        connection.pragma_update(None, "journal_mode", "WAL").map_err(failed)?;
        connection.pragma_update(None, "synchronous", "NORMAL").map_err(failed)?;
        connection.busy_timeout(std::time::Duration::from_secs(5)).map_err(failed)?;
        connection.execute_batch(SCHEMA).map_err(failed)?;
        Ok(Self { connection: Mutex::new(connection) })
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic mid-statement leaves SQLite consistent (the statement rolled back).
        self.connection.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn backend(source: rusqlite::Error) -> StoreError {
    StoreError::backend("SQLite", source)
}

fn to_json(record: &TurnRecord) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|source| StoreError::backend("encoding a turn", source))
}

fn from_json(text: &str) -> Result<TurnRecord, StoreError> {
    serde_json::from_str(text).map_err(|source| StoreError::backend("decoding a stored turn", source))
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn insert(&self, record: &TurnRecord) -> Result<(), StoreError> {
        let json = to_json(record)?;
        let inserted = self
            .connection()
            .execute(
                "INSERT INTO tandem_turns (session, turn, revision, status, updated_at_ms, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![
                    record.session.as_str(),
                    record.turn,
                    to_i64(record.revision),
                    record.status.as_str(),
                    to_i64(record.updated_at_ms),
                    json
                ],
            )
            .map_err(backend)?;
        if inserted == 0 {
            return Err(StoreError::Duplicate { session: record.session.clone(), turn: record.turn });
        }
        Ok(())
    }

    async fn update(&self, record: &TurnRecord) -> Result<(), StoreError> {
        let json = to_json(record)?;
        let connection = self.connection();
        let updated = connection
            .execute(
                "UPDATE tandem_turns SET revision = ?3, status = ?4, updated_at_ms = ?5, record = ?6
                 WHERE session = ?1 AND turn = ?2 AND revision = ?3 - 1",
                params![
                    record.session.as_str(),
                    record.turn,
                    to_i64(record.revision),
                    record.status.as_str(),
                    to_i64(record.updated_at_ms),
                    json
                ],
            )
            .map_err(backend)?;
        if updated == 1 {
            return Ok(());
        }
        let exists = connection
            .query_row(
                "SELECT 1 FROM tandem_turns WHERE session = ?1 AND turn = ?2",
                params![record.session.as_str(), record.turn],
                |_| Ok(()),
            )
            .optional()
            .map_err(backend)?;
        let (session, turn) = (record.session.clone(), record.turn);
        Err(if exists.is_some() {
            StoreError::Conflict { session, turn }
        } else {
            StoreError::Missing { session, turn }
        })
    }

    async fn turns(&self, session: &SessionId) -> Result<Vec<TurnRecord>, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached("SELECT record FROM tandem_turns WHERE session = ?1 ORDER BY turn")
            .map_err(backend)?;
        let texts = statement
            .query_map(params![session.as_str()], |row| row.get::<_, String>(0))
            .map_err(backend)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend)?;
        texts.iter().map(|text| from_json(text)).collect()
    }

    async fn unfinished(&self) -> Result<Vec<TurnRecord>, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(
                "SELECT record FROM tandem_turns WHERE status IN ('planning', 'running') ORDER BY updated_at_ms",
            )
            .map_err(backend)?;
        let texts = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(backend)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend)?;
        texts.iter().map(|text| from_json(text)).collect()
    }
}
