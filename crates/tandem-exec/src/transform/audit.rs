//! The audit log: one row per applied transform (who, when, the plan, the SQL, rows affected,
//! the checks), keyed by the idempotency key.

use tandem_core::{Dialect, TableName};

use super::report::CheckResult;
use super::run::Param;
use crate::sampling::quote_table;

/// Where an audit record stands. PostgreSQL, SQLite and MySQL without DDL write the row in the
/// apply's own transaction, so only `applied` is ever seen there; MySQL with DDL claims the key
/// first (`applying`) because its DDL commits implicitly, then settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditStatus {
    Applied,
    Applying,
    /// Failed after DDL committed; the target was left as the failure found it.
    Failed,
    /// Failed after DDL committed; tandem dropped the target it had created.
    Compensated,
}

impl AuditStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditStatus::Applied => "applied",
            AuditStatus::Applying => "applying",
            AuditStatus::Failed => "failed",
            AuditStatus::Compensated => "compensated",
        }
    }
}

/// One applied transform, as written to the audit table and returned to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub idempotency_key: String,
    /// When, by the database's clock, in UTC (`YYYY-MM-DD HH:MM:SS.fff…`).
    pub applied_at: String,
    pub actor: String,
    pub dialect: Dialect,
    pub target: String,
    pub write_kind: String,
    pub plan_json: String,
    /// The statements as run, each ending in `;`.
    pub sql: String,
    pub rows_affected: u64,
    pub checks: Vec<CheckResult>,
    pub catalog_version: String,
    pub preview_token: String,
    pub status: AuditStatus,
}

/// The SQL expression for "now, in UTC, as text" on each engine.
pub(crate) fn now_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')",
        Dialect::Postgres => "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
        Dialect::Mysql => "SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%d %H:%i:%s.%f')",
    }
}

/// `CREATE TABLE IF NOT EXISTS` for the audit table.
pub(crate) fn create_sql(dialect: Dialect, table: &TableName) -> String {
    let name = quote_table(dialect, table);
    match dialect {
        Dialect::Sqlite => format!(
            "CREATE TABLE IF NOT EXISTS {name} (idempotency_key TEXT PRIMARY KEY, applied_at TEXT NOT NULL, \
             actor TEXT NOT NULL, dialect TEXT NOT NULL, target TEXT NOT NULL, write_kind TEXT NOT NULL, \
             plan_json TEXT NOT NULL, sql_text TEXT NOT NULL, rows_affected INTEGER NOT NULL, \
             checks_json TEXT NOT NULL, catalog_version TEXT NOT NULL, preview_token TEXT NOT NULL, \
             status TEXT NOT NULL)"
        ),
        Dialect::Postgres => format!(
            "CREATE TABLE IF NOT EXISTS {name} (idempotency_key text PRIMARY KEY, \
             applied_at timestamptz NOT NULL, actor text NOT NULL, dialect text NOT NULL, target text NOT NULL, \
             write_kind text NOT NULL, plan_json text NOT NULL, sql_text text NOT NULL, \
             rows_affected bigint NOT NULL, checks_json text NOT NULL, catalog_version text NOT NULL, \
             preview_token text NOT NULL, status text NOT NULL)"
        ),
        Dialect::Mysql => format!(
            "CREATE TABLE IF NOT EXISTS {name} (idempotency_key VARCHAR(191) NOT NULL PRIMARY KEY, \
             applied_at DATETIME(6) NOT NULL, actor VARCHAR(255) NOT NULL, dialect VARCHAR(16) NOT NULL, \
             target VARCHAR(255) NOT NULL, write_kind VARCHAR(32) NOT NULL, plan_json LONGTEXT NOT NULL, \
             sql_text LONGTEXT NOT NULL, rows_affected BIGINT UNSIGNED NOT NULL, checks_json LONGTEXT NOT NULL, \
             catalog_version CHAR(64) NOT NULL, preview_token CHAR(64) NOT NULL, status VARCHAR(16) NOT NULL) \
             ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        ),
    }
}

/// The status of `key`'s row: `SELECT status FROM audit WHERE idempotency_key = ?`.
pub(crate) fn status_sql(dialect: Dialect, table: &TableName) -> String {
    format!("SELECT status FROM {} WHERE idempotency_key = {}", quote_table(dialect, table), placeholder(dialect, 1))
}

const COLUMNS: [&str; 13] = [
    "idempotency_key",
    "applied_at",
    "actor",
    "dialect",
    "target",
    "write_kind",
    "plan_json",
    "sql_text",
    "rows_affected",
    "checks_json",
    "catalog_version",
    "preview_token",
    "status",
];

/// The insert of one record, with its parameters in placeholder order.
pub(crate) fn insert(dialect: Dialect, table: &TableName, record: &AuditRecord) -> (String, Vec<Param>) {
    let placeholders: Vec<String> = (1..=COLUMNS.len())
        .map(|i| match (dialect, COLUMNS[i - 1]) {
            // The text is UTC; PostgreSQL reads it as a timestamp, then places it in UTC.
            (Dialect::Postgres, "applied_at") => {
                format!("({}::text)::timestamp AT TIME ZONE 'UTC'", placeholder(dialect, i))
            }
            _ => placeholder(dialect, i),
        })
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote_table(dialect, table),
        COLUMNS.join(", "),
        placeholders.join(", ")
    );
    let text = |s: &str| Param::Text(s.to_owned());
    let params = vec![
        text(&record.idempotency_key),
        text(&record.applied_at),
        text(&record.actor),
        text(record.dialect.as_str()),
        text(&record.target),
        text(&record.write_kind),
        text(&record.plan_json),
        text(&record.sql),
        Param::Int(i64::try_from(record.rows_affected).unwrap_or(i64::MAX)),
        Param::Text(super::receipt::checks_json(&record.checks)),
        text(&record.catalog_version),
        text(&record.preview_token),
        text(record.status.as_str()),
    ];
    (sql, params)
}

