//! The preview receipt: proof, for apply, that this exact transform was previewed on this
//! database against this catalog version, and what the preview found.
//!
//! A receipt is plain data, not a secret: the threat it guards against is a pipeline applying
//! something other than what a person approved, not a hostile caller (which could preview
//! anything itself). It holds a fingerprint of the transform (statements, declaration,
//! expectations, catalog version), the database it ran on, a fingerprint of the touched
//! tables' definitions as the database reported them, the check results, and a unique token
//! that is apply's default idempotency key. [`PreviewReceipt::encode`] gives a JSON form for a
//! session store, so an approved preview survives a restart; apply re-checks everything against
//! the live database, so a persisted receipt can never apply a stale preview.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tandem_core::{CatalogVersion, TableName};
use tandem_sql::{RowCountRange, ValidatedTransform};

use super::report::{CheckResult, QualityCheck};
use crate::ExecError;
use crate::error::StaleReason;

/// The wire format's version; [`PreviewReceipt::decode`] refuses any other.
const FORMAT: u32 = 1;

/// Binds a preview to a transform, a database and a catalog version (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewReceipt {
    token: String,
    transform: String,
    catalog_version: String,
    database: String,
    schema_state: String,
    checks: Vec<CheckResult>,
    rows_affected: u64,
    previewed_at_unix_ms: u64,
}

