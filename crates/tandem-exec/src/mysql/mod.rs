//! The MySQL/MariaDB sandbox (see [`MysqlExecutor`]).

mod admin;
mod decode;
mod error;
mod grants;
#[cfg(test)]
mod guard_tests;
mod introspect;
mod session;
mod transform;

use std::time::Duration;

use async_trait::async_trait;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder, Pool, PoolConstraints, PoolOpts};
use tandem_core::{Catalog, Dialect};
use tandem_sql::ValidatedSql;

pub use self::transform::MysqlTransformer;

pub(crate) use self::admin::apply_statements;

use self::error::map_mysql;
use self::session::Flavor;
use crate::executor::check_dialect;
use crate::rows::client_limit;
use crate::sampling::sample_tables;
use crate::{ExecError, Executor, IntrospectOptions, Limits, PrivilegeReport, Rows};

/// Settings of a [`MysqlExecutor`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MysqlConfig {
    /// `mysql://user[:password]@host:port/database`. The strongest set-up is a user with only
    /// `SELECT` grants; the executor adds read-only transactions and time limits on top.
    pub url: String,
    /// Connections kept open.
    pub pool_size: usize,
    /// Limit for opening a connection or waiting for a free one.
    pub connect_timeout: Duration,
}

impl MysqlConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), pool_size: 4, connect_timeout: Duration::from_secs(5) }
    }
}

/// Runs validated statements against a MySQL or MariaDB database.
///
/// Every statement runs in a `START TRANSACTION READ ONLY` transaction that is rolled back,
/// under a session time limit (`max_execution_time` on MySQL, `max_statement_time` on
/// MariaDB), as a prepared statement (the binary protocol runs exactly one statement), with
/// rows and bytes capped while streaming. If the server does not stop a statement in time,
/// the client kills it. Connections are reset when they return to the pool.
#[derive(Debug)]
pub struct MysqlExecutor {
    pool: Pool,
    flavor: Flavor,
    target: String,
    connect_timeout: Duration,
}

impl MysqlExecutor {
    /// Builds the pool, opens one connection to prove the settings work, and learns whether
    /// the server is MySQL or MariaDB.
    pub async fn connect(config: &MysqlConfig) -> Result<Self, ExecError> {
        let opts = Opts::from_url(&config.url).map_err(|source| ExecError::Config {
            dialect: Dialect::Mysql,
            setting: "url",
            source: Some(Box::new(source)),
        })?;
        let target = format!("{}:{}/{}", opts.ip_or_hostname(), opts.tcp_port(), opts.db_name().unwrap_or_default());
        let constraints = PoolConstraints::new(0, config.pool_size.max(1)).ok_or(ExecError::Config {
            dialect: Dialect::Mysql,
            setting: "pool_size",
            source: None,
        })?;
        // A statement cache would keep every model-written statement prepared on the server.
        let opts = OptsBuilder::from_opts(opts)
            .stmt_cache_size(0)
            .pool_opts(PoolOpts::default().with_constraints(constraints).with_reset_connection(true));
        let mut executor =
            Self { pool: Pool::new(opts), flavor: Flavor::Mysql, target, connect_timeout: config.connect_timeout };
        let mut connection = executor.checkout().await?;
        let version: Option<String> = connection
            .query_first("SELECT VERSION()")
            .await
            .map_err(|error| map_mysql(error, config.connect_timeout, &executor.target))?;
        if version.is_some_and(|v| v.contains("MariaDB")) {
            executor.flavor = Flavor::Mariadb;
        }
        Ok(executor)
    }

    async fn checkout(&self) -> Result<Conn, ExecError> {
        let connection = tokio::time::timeout(self.connect_timeout, self.pool.get_conn()).await.map_err(|elapsed| {
            ExecError::Connection { dialect: Dialect::Mysql, target: self.target.clone(), source: Box::new(elapsed) }
        })?;
        connection.map_err(|error| map_mysql(error, self.connect_timeout, &self.target))
    }

    /// Runs crate-generated or validated SQL through the guarded path.
    pub(crate) async fn run_sql(
        &self,
        sql: &str,
        params: Vec<mysql_async::Value>,
        limits: &Limits,
    ) -> Result<Rows, ExecError> {
        let mut connection = self.checkout().await?;
        let id = connection.id();
        let run = session::run_guarded(&mut connection, self.flavor, &self.target, sql, params, limits);
        match tokio::time::timeout(client_limit(limits.timeout), run).await {
            Ok(result) => result,
            Err(_) => {
                self.kill(id).await;
                Err(ExecError::Timeout { dialect: Dialect::Mysql, limit: limits.timeout })
            }
        }
    }

