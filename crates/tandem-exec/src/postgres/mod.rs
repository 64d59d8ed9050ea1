//! The PostgreSQL sandbox (see [`PostgresExecutor`]).

mod admin;
mod bound;
mod decode;
mod error;
#[cfg(test)]
mod guard_tests;
mod introspect;
mod privileges;
mod session;
mod transform;

use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tandem_core::{Catalog, Dialect};
use tandem_sql::ValidatedSql;
use tokio_postgres::{CancelToken, NoTls};

pub use self::transform::PostgresTransformer;

pub(crate) use self::admin::apply_statements;

use self::session::Settings;
use crate::executor::check_dialect;
use crate::rows::client_limit;
use crate::sampling::sample_tables;
use crate::{ExecError, Executor, IntrospectOptions, Limits, PrivilegeReport, Rows};

/// How long a cancel request may take before the connection is simply dropped.
const CANCEL_WAIT: Duration = Duration::from_secs(2);

/// Settings of a [`PostgresExecutor`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresConfig {
    /// `postgres://user[:password]@host:port/database` or `host=… user=…` form.
    pub url: String,
    /// A role to `SET ROLE` to inside each transaction. The strongest set-up is a login role
    /// that itself has only `SELECT` grants; this narrows a broader login further.
    pub role: Option<String>,
    /// A `search_path` for unqualified names, set inside each transaction.
    pub search_path: Option<String>,
    /// Connections kept open.
    pub pool_size: usize,
    /// Limit for opening a connection or waiting for a free one.
    pub connect_timeout: Duration,
    /// `work_mem` in kB, set inside each transaction: the memory one sort or hash may use
    /// before it spills to a temporary file.
    pub work_mem_kb: u32,
    /// `temp_file_limit` in kB: the temporary files one session may hold, so a spilling sort
    /// cannot fill the server's disk. Only a superuser may set it, so it is set inside each
    /// transaction when the login may, and `tandem db grant` sets it on the granted role.
    pub temp_file_limit_kb: u32,
}

impl PostgresConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            role: None,
            search_path: None,
            pool_size: 4,
            connect_timeout: Duration::from_secs(5),
            work_mem_kb: DEFAULT_WORK_MEM_KB,
            temp_file_limit_kb: DEFAULT_TEMP_FILE_LIMIT_KB,
        }
    }
}

/// PostgreSQL's own default `work_mem`, set explicitly so a server tuned for large
/// analytical sorts does not hand that memory to every model-written statement.
pub const DEFAULT_WORK_MEM_KB: u32 = 4 << 10;

/// 256 MiB of temporary files per session.
pub const DEFAULT_TEMP_FILE_LIMIT_KB: u32 = 256 << 10;

/// Runs validated statements against a PostgreSQL database.
///
/// Every statement gets its own `READ ONLY` transaction, rolled back afterwards, with a
/// transaction-local `statement_timeout` and `lock_timeout`, the configured role and search
/// path. The statement is prepared and executed through the extended protocol (one statement,
/// never a multi-statement simple query), and rows are fetched from a portal in batches so
/// reading stops at the row or byte cap. If the server does not stop a statement in time,
/// the client cancels it and discards the connection.
#[derive(Debug)]
pub struct PostgresExecutor {
    pool: Pool,
    settings: Settings,
}