impl PreviewReceipt {
    pub(crate) fn new(
        transform: &ValidatedTransform,
        database: &str,
        schema_state: String,
        checks: Vec<CheckResult>,
        rows_affected: u64,
    ) -> Self {
        let fingerprint = fingerprint(transform);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Self {
            token: token(&fingerprint, database, now.as_nanos()),
            transform: fingerprint,
            catalog_version: transform.catalog_version().to_string(),
            database: database.to_owned(),
            schema_state,
            checks,
            rows_affected,
            previewed_at_unix_ms: u64::try_from(now.as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// Unique per preview (64 hex digits); apply's default idempotency key.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The catalog version the previewed transform was validated against, as hex.
    pub fn catalog_version(&self) -> &str {
        &self.catalog_version
    }

    /// The database the preview ran on (a file path, or `host:port/database`).
    pub fn database(&self) -> &str {
        &self.database
    }

    pub fn checks(&self) -> &[CheckResult] {
        &self.checks
    }

    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }

    pub fn previewed_at_unix_ms(&self) -> u64 {
        self.previewed_at_unix_ms
    }

    pub(crate) fn schema_state(&self) -> &str {
        &self.schema_state
    }

    /// The receipt as one line of JSON, for a session store.
    pub fn encode(&self) -> String {
        let wire = Wire {
            format: FORMAT,
            token: self.token.clone(),
            transform: self.transform.clone(),
            catalog_version: self.catalog_version.clone(),
            database: self.database.clone(),
            schema_state: self.schema_state.clone(),
            checks: self.checks.iter().map(WireCheck::from).collect(),
            rows_affected: self.rows_affected,
            previewed_at_unix_ms: self.previewed_at_unix_ms,
        };
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Reads a receipt written by [`PreviewReceipt::encode`].
    pub fn decode(text: &str) -> Result<Self, ExecError> {
        let invalid = |source: BoxedError| ExecError::InvalidReceipt { source };
        let wire: Wire = serde_json::from_str(text).map_err(|e| invalid(Box::new(e)))?;
        if wire.format != FORMAT {
            return Err(invalid(format!("receipt format {} is not {FORMAT}", wire.format).into()));
        }
        let checks = wire.checks.into_iter().map(WireCheck::into_result).collect::<Result<_, _>>().map_err(invalid)?;
        Ok(Self {
            token: wire.token,
            transform: wire.transform,
            catalog_version: wire.catalog_version,
            database: wire.database,
            schema_state: wire.schema_state,
            checks,
            rows_affected: wire.rows_affected,
            previewed_at_unix_ms: wire.previewed_at_unix_ms,
        })
    }

    /// Everything apply can check without the database: the receipt is for this transform and
    /// database, the catalog has not moved since, and every check passed.
    pub(crate) fn verify(
        &self,
        transform: &ValidatedTransform,
        database: &str,
        current: &CatalogVersion,
    ) -> Result<(), ExecError> {
        if self.transform != fingerprint(transform) {
            return Err(ExecError::ReceiptMismatch { what: "transform" });
        }
        if self.database != database {
            return Err(ExecError::ReceiptMismatch { what: "database" });
        }
        let current = current.to_string();
        if self.catalog_version != current {
            let previewed = self.catalog_version.clone();
            return Err(ExecError::StalePreview { reason: StaleReason::CatalogVersion { previewed, current } });
        }
        if !self.passed() {
            return Err(ExecError::QualityCheckFailed {
                failed: self.checks.iter().filter(|c| !c.passed).cloned().collect(),
            });
        }
        Ok(())
    }
}

type BoxedError = crate::BoxError;

/// SHA-256 over a length-prefixed encoding of everything that decides what the transform does.
pub(crate) fn fingerprint(transform: &ValidatedTransform) -> String {
    let mut h = Sha256::new();
    let mut put = |text: &str| {
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    };
    put("tandem-transform-v1");
    put(transform.dialect().as_str());
    let spec = transform.spec();
    put_name(&mut put, &spec.target);
    put(if spec.target_kind == tandem_core::TableKind::View { "view" } else { "table" });
    put(if spec.target_exists { "exists" } else { "new" });
    put(spec.write.as_str());
    put_list(&mut put, spec.write.key());
    put(&spec.sources.len().to_string());
    for source in &spec.sources {
        put_name(&mut put, source);
    }
    put(&spec.expect.unique.len().to_string());
    for key in &spec.expect.unique {
        put_list(&mut put, key);
    }
    put_list(&mut put, &spec.expect.not_null);
    let range = spec.expect.row_count.map(|r| format!("{:?}-{:?}", r.min, r.max)).unwrap_or_default();
    put(&range);
    put(&transform.steps().len().to_string());
    for statement in transform.statements() {
        put(statement);
    }
    put(&transform.catalog_version().to_string());
    hex(&h.finalize())
}

fn put_name(put: &mut impl FnMut(&str), name: &TableName) {
    put(name.schema.as_deref().unwrap_or("\u{0}"));
    put(&name.name);
}

fn put_list(put: &mut impl FnMut(&str), items: &[String]) {
    put(&items.len().to_string());
    for item in items {
        put(item);
    }
}

fn token(fingerprint: &str, database: &str, nanos: u128) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = Sha256::new();
    h.update(fingerprint.as_bytes());
    h.update(database.as_bytes());
    h.update(nanos.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    hex(&h.finalize())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of the lines describing the touched tables, as hex.
pub(crate) fn digest_lines(lines: &[String]) -> String {
    let mut h = Sha256::new();
    for line in lines {
        h.update((line.len() as u64).to_le_bytes());
        h.update(line.as_bytes());
    }
    hex(&h.finalize())
}

#[derive(Serialize, Deserialize)]
struct Wire {
    format: u32,
    token: String,
    transform: String,
    catalog_version: String,
    database: String,
    schema_state: String,
    checks: Vec<WireCheck>,
    rows_affected: u64,
    previewed_at_unix_ms: u64,
}

/// A check result on the wire (also the audit log's `checks` JSON).
#[derive(Serialize, Deserialize)]
pub(crate) struct WireCheck {
    check: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<u64>,
    passed: bool,
    observed: u64,
    detail: String,
}

impl From<&CheckResult> for WireCheck {
    fn from(result: &CheckResult) -> Self {
        let (columns, min, max) = match &result.check {
            QualityCheck::Unique { columns } => (columns.clone(), None, None),
            QualityCheck::NotNull { column } => (vec![column.clone()], None, None),
            QualityCheck::RowCount { range } => (Vec::new(), range.min, range.max),
        };
        Self {
            check: result.check.code().to_owned(),
            columns,
            min,
            max,
            passed: result.passed,
            observed: result.observed,
            detail: result.detail.clone(),
        }
    }
}

impl WireCheck {
    fn into_result(self) -> Result<CheckResult, BoxedError> {
        let check = match (self.check.as_str(), self.columns.as_slice()) {
            ("unique", _) => QualityCheck::Unique { columns: self.columns },
            ("not_null", [column]) => QualityCheck::NotNull { column: column.clone() },
            ("row_count", _) => QualityCheck::RowCount { range: RowCountRange { min: self.min, max: self.max } },
            (other, _) => return Err(format!("unknown quality check `{other}`").into()),
        };
        Ok(CheckResult { check, passed: self.passed, observed: self.observed, detail: self.detail })
    }
}

/// The checks as the audit log's JSON array.
pub(crate) fn checks_json(checks: &[CheckResult]) -> String {
    let wire: Vec<WireCheck> = checks.iter().map(WireCheck::from).collect();
    serde_json::to_string(&wire).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use tandem_core::{Catalog, Column, Dialect, Table};
    use tandem_sql::{Expectations, Policy, TransformSpec, WriteKind, validate_transform};

    use super::*;

    fn catalog() -> Catalog {
        Catalog::new(vec![Table::new(
            TableName::new("orders"),
            vec![Column::new("day", "int"), Column::new("amount", "int")],
        )])
    }

    fn transform(sql: &str, expect: Expectations) -> ValidatedTransform {
        let spec =
            TransformSpec::new(TableName::new("daily"), WriteKind::CreateAsSelect, vec![TableName::new("orders")])
                .expecting(expect);
        validate_transform(sql, &spec, &Policy::new(Dialect::Sqlite), &catalog()).unwrap()
    }

    const SQL: &str = "CREATE TABLE daily AS SELECT day, SUM(amount) AS total FROM orders GROUP BY day";

    fn passed(check: QualityCheck) -> CheckResult {
        CheckResult { check, passed: true, observed: 0, detail: "ok".into() }
    }

    #[test]
    fn fingerprints_change_with_statements_and_expectations() {
        let a = transform(SQL, Expectations::default());
        assert_eq!(fingerprint(&a), fingerprint(&transform(SQL, Expectations::default())));
        let other_sql = SQL.replace("SUM", "MAX");
        assert_ne!(fingerprint(&a), fingerprint(&transform(&other_sql, Expectations::default())));
        assert_ne!(fingerprint(&a), fingerprint(&transform(SQL, Expectations::default().not_null(["day"]))));
    }

    #[test]
    fn receipts_round_trip_and_verify() {
        let t = transform(SQL, Expectations::default().unique(["day"]));
        let checks = vec![
            passed(QualityCheck::Unique { columns: vec!["day".into()] }),
            passed(QualityCheck::NotNull { column: "day".into() }),
            passed(QualityCheck::RowCount { range: RowCountRange { min: Some(1), max: None } }),
        ];
        let receipt = PreviewReceipt::new(&t, "db", "state".into(), checks, 3);
        let again = PreviewReceipt::decode(&receipt.encode()).unwrap();
        assert_eq!(again, receipt);
        let other = PreviewReceipt::new(&t, "db", "state".into(), Vec::new(), 3);
        assert_ne!(other.token(), receipt.token(), "every preview has its own token");
        let version = catalog().version();
        receipt.verify(&t, "db", &version).unwrap();
        assert!(matches!(
            receipt.verify(&t, "elsewhere", &version),
            Err(ExecError::ReceiptMismatch { what: "database" })
        ));
        let changed = transform(&SQL.replace("SUM", "MAX"), Expectations::default().unique(["day"]));
        assert!(matches!(
            receipt.verify(&changed, "db", &version),
            Err(ExecError::ReceiptMismatch { what: "transform" })
        ));
        let mut moved = catalog();
        moved.tables[0].columns.push(Column::new("region", "text"));
        let stale = receipt.verify(&t, "db", &moved.version()).unwrap_err();
        assert!(matches!(stale, ExecError::StalePreview { reason: StaleReason::CatalogVersion { .. } }), "{stale:?}");
        assert!(stale.needs_preview());
        let failing = CheckResult { passed: false, ..passed(QualityCheck::NotNull { column: "day".into() }) };
        let blocked = PreviewReceipt::new(&t, "db", "state".into(), vec![failing], 3);
        assert!(matches!(blocked.verify(&t, "db", &version), Err(ExecError::QualityCheckFailed { .. })));
    }

    #[test]
    fn garbage_is_an_invalid_receipt() {
        for text in ["", "{}", "not json", r#"{"format": 2}"#] {
            assert!(matches!(PreviewReceipt::decode(text), Err(ExecError::InvalidReceipt { .. })), "{text}");
        }
    }
}
