//! Settings of a transform executor, and what an apply needs from its caller.

use std::time::Duration;

use tandem_core::{CatalogVersion, TableName};

/// Where the audit log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditLog {
    /// A table in the same database, created on first apply and written in the apply's own
    /// transaction. Its primary key is the idempotency key, which is what makes apply
    /// exactly-once across processes and restarts.
    Table(TableName),
    /// Only returned to the caller. Exactly-once then holds only within one executor's
    /// lifetime (the executor remembers the keys it applied).
    Returned,
}

impl Default for AuditLog {
    fn default() -> Self {
        AuditLog::Table(TableName::new("tandem_transform_audit"))
    }
}

impl AuditLog {
    pub fn table(&self) -> Option<&TableName> {
        match self {
            AuditLog::Table(table) => Some(table),
            AuditLog::Returned => None,
        }
    }
}

/// Settings of a transform executor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformOptions {
    /// Limit for each statement (the transform's steps, the checks, the audit writes).
    pub timeout: Duration,
    /// Rows of the result a preview shows.
    pub n_sample_rows: usize,
    /// Bytes of sample rows a preview keeps (see [`crate::Value::approx_bytes`]).
    pub max_sample_bytes: usize,
    pub audit: AuditLog,
}

impl Default for TransformOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            n_sample_rows: 20,
            max_sample_bytes: 256 << 10,
            audit: AuditLog::default(),
        }
    }
}

/// What apply (or export) needs besides the transform and its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyRequest {
    /// Who approved the preview (a user name or API key id), for the audit log.
    pub actor: String,
    /// The confirmed plan as JSON text, for the audit log.
    pub plan_json: String,
    /// The version of the catalog snapshot the caller holds now. A receipt made against
    /// another version is stale.
    pub current_catalog: CatalogVersion,
    /// The key that makes apply exactly-once; by default the receipt's token, so each approved
    /// preview applies at most once. At most 191 characters.
    pub idempotency_key: Option<String>,
}

/// The longest idempotency key (MySQL indexes at most 191 four-byte characters).
pub(crate) const MAX_KEY_CHARS: usize = 191;