impl PostgresExecutor {
    /// Builds the pool and opens one connection to prove the settings work.
    pub async fn connect(config: &PostgresConfig) -> Result<Self, ExecError> {
        let mut pg_config: tokio_postgres::Config = config.url.parse().map_err(|source| ExecError::Config {
            dialect: Dialect::Postgres,
            setting: "url",
            source: Some(Box::new(source)),
        })?;
        pg_config.connect_timeout(config.connect_timeout);
        let target = describe(&pg_config);
        let manager = Manager::from_config(pg_config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(config.pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(config.connect_timeout))
            .create_timeout(Some(config.connect_timeout))
            .recycle_timeout(Some(config.connect_timeout))
            .build()
            .map_err(|source| ExecError::Config {
                dialect: Dialect::Postgres,
                setting: "pool",
                source: Some(Box::new(source)),
            })?;
        let settings = Settings {
            role: config.role.clone(),
            search_path: config.search_path.clone(),
            work_mem_kb: config.work_mem_kb,
            temp_file_limit_kb: config.temp_file_limit_kb,
            target,
        };
        let executor = Self { pool, settings };
        drop(executor.checkout().await?);
        Ok(executor)
    }

    async fn checkout(&self) -> Result<Lease, ExecError> {
        let object = self.pool.get().await.map_err(|source| ExecError::Connection {
            dialect: Dialect::Postgres,
            target: self.settings.target.clone(),
            source: Box::new(source),
        })?;
        Ok(Lease(Some(object)))
    }

    /// What the role statements run as, and the login beneath it, can read beyond the
    /// catalog: superuser, or membership in a predefined role that reads settings,
    /// statistics, every table or the server's files. Runs under the same guards as a
    /// statement, with `timeout` as its time limit.
    pub async fn privileges(&self, timeout: Duration) -> Result<PrivilegeReport, ExecError> {
        let mut lease = self.checkout().await?;
        let (client, cancel) = lease.client()?;
        let outcome =
            tokio::time::timeout(client_limit(timeout), privileges::read_privileges(client, &self.settings, timeout))
                .await;
        settle(lease, cancel, outcome, timeout).await
    }

    /// Runs crate-generated or validated SQL through the guarded path.
    async fn run_sql(&self, sql: &str, limits: &Limits) -> Result<Rows, ExecError> {
        let mut lease = self.checkout().await?;
        let (client, cancel) = lease.client()?;
        let outcome = tokio::time::timeout(
            client_limit(limits.timeout),
            session::run_guarded(client, &self.settings, sql, limits),
        )
        .await;
        settle(lease, cancel, outcome, limits.timeout).await
    }
}

#[async_trait]
impl Executor for PostgresExecutor {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn execute(&self, sql: &ValidatedSql, limits: &Limits) -> Result<Rows, ExecError> {
        check_dialect(Dialect::Postgres, sql)?;
        self.run_sql(sql.as_str(), limits).await
    }

    async fn introspect(&self, options: &IntrospectOptions) -> Result<Catalog, ExecError> {
        let mut lease = self.checkout().await?;
        let (client, cancel) = lease.client()?;
        // Three catalog queries, each under the statement timeout.
        let limit = options.timeout.saturating_mul(3);
        let outcome =
            tokio::time::timeout(client_limit(limit), introspect::read_catalog(client, &self.settings, options)).await;
        let mut catalog = settle(lease, cancel, outcome, limit).await?;
        if let Some(sampling) = &options.sampling {
            sample_tables(Dialect::Postgres, &mut catalog.tables, sampling, |sql, limits| async move {
                self.run_sql(&sql, &limits).await
            })
            .await?;
        }
        Ok(catalog)
    }
}

/// A pooled connection that goes back to the pool only when released: if the future using it
/// is dropped mid-statement, the connection is closed instead of being handed to the next
/// caller with a statement still running.
struct Lease(Option<Object>);

impl Lease {
    fn client(&mut self) -> Result<(&mut tokio_postgres::Client, CancelToken), ExecError> {
        let object = self.0.as_mut().ok_or(ExecError::Cancelled { dialect: Dialect::Postgres })?;
        let cancel = object.cancel_token();
        Ok((&mut **object, cancel))
    }

    fn release(mut self) {
        drop(self.0.take());
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(object) = self.0.take() {
            drop(Object::take(object));
        }
    }
}

/// Returns a healthy connection to the pool; cancels and discards one that timed out on the
/// client side or broke.
async fn settle<T>(
    lease: Lease,
    cancel: CancelToken,
    outcome: Result<Result<T, ExecError>, tokio::time::error::Elapsed>,
    limit: Duration,
) -> Result<T, ExecError> {
    match outcome {
        Ok(Err(error @ ExecError::Connection { .. })) => Err(error),
        Ok(result) => {
            lease.release();
            result
        }
        Err(_) => {
            if let Ok(Err(error)) = tokio::time::timeout(CANCEL_WAIT, cancel.cancel_query(NoTls)).await {
                tracing::warn!(%error, "cancelling a timed-out PostgreSQL statement failed");
            }
            Err(ExecError::Timeout { dialect: Dialect::Postgres, limit })
        }
    }
}

/// `host:port/database` without credentials.
fn describe(config: &tokio_postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|host| match host {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_owned());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}/{}", config.get_dbname().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    //! The database as the second wall: statements that look like reads but would write, or
    //! that a validator bug could let through, are refused by PostgreSQL itself.

    use std::time::Instant;

    use super::*;
    use crate::testing::{pg_admin, pg_url, unique};
    use crate::{DbErrorClass, Value};

    struct Fixture {
        admin: tokio_postgres::Client,
        schema: String,
        executor: PostgresExecutor,
    }

