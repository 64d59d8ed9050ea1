//! The database-side guards on the real server, below the validator: invalid input after
//! which the pool still serves, oversized values, and the privilege report.

use super::*;
use crate::testing::{mysql_admin, mysql_url};
use crate::{DbErrorClass, PrivilegeFinding, Value};

async fn executor() -> Option<MysqlExecutor> {
    drop(mysql_admin().await?);
    let config = MysqlConfig { pool_size: 1, ..MysqlConfig::new(mysql_url()) };
    Some(MysqlExecutor::connect(&config).await.unwrap())
}

async fn run(executor: &MysqlExecutor, sql: &str) -> Result<Rows, ExecError> {
    executor.run_sql(sql, Vec::new(), &Limits::default()).await
}

/// A statement that must still run on the pool.
async fn still_serves(executor: &MysqlExecutor) {
    let rows = run(executor, "SELECT 1").await.unwrap();
    assert_eq!(rows.rows, vec![vec![Value::Int(1)]]);
}

#[tokio::test]
async fn invalid_input_is_the_statements_error_and_keeps_the_connection() {
    let Some(executor) = executor().await else { return };
    let nul = run(&executor, "SELECT 'a\0b'").await.unwrap_err();
    assert!(matches!(nul, ExecError::NulInStatement { offset: 9, .. }), "{nul:?}");
    assert!(!nul.is_retryable());
    still_serves(&executor).await;
    let invalid = run(&executor, "SELECT _utf8mb4 X'FF'").await.unwrap_err();
    assert_eq!(invalid.db_class(), Some(DbErrorClass::Data), "{invalid:?}");
    assert!(!invalid.is_retryable());
    still_serves(&executor).await;
}

#[tokio::test]
async fn oversized_values_never_reach_the_result() {
    let Some(executor) = executor().await else { return };
    // The server refuses to build a value over max_allowed_packet: NULL, with a warning.
    let rows = run(&executor, "SELECT REPEAT('x', 300000000)").await.unwrap();
    assert_eq!(rows.rows, vec![vec![Value::Null]]);
    // Under max_allowed_packet but over the byte cap: the row ends the result undecoded.
    let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) \
               SELECT i, REPEAT('y', IF(i = 2, 5000000, 10)) AS s FROM n ORDER BY i";
    let rows = run(&executor, sql).await.unwrap();
    assert_eq!(rows.rows, vec![vec![Value::Int(1), Value::Text("y".repeat(10))]]);
    assert!(rows.truncated);
}

#[tokio::test]
async fn the_privilege_report_names_global_privileges() {
    let Some(executor) = executor().await else { return };
    let report = executor.privileges(Duration::from_secs(5)).await.unwrap();
    assert!(report.user.starts_with("root@"), "{report:?}");
    let all = PrivilegeFinding::GlobalPrivilege { user: report.user.clone(), privilege: "ALL PRIVILEGES".into() };
    assert!(report.findings.contains(&all), "{report:?}");
}
