//! Sessions in a PostgreSQL table that several replicas share; compare-and-swap on the
//! revision keeps two replicas from overwriting each other's writes.

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tandem_agent::session::{SessionId, SessionStore, StoreError, TurnRecord};
use tokio_postgres::NoTls;

use crate::{OpenError, check_table_name};

#[derive(Debug)]
pub struct PostgresStore {
    pool: Pool,
    table: String,
}

impl PostgresStore {
    /// The table used unless configured otherwise.
    pub const DEFAULT_TABLE: &'static str = "tandem_turns";

    /// Connects to `url` and creates `table` if it does not exist.
    pub async fn connect(url: &str, table: &str) -> Result<Self, OpenError> {
        check_table_name(table)?;
        let config: tokio_postgres::Config = url.parse().map_err(|source: tokio_postgres::Error| {
            OpenError::Postgres { detail: "the URL does not parse".to_owned(), source: Some(Box::new(source)) }
        })?;
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager).max_size(8).build().map_err(|source| OpenError::Postgres {
            detail: "building the connection pool".to_owned(),
            source: Some(Box::new(source)),
        })?;
        let store = Self { pool, table: table.to_owned() };
        let create = format!(
            "CREATE TABLE IF NOT EXISTS {t} (
                session TEXT NOT NULL,
                turn INTEGER NOT NULL,
                revision BIGINT NOT NULL,
                status TEXT NOT NULL,
                updated_at_ms BIGINT NOT NULL,
                record JSONB NOT NULL,
                PRIMARY KEY (session, turn));
             CREATE INDEX IF NOT EXISTS {t}_status ON {t} (status, updated_at_ms)",
            t = store.table
        );
        let client = store.pool.get().await.map_err(|source| OpenError::Postgres {
            detail: "connecting".to_owned(),
            source: Some(Box::new(source)),
        })?;
        client.batch_execute(&create).await.map_err(|source| OpenError::Postgres {
            detail: format!("creating table {}", store.table),
            source: Some(Box::new(source)),
        })?;
        Ok(store)
    }

    /// Drops the table (tests clean up with it).
    pub async fn drop_table(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        client.batch_execute(&format!("DROP TABLE IF EXISTS {}", self.table)).await.map_err(backend)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(|source| StoreError::backend("connecting to PostgreSQL", source))
    }

    async fn records(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<TurnRecord>, StoreError> {
        let client = self.client().await?;
        let rows = client.query(sql, params).await.map_err(backend)?;
        rows.iter()
            .map(|row| {
                let value: serde_json::Value = row.try_get(0).map_err(backend)?;
                serde_json::from_value(value).map_err(|source| StoreError::backend("decoding a stored turn", source))
            })
            .collect()
    }
}

fn backend(source: tokio_postgres::Error) -> StoreError {
    StoreError::backend("PostgreSQL", source)
}

fn to_json(record: &TurnRecord) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(record).map_err(|source| StoreError::backend("encoding a turn", source))
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn turn_i32(turn: u32) -> i32 {
    i32::try_from(turn).unwrap_or(i32::MAX)
}

#[async_trait]
impl SessionStore for PostgresStore {
    async fn insert(&self, record: &TurnRecord) -> Result<(), StoreError> {
        let client = self.client().await?;
        let sql = format!(
            "INSERT INTO {} (session, turn, revision, status, updated_at_ms, record) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING",
            self.table
        );
        let inserted = client
            .execute(
                &sql,
                &[
                    &record.session.as_str(),
                    &turn_i32(record.turn),
                    &to_i64(record.revision),
                    &record.status.as_str(),
                    &to_i64(record.updated_at_ms),
                    &to_json(record)?,
                ],
            )
            .await
            .map_err(backend)?;
        if inserted == 0 {
            return Err(StoreError::Duplicate { session: record.session.clone(), turn: record.turn });
        }
        Ok(())
    }

    async fn update(&self, record: &TurnRecord) -> Result<(), StoreError> {
        let client = self.client().await?;
        let sql = format!(
            "UPDATE {} SET revision = $3::bigint, status = $4, updated_at_ms = $5, record = $6
             WHERE session = $1 AND turn = $2 AND revision = $3::bigint - 1",
            self.table
        );
        let updated = client
            .execute(
                &sql,
                &[
                    &record.session.as_str(),
                    &turn_i32(record.turn),
                    &to_i64(record.revision),
                    &record.status.as_str(),
                    &to_i64(record.updated_at_ms),
                    &to_json(record)?,
                ],
            )
            .await
            .map_err(backend)?;
        if updated == 1 {
            return Ok(());
        }
        let exists = client
            .query_opt(
                &format!("SELECT 1 FROM {} WHERE session = $1 AND turn = $2", self.table),
                &[&record.session.as_str(), &turn_i32(record.turn)],
            )
            .await
            .map_err(backend)?;
        let (session, turn) = (record.session.clone(), record.turn);
        Err(if exists.is_some() {
            StoreError::Conflict { session, turn }
        } else {
            StoreError::Missing { session, turn }
        })
    }

    async fn turns(&self, session: &SessionId) -> Result<Vec<TurnRecord>, StoreError> {
        let sql = format!("SELECT record FROM {} WHERE session = $1 ORDER BY turn", self.table);
        self.records(&sql, &[&session.as_str()]).await
    }

    async fn unfinished(&self) -> Result<Vec<TurnRecord>, StoreError> {
        let sql =
            format!("SELECT record FROM {} WHERE status IN ('planning', 'running') ORDER BY updated_at_ms", self.table);
        self.records(&sql, &[]).await
    }
}