    async fn fixture(role: Option<&str>) -> Option<Fixture> {
        let admin = pg_admin().await?;
        let schema = unique("tandem_ut");
        admin
            .batch_execute(&format!(
                "CREATE SCHEMA {schema};
                 SET search_path = {schema};
                 CREATE TABLE t (id int PRIMARY KEY, name text);
                 INSERT INTO t VALUES (1, 'a'), (2, 'b');
                 CREATE TABLE hidden (secret text);
                 CREATE SEQUENCE s;
                 CREATE TABLE log (at timestamptz DEFAULT now());
                 CREATE FUNCTION bump() RETURNS int LANGUAGE sql AS 'INSERT INTO log DEFAULT VALUES RETURNING 1';"
            ))
            .await
            .unwrap();
        let config = PostgresConfig {
            role: role.map(str::to_owned),
            search_path: Some(schema.clone()),
            ..PostgresConfig::new(pg_url())
        };
        let executor = PostgresExecutor::connect(&config).await.unwrap();
        Some(Fixture { admin, schema, executor })
    }

    impl Fixture {
        async fn run(&self, sql: &str) -> Result<Rows, ExecError> {
            self.executor.run_sql(sql, &Limits::default()).await
        }

        async fn count(&self, sql: &str) -> i64 {
            self.admin.query_one(sql, &[]).await.unwrap().get(0)
        }

