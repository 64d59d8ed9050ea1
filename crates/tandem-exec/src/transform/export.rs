//! Export: the approved transform as a SQL migration file, for teams that apply changes
//! through their own migration tooling instead of letting tandem apply them.

use tandem_core::Dialect;
use tandem_sql::ValidatedTransform;

use super::audit::{self, AuditStatus};
use super::checks::{count_sql, not_null_sql, unique_sql};
use super::receipt::PreviewReceipt;
use super::run::{idempotency_key, in_place, record};
use super::{ApplyRequest, TransformOptions};
use crate::ExecError;

/// A migration file: a suggested name and its SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// `<unix ms>_<target>_<write kind>.sql`, safe as a file name.
    pub file_name: String,
    pub sql: String,
}

/// Renders the transform as one transaction that also writes the audit row, so running the
/// file twice fails on the audit table's key and rolls back (except MySQL DDL, which commits
/// implicitly; the header says so). The same receipt checks as apply come first.
pub(crate) fn export(
    transform: &ValidatedTransform,
    receipt: &PreviewReceipt,
    request: &ApplyRequest,
    options: &TransformOptions,
    database: &str,
) -> Result<Migration, ExecError> {
    receipt.verify(transform, database, &request.current_catalog)?;
    let dialect = transform.dialect();
    let key = idempotency_key(receipt, request, dialect)?;
    let steps: Vec<super::report::StepOutcome> = in_place(transform)
        .into_iter()
        .map(|s| super::report::StepOutcome { kind: s.kind, sql: s.sql, rows_affected: 0 })
        .collect();
    let mut record = record(transform, receipt, request, key, &steps, receipt.checks().to_vec(), AuditStatus::Applied);
    record.rows_affected = receipt.rows_affected();
    let target = transform.target();
    let mut sql = String::new();
    let line = |sql: &mut String, text: &str| {
        sql.push_str(text);
        sql.push('\n');
    };
    line(&mut sql, "-- tandem transform migration");
    line(&mut sql, &format!("-- target: {target} ({}), dialect {dialect}", transform.spec().write));
    line(&mut sql, &format!("-- catalog version: {}", transform.catalog_version()));
    line(&mut sql, &format!("-- preview {}: {} row(s) affected", receipt.token(), receipt.rows_affected()));
    for check in receipt.checks() {
        line(&mut sql, &format!("--   check {}: {}", check.check, check.detail.replace('\n', " ")));
    }
    line(&mut sql, &format!("-- approved by: {}", request.actor.replace('\n', " ")));
    if dialect == Dialect::Mysql && transform.has_ddl() {
        line(&mut sql, "-- MySQL commits DDL implicitly: the statements below are not one transaction, and the");
        line(&mut sql, "-- audit row's key cannot undo them if the file is run twice.");
    }
    let audit_table = options.audit.table();
    // MySQL's CREATE TABLE commits implicitly, so it goes before the transaction there.
    if let (Some(table), Dialect::Mysql) = (audit_table, dialect) {
        line(&mut sql, &format!("{};", audit::create_sql(dialect, table)));
    }
    line(&mut sql, if dialect == Dialect::Mysql { "START TRANSACTION;" } else { "BEGIN;" });
    if let (Some(table), Dialect::Sqlite | Dialect::Postgres) = (audit_table, dialect) {
        line(&mut sql, &format!("{};", audit::create_sql(dialect, table)));
    }
    for step in transform.statements() {
        line(&mut sql, &format!("{step};"));
    }
    if let Some(table) = audit_table {
        line(&mut sql, &format!("{};", audit::insert_literal(dialect, table, &record)));
    }
    line(&mut sql, "COMMIT;");
    let expect = &transform.spec().expect;
    if !expect.is_empty() {
        line(&mut sql, "-- Quality checks to run afterwards:");
        for key in &expect.unique {
            line(&mut sql, &format!("-- {}; -- expect 0", unique_sql(dialect, target, key)));
        }
        for column in &expect.not_null {
            line(&mut sql, &format!("-- {}; -- expect 0", not_null_sql(dialect, target, column)));
        }
        if let Some(range) = expect.row_count {
            line(&mut sql, &format!("-- {}; -- expect {range}", count_sql(dialect, target)));
        }
    }
    let safe: String = format!("{}_{}", target.name, transform.spec().write)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_lowercase() } else { '_' })
        .collect();
    Ok(Migration { file_name: format!("{}_{safe}.sql", receipt.previewed_at_unix_ms()), sql })
}
