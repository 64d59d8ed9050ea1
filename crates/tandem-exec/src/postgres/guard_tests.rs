//! The database-side guards on the real server, below the validator: invalid input that
//! leaves the connection in the pool, rows bounded on the server before they are read,
//! session limits, and the privilege report.

use super::*;
use crate::testing::{pg_admin, pg_url, unique};
use crate::{DbErrorClass, PredefinedRole, PrivilegeFinding, Value};

struct Fixture {
    admin: tokio_postgres::Client,
    schema: String,
    executor: PostgresExecutor,
}

async fn fixture(config: impl FnOnce(PostgresConfig) -> PostgresConfig) -> Option<Fixture> {
    let admin = pg_admin().await?;
    let schema = unique("tandem_guard");
    admin
        .batch_execute(&format!(
            "CREATE SCHEMA {schema};
             CREATE TABLE {schema}.big (id int, body text);
             INSERT INTO {schema}.big VALUES (1, 'small'), (2, repeat('z', 20000000)), (3, 'after');"
        ))
        .await
        .unwrap();
    // One connection, so "the same backend" means the connection stayed in the pool.
    let base = PostgresConfig { search_path: Some(schema.clone()), pool_size: 1, ..PostgresConfig::new(pg_url()) };
    let executor = PostgresExecutor::connect(&config(base)).await.unwrap();
    Some(Fixture { admin, schema, executor })
}

impl Fixture {
    async fn run(&self, sql: &str) -> Result<Rows, ExecError> {
        self.executor.run_sql(sql, &Limits::default()).await
    }

    async fn text(&self, sql: &str) -> String {
        let rows = self.run(sql).await.unwrap();
        rows.rows[0][0].to_text().unwrap_or_default()
    }

    async fn drop(self) {
        self.admin.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.schema)).await.unwrap();
    }
}

#[tokio::test]
async fn invalid_input_is_the_statements_error_and_keeps_the_connection() {
    let Some(f) = fixture(|c| c).await else { return };
    let backend = f.text("SELECT pg_backend_pid()").await;
    let nul = f.run("SELECT 'a\0b'").await.unwrap_err();
    assert!(matches!(nul, ExecError::NulInStatement { offset: 9, .. }), "{nul:?}");
    assert!(!nul.is_retryable());
    assert_eq!(nul.repair_tier(), tandem_core::RepairTier::Small);
    for sql in [r"SELECT E'a\000b'", r"SELECT convert_from('\xff'::bytea, 'UTF8')"] {
        let error = f.run(sql).await.unwrap_err();
        assert_eq!(error.db_class(), Some(DbErrorClass::Data), "{sql}: {error:?}");
        assert!(matches!(&error, ExecError::Database { code, .. } if code == "22021"), "{sql}: {error:?}");
        assert!(!error.is_retryable(), "{sql}");
    }
    assert_eq!(f.text("SELECT pg_backend_pid()").await, backend, "the same connection still serves");
    f.drop().await;
}

#[tokio::test]
async fn rows_over_the_byte_cap_stop_the_result_on_the_server() {
    let Some(f) = fixture(|c| c).await else { return };
    // A 20 MB value stored (and compressed) in a table: measured by its raw length.
    let rows = f.run("SELECT id, body FROM big ORDER BY id").await.unwrap();
    assert_eq!(rows.rows, vec![vec![Value::Int(1), Value::Text("small".into())]]);
    assert!(rows.truncated);
    let names: Vec<(&str, &str)> = rows.columns.iter().map(|c| (c.name.as_str(), c.type_name.as_str())).collect();
    assert_eq!(names, [("id", "int4"), ("body", "text")], "the statement's own names and types");
    for sql in [
        "SELECT repeat('x', 10000000)",
        "SELECT jsonb_build_object('k', repeat('x', 5000000))",
        "SELECT ARRAY[repeat('x', 5000000)]",
        // Two values under the cap that are over it together.
        "SELECT repeat('a', 3000000) AS a, repeat('b', 3000000) AS a",
    ] {
        let rows = f.run(sql).await.unwrap();
        assert!(rows.rows.is_empty() && rows.truncated, "{sql}: {} rows", rows.rows.len());
    }
    let rows = f.run("SELECT i::text AS n FROM generate_series(1, 5) i ORDER BY i DESC").await.unwrap();
    let order: Vec<String> = rows.rows.iter().filter_map(|r| r[0].to_text()).collect();
    assert_eq!(order, ["5", "4", "3", "2", "1"], "the wrapper keeps the statement's order");
    let rows = f.run("SELECT 1 AS a, 'x' AS a").await.unwrap();
    assert_eq!(rows.columns.len(), 2, "duplicate names survive");
    // A data-modifying WITH cannot be nested; it runs as written and the transaction refuses.
    let write = f.run("WITH d AS (DELETE FROM big RETURNING 1) SELECT * FROM d").await;
    assert_eq!(write.unwrap_err().db_class(), Some(DbErrorClass::ReadOnly));
    f.drop().await;
}