    /// What the account statements run as can read beyond the connection's database, from
    /// `SHOW GRANTS`: any privilege on every database beyond `USAGE`, grants on another
    /// database, and roles it may enable. `timeout` bounds the two queries.
    pub async fn privileges(&self, timeout: Duration) -> Result<PrivilegeReport, ExecError> {
        let my = |error| map_mysql(error, timeout, &self.target);
        let read = async {
            let mut connection = self.checkout().await?;
            let (database, user): (Option<String>, String) =
                connection.query_first("SELECT DATABASE(), CURRENT_USER()").await.map_err(my)?.unwrap_or_default();
            let grants: Vec<String> = connection.query("SHOW GRANTS").await.map_err(my)?;
            Ok(PrivilegeReport { findings: grants::findings(&grants, &user, database.as_deref()), user })
        };
        tokio::time::timeout(client_limit(timeout), read)
            .await
            .unwrap_or(Err(ExecError::Timeout { dialect: Dialect::Mysql, limit: timeout }))
    }

    /// Stops a statement the server did not stop by itself, from another connection.
    async fn kill(&self, connection_id: u32) {
        let kill = async {
            let mut other = self.checkout().await?;
            other
                .query_drop(format!("KILL QUERY {connection_id}"))
                .await
                .map_err(|error| map_mysql(error, self.connect_timeout, &self.target))
        };
        match tokio::time::timeout(self.connect_timeout, kill).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "killing a timed-out MySQL statement failed"),
            Err(_) => tracing::warn!("killing a timed-out MySQL statement timed out"),
        }
    }
}

#[async_trait]
impl Executor for MysqlExecutor {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    async fn execute(&self, sql: &ValidatedSql, limits: &Limits) -> Result<Rows, ExecError> {
        check_dialect(Dialect::Mysql, sql)?;
        self.run_sql(sql.as_str(), Vec::new(), limits).await
    }

    async fn introspect(&self, options: &IntrospectOptions) -> Result<Catalog, ExecError> {
        let mut catalog = introspect::read_catalog(self, options).await?;
        if let Some(sampling) = &options.sampling {
            sample_tables(Dialect::Mysql, &mut catalog.tables, sampling, |sql, limits| async move {
                self.run_sql(&sql, Vec::new(), &limits).await
            })
            .await?;
        }
        Ok(catalog)
    }
}

#[cfg(test)]
mod tests {
    //! The database as the second wall, on MySQL/MariaDB.

    use std::time::Instant;

    use super::*;
    use crate::testing::{mysql_admin, mysql_url, unique, with_database};
    use crate::{DbErrorClass, Value};

    struct Fixture {
        admin: Conn,
        database: String,
        executor: MysqlExecutor,
    }

    async fn fixture() -> Option<Fixture> {
        let mut admin = mysql_admin().await?;
        let database = unique("tandem_ut");
        for statement in [
            format!("CREATE DATABASE {database}"),
            format!("CREATE TABLE {database}.t (id INT PRIMARY KEY, name VARCHAR(20))"),
            format!("INSERT INTO {database}.t VALUES (1, 'a'), (2, 'b')"),
            format!("CREATE TABLE {database}.log (at INT)"),
            format!(
                "CREATE FUNCTION {database}.bump() RETURNS INT MODIFIES SQL DATA \
                 BEGIN INSERT INTO {database}.log VALUES (1); RETURN 1; END"
            ),
        ] {
            admin.query_drop(statement).await.unwrap();
        }
        let executor = MysqlExecutor::connect(&MysqlConfig::new(with_database(&mysql_url(), &database))).await.unwrap();
        Some(Fixture { admin, database, executor })
    }

    impl Fixture {
        async fn run(&self, sql: &str) -> Result<Rows, ExecError> {
            self.executor.run_sql(sql, Vec::new(), &Limits::default()).await
        }

        async fn count(&mut self, table: &str) -> i64 {
            let sql = format!("SELECT COUNT(*) FROM {}.{table}", self.database);
            self.admin.query_first(sql).await.unwrap().unwrap_or(-1)
        }

        async fn drop(mut self) {
            self.admin.query_drop(format!("DROP DATABASE {}", self.database)).await.unwrap();
        }
    }

    fn class(result: Result<Rows, ExecError>) -> DbErrorClass {
        let error = result.unwrap_err();
        error.db_class().unwrap_or_else(|| panic!("not a database error: {error:?}"))
    }