/// Settles a claimed row (MySQL with DDL): its final status, rows and checks.
pub(crate) fn settle(dialect: Dialect, table: &TableName, record: &AuditRecord) -> (String, Vec<Param>) {
    let p = |i| placeholder(dialect, i);
    let sql = format!(
        "UPDATE {} SET status = {}, rows_affected = {}, checks_json = {}, sql_text = {} WHERE idempotency_key = {}",
        quote_table(dialect, table),
        p(1),
        p(2),
        p(3),
        p(4),
        p(5)
    );
    let params = vec![
        Param::Text(record.status.as_str().to_owned()),
        Param::Int(i64::try_from(record.rows_affected).unwrap_or(i64::MAX)),
        Param::Text(super::receipt::checks_json(&record.checks)),
        Param::Text(record.sql.clone()),
        Param::Text(record.idempotency_key.clone()),
    ];
    (sql, params)
}

/// The insert with its values written as literals, for an exported migration file.
pub(crate) fn insert_literal(dialect: Dialect, table: &TableName, record: &AuditRecord) -> String {
    let (_, params) = insert(dialect, table, record);
    let values: Vec<String> = params
        .iter()
        .zip(COLUMNS)
        .map(|(param, column)| match (param, column) {
            (_, "applied_at") => match dialect {
                Dialect::Sqlite => "strftime('%Y-%m-%d %H:%M:%f', 'now')".to_owned(),
                Dialect::Postgres => "now()".to_owned(),
                Dialect::Mysql => "UTC_TIMESTAMP(6)".to_owned(),
            },
            (Param::Text(text), _) => super::checks::literal(dialect, text),
            (Param::Int(n), _) => n.to_string(),
            (Param::Null, _) => "NULL".to_owned(),
        })
        .collect();
    format!("INSERT INTO {} ({}) VALUES ({})", quote_table(dialect, table), COLUMNS.join(", "), values.join(", "))
}

pub(crate) fn placeholder(dialect: Dialect, i: usize) -> String {
    if dialect == Dialect::Postgres { format!("${i}") } else { "?".to_owned() }
}