        async fn drop(self) {
            self.admin.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.schema)).await.unwrap();
        }
    }

    fn class(result: Result<Rows, ExecError>) -> DbErrorClass {
        let error = result.unwrap_err();
        error.db_class().unwrap_or_else(|| panic!("not a database error: {error:?}"))
    }

    #[tokio::test]
    async fn writes_disguised_as_reads_are_refused_by_the_database() {
        let Some(f) = fixture(None).await else { return };
        let schema = &f.schema;
        assert_eq!(class(f.run("SELECT nextval('s')").await), DbErrorClass::ReadOnly);
        assert_eq!(class(f.run("SELECT bump()").await), DbErrorClass::ReadOnly);
        assert_eq!(class(f.run("SELECT * FROM t FOR UPDATE").await), DbErrorClass::ReadOnly);
        assert_eq!(class(f.run("WITH d AS (DELETE FROM t RETURNING 1) SELECT * FROM d").await), DbErrorClass::ReadOnly);
        assert_eq!(
            class(f.run("SELECT set_config('transaction_read_only', 'off', true)").await),
            DbErrorClass::ReadOnly
        );
        // The extended protocol refuses stacked statements outright.
        assert_eq!(class(f.run("SELECT 1; DELETE FROM t").await), DbErrorClass::Syntax);
        assert_eq!(f.count(&format!("SELECT count(*) FROM {schema}.t")).await, 2);
        assert_eq!(f.count(&format!("SELECT count(*) FROM {schema}.log")).await, 0);
        assert_eq!(f.count(&format!("SELECT last_value FROM {schema}.s")).await, 1);
        f.drop().await;
    }

    #[tokio::test]
    async fn heavy_statements_stop_at_the_time_limit() {
        let Some(f) = fixture(None).await else { return };
        let limits = Limits { timeout: Duration::from_millis(300), ..Limits::default() };
        let started = Instant::now();
        let bomb = "SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b";
        let result = f.executor.run_sql(bomb, &limits).await;
        assert!(matches!(result, Err(ExecError::Timeout { .. })), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        assert!(f.run("SELECT 1").await.is_ok(), "the pool still serves");
        f.drop().await;
    }

    #[tokio::test]
    async fn caps_stop_reading_early() {
        let Some(f) = fixture(None).await else { return };
        let limits = Limits { max_rows: 10, ..Limits::default() };
        let started = Instant::now();
        // An endless recursive CTE streams: only the portal's batch limit ends it.
        let endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n";
        let rows = f.executor.run_sql(endless, &limits).await.unwrap();
        assert_eq!(rows.rows.len(), 10);
        assert!(rows.truncated);
        assert!(started.elapsed() < Duration::from_secs(2), "the portal stopped the server early");
        let limits = Limits { max_bytes: 1_000, ..Limits::default() };
        let rows = f.executor.run_sql("SELECT repeat('x', 300) FROM generate_series(1, 100)", &limits).await.unwrap();
        assert_eq!(rows.rows.len(), 3);
        assert!(rows.truncated);
        f.drop().await;
    }

    #[tokio::test]
    async fn errors_are_classified_by_sqlstate() {
        let Some(f) = fixture(None).await else { return };
        assert_eq!(class(f.run("SELEC 1").await), DbErrorClass::Syntax);
        assert_eq!(class(f.run("SELECT * FROM nope").await), DbErrorClass::UnknownTable);
        assert_eq!(class(f.run("SELECT nmae FROM t").await), DbErrorClass::UnknownColumn);
        assert_eq!(class(f.run("SELECT nope(1)").await), DbErrorClass::UnknownFunction);
        assert_eq!(class(f.run("SELECT id FROM t, t AS u").await), DbErrorClass::AmbiguousColumn);
        assert_eq!(class(f.run("SELECT id FROM t WHERE id = 'x'::text").await), DbErrorClass::TypeMismatch);
        assert_eq!(class(f.run("SELECT name, count(*) FROM t").await), DbErrorClass::Semantic);
        assert_eq!(class(f.run("SELECT 1 / 0").await), DbErrorClass::Data);
        let unknown = f.run("SELECT nmae FROM t").await.unwrap_err();
        assert_eq!(unknown.unknown_name(), Some("nmae"));
        assert_eq!(unknown.repair_tier(), tandem_core::RepairTier::Small);
        assert!(matches!(f.run("SELECT $1::int").await, Err(ExecError::UnboundParameters { n_params: 1 })));
        f.drop().await;
    }

    #[tokio::test]
    async fn a_read_only_role_narrows_what_is_visible() {
        let Some(f) = fixture(None).await else { return };
        let role = unique("tandem_ro");
        let schema = &f.schema;
        f.admin
            .batch_execute(&format!(
                "CREATE ROLE {role} NOLOGIN; GRANT USAGE ON SCHEMA {schema} TO {role}; GRANT SELECT ON {schema}.t TO {role};"
            ))
            .await
            .unwrap();
        let config = PostgresConfig {
            role: Some(role.clone()),
            search_path: Some(schema.clone()),
            ..PostgresConfig::new(pg_url())
        };
        let executor = PostgresExecutor::connect(&config).await.unwrap();
        let rows = executor.run_sql("SELECT count(*) FROM t", &Limits::default()).await.unwrap();
        assert_eq!(rows.rows, vec![vec![Value::Int(2)]]);
        let denied = executor.run_sql("SELECT * FROM hidden", &Limits::default()).await.unwrap_err();
        assert_eq!(denied.db_class(), Some(DbErrorClass::PermissionDenied));
        assert_eq!(denied.repair_tier(), tandem_core::RepairTier::NotRetryable);
        let options =
            IntrospectOptions { schemas: vec![schema.clone()], sampling: None, ..IntrospectOptions::default() };
        let catalog = executor.introspect(&options).await.unwrap();
        let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.name.as_str()).collect();
        assert_eq!(names, ["t"], "only tables the role may read");
        let missing = PostgresConfig { role: Some(unique("no_such_role")), ..PostgresConfig::new(pg_url()) };
        let error = PostgresExecutor::connect(&missing).await.unwrap().run_sql("SELECT 1", &Limits::default()).await;
        assert!(matches!(error, Err(ExecError::Config { setting: "role", .. })), "{error:?}");
        drop(executor);
        f.admin.batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}")).await.unwrap();
        f.drop().await;
    }

    #[tokio::test]
    async fn values_decode_like_postgres_prints_them() {
        let Some(f) = fixture(None).await else { return };
        let text = |s: &str| Value::Text(s.to_owned());
        let cases = [
            ("true", Value::Bool(true)),
            ("42::int2", Value::Int(42)),
            ("9000000000::int8", Value::Int(9_000_000_000)),
            ("1.5::float4", Value::Float(1.5)),
            ("123456.780::numeric(12,3)", text("123456.780")),
            ("-0.000012::numeric", text("-0.000012")),
            ("'NaN'::numeric", text("NaN")),
            ("date '2024-02-29'", text("2024-02-29")),
            ("timestamp '2024-02-29 13:05:09.25'", text("2024-02-29 13:05:09.25")),
            ("timestamptz '2024-02-29 13:05:09+00'", text("2024-02-29 13:05:09+00")),
            ("time '01:02:03.5'", text("01:02:03.5")),
            ("interval '1 year 2 months 3 days 04:05:06'", text("1 year 2 mons 3 days 04:05:06")),
            ("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
            ("'{\"a\": 1}'::jsonb", text("{\"a\": 1}")),
            ("ARRAY[1, NULL, 3]", text("{1,NULL,3}")),
            ("ARRAY[['a b', 'c'], ['d', 'e']]", text("{{\"a b\",c},{d,e}}")),
            ("'\\x00ff'::bytea", Value::Bytes(vec![0, 255])),
            ("'x'::char(3)", text("x  ")),
            ("NULL::int", Value::Null),
            ("'10.0.0.1'::inet", text("10.0.0.1")),
        ];
        for (expression, expected) in cases {
            let rows = f.run(&format!("SELECT {expression}")).await.unwrap();
            assert_eq!(rows.rows[0][0], expected, "{expression}");
        }
        let rows = f.run("SELECT id, name FROM t ORDER BY id").await.unwrap();
        let types: Vec<&str> = rows.columns.iter().map(|c| c.type_name.as_str()).collect();
        assert_eq!(types, ["int4", "text"]);
        f.drop().await;
    }
}