    #[tokio::test]
    async fn writes_disguised_as_reads_are_refused_by_the_database() {
        let Some(mut f) = fixture().await else { return };
        assert_eq!(class(f.run("SELECT bump()").await), DbErrorClass::ReadOnly);
        // A prepared statement holds exactly one statement.
        assert_eq!(class(f.run("SELECT 1; DELETE FROM t").await), DbErrorClass::Syntax);
        assert_eq!(f.count("log").await, 0);
        assert_eq!(f.count("t").await, 2);
        f.drop().await;
    }

    #[tokio::test]
    async fn heavy_statements_stop_at_the_time_limit() {
        let Some(f) = fixture().await else { return };
        let limits = Limits { timeout: Duration::from_millis(300), ..Limits::default() };
        // MariaDB stops recursion quietly at max_recursive_iterations, so the bomb is a cross
        // join of a thousand rows with itself, three times over.
        let bomb = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
                    SELECT COUNT(*) FROM n a, n b, n c";
        let started = Instant::now();
        let result = f.executor.run_sql(bomb, Vec::new(), &limits).await;
        assert!(matches!(result, Err(ExecError::Timeout { .. })), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        assert!(f.run("SELECT 1").await.is_ok(), "the pool still serves");
        f.drop().await;
    }

    #[tokio::test]
    async fn caps_truncate() {
        let Some(f) = fixture().await else { return };
        let limits = Limits { max_rows: 10, ..Limits::default() };
        let many = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i FROM n";
        let rows = f.executor.run_sql(many, Vec::new(), &limits).await.unwrap();
        assert_eq!(rows.rows.len(), 10);
        assert!(rows.truncated);
        let limits = Limits { max_bytes: 1_000, ..Limits::default() };
        let wide = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) \
                    SELECT REPEAT('x', 300) FROM n";
        let rows = f.executor.run_sql(wide, Vec::new(), &limits).await.unwrap();
        assert_eq!(rows.rows.len(), 3);
        assert!(rows.truncated);
        f.drop().await;
    }

    #[tokio::test]
    async fn errors_are_classified_by_error_number() {
        let Some(f) = fixture().await else { return };
        assert_eq!(class(f.run("SELEC 1").await), DbErrorClass::Syntax);
        assert_eq!(class(f.run("SELECT * FROM nope").await), DbErrorClass::UnknownTable);
        assert_eq!(class(f.run("SELECT nmae FROM t").await), DbErrorClass::UnknownColumn);
        assert_eq!(class(f.run("SELECT nope(1)").await), DbErrorClass::UnknownFunction);
        assert_eq!(class(f.run("SELECT id FROM t, t AS u").await), DbErrorClass::AmbiguousColumn);
        assert_eq!(class(f.run("SELECT 1 UNION SELECT 1, 2").await), DbErrorClass::Semantic);
        assert_eq!(class(f.run("SELECT (SELECT id FROM t)").await), DbErrorClass::Data);
        let unknown = f.run("SELECT nmae FROM t").await.unwrap_err();
        assert_eq!(unknown.unknown_name(), Some("nmae"));
        assert!(matches!(f.run("SELECT ?").await, Err(ExecError::UnboundParameters { .. })));
        f.drop().await;
    }

    #[tokio::test]
    async fn values_are_typed() {
        let Some(f) = fixture().await else { return };
        let text = |s: &str| Value::Text(s.to_owned());
        let cases = [
            ("CAST(42 AS SIGNED)", Value::Int(42)),
            ("CAST(18446744073709551615 AS UNSIGNED)", text("18446744073709551615")),
            ("CAST(1.5 AS DOUBLE)", Value::Float(1.5)),
            ("CAST(12.50 AS DECIMAL(6,2))", text("12.50")),
            ("DATE '2024-02-29'", text("2024-02-29")),
            ("TIMESTAMP '2024-02-29 13:05:09.25'", text("2024-02-29 13:05:09.25")),
            ("TIME '-26:03:04'", text("-26:03:04")),
            ("'héllo'", text("héllo")),
            ("X'00FF'", Value::Bytes(vec![0, 255])),
            ("NULL", Value::Null),
        ];
        for (expression, expected) in cases {
            let rows = f.run(&format!("SELECT {expression}")).await.unwrap();
            assert_eq!(rows.rows[0][0], expected, "{expression}");
        }
        let rows = f.run("SELECT id, name FROM t ORDER BY id").await.unwrap();
        let types: Vec<&str> = rows.columns.iter().map(|c| c.type_name.as_str()).collect();
        assert_eq!(types, ["int", "varchar"]);
        f.drop().await;
    }
}