#[tokio::test]
async fn sessions_carry_work_mem_and_a_temp_file_limit() {
    let Some(f) = fixture(|c| PostgresConfig { work_mem_kb: 64, temp_file_limit_kb: 1024, ..c }).await else {
        return;
    };
    assert_eq!(f.text("SELECT current_setting('work_mem')").await, "64kB");
    assert_eq!(f.text("SELECT current_setting('temp_file_limit')").await, "1MB");
    // A sort of ~6 MB spills past 64 kB of memory and then past 1 MB of temporary files.
    let sort = "SELECT md5(i::text) AS h FROM generate_series(1, 200000) i ORDER BY h";
    let error = f.run(sort).await.unwrap_err();
    assert_eq!(error.db_class(), Some(DbErrorClass::Resource), "{error:?}");
    assert!(matches!(&error, ExecError::Database { code, .. } if code == "53400"), "{error:?}");
    assert!(f.run("SELECT 1").await.is_ok());
    f.drop().await;
}

#[tokio::test]
async fn the_privilege_report_names_the_superuser_and_predefined_roles() {
    let Some(f) = fixture(|c| c).await else { return };
    let timeout = Duration::from_secs(5);
    let report = f.executor.privileges(timeout).await.unwrap();
    assert_eq!(report.findings, [PrivilegeFinding::Superuser { role: "postgres".into() }], "{report:?}");

    let (reader, stats) = (unique("tandem_reader"), unique("tandem_stats"));
    f.admin
        .batch_execute(&format!(
            "CREATE ROLE {reader} LOGIN; CREATE ROLE {stats} LOGIN; GRANT pg_monitor TO {stats};
             GRANT USAGE ON SCHEMA {schema} TO {reader}, {stats}",
            schema = f.schema
        ))
        .await
        .unwrap();
    let as_login = |role: &str| {
        let url = pg_url().replacen("postgres@", &format!("{role}@"), 1);
        PostgresConfig { search_path: Some(f.schema.clone()), ..PostgresConfig::new(url) }
    };
    let clean = PostgresExecutor::connect(&as_login(&reader)).await.unwrap();
    let report = clean.privileges(timeout).await.unwrap();
    assert_eq!((report.user.as_str(), report.findings.len()), (reader.as_str(), 0), "{report:?}");
    let monitoring = PostgresExecutor::connect(&as_login(&stats)).await.unwrap();
    let report = monitoring.privileges(timeout).await.unwrap();
    // pg_monitor is itself a member of pg_read_all_settings and pg_read_all_stats.
    for member_of in [PredefinedRole::Monitor, PredefinedRole::ReadAllSettings, PredefinedRole::ReadAllStats] {
        let finding = PrivilegeFinding::PredefinedRole { role: stats.clone(), member_of };
        assert!(report.findings.contains(&finding), "{finding}: {report:?}");
    }
    // A narrow role under a superuser login: the login could switch back, so it is reported.
    let narrowed = PostgresConfig { role: Some(reader.clone()), ..as_login("postgres") };
    let report = PostgresExecutor::connect(&narrowed).await.unwrap().privileges(timeout).await.unwrap();
    assert_eq!(report.user, reader);
    assert_eq!(report.findings, [PrivilegeFinding::Superuser { role: "postgres".into() }]);
    drop((clean, monitoring));
    f.admin
        .batch_execute(&format!(
            "REVOKE USAGE ON SCHEMA {schema} FROM {reader}, {stats}; DROP ROLE {reader}; DROP ROLE {stats}",
            schema = f.schema
        ))
        .await
        .unwrap();
    f.drop().await;
}
