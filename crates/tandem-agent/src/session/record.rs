//! What a store keeps of a turn, in plain serialisable data.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tandem_exec::{Rows, Value};

use crate::error::AgentError;
use crate::ledger::Ledger;
use crate::pipeline::Answer;
use crate::plan::Plan;
use crate::stage::Stage;

/// An opaque, unguessable session identifier (128 random bits, hex).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SessionId(String);

impl SessionId {
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// Reads an identifier a client sent back; anything but 32 lowercase hex digits is refused.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let well_formed = text.len() == 32 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        well_formed.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for SessionId {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or_else(|| format!("`{text}` is not a session id"))
    }
}

impl From<SessionId> for String {
    fn from(id: SessionId) -> Self {
        id.0
    }
}

/// Where a turn stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnStatus {
    /// The small model is writing the plan.
    Planning,
    /// The plan waits for a person to approve, edit or cancel it.
    AwaitingConfirmation,
    /// Confirmed: generating, validating, executing, repairing.
    Running,
    Answered,
    Failed,
    Cancelled,
    /// A transform ran in the sandbox; its preview waits for a person to apply, export or
    /// cancel it.
    AwaitingApproval,
    /// The previewed transform was applied to the database.
    Applied,
    /// The previewed transform was exported as a migration file instead of applied.
    Exported,
}

impl TurnStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TurnStatus::Planning => "planning",
            TurnStatus::AwaitingConfirmation => "awaiting_confirmation",
            TurnStatus::Running => "running",
            TurnStatus::Answered => "answered",
            TurnStatus::Failed => "failed",
            TurnStatus::Cancelled => "cancelled",
            TurnStatus::AwaitingApproval => "awaiting_approval",
            TurnStatus::Applied => "applied",
            TurnStatus::Exported => "exported",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    pub const ALL: [TurnStatus; 9] = [
        Self::Planning,
        Self::AwaitingConfirmation,
        Self::Running,
        Self::Answered,
        Self::Failed,
        Self::Cancelled,
        Self::AwaitingApproval,
        Self::Applied,
        Self::Exported,
    ];

    /// A background task works on the turn (it is not waiting for anyone).
    pub fn is_busy(self) -> bool {
        matches!(self, TurnStatus::Planning | TurnStatus::Running)
    }

    /// The turn is over: answered, applied, exported, failed or cancelled.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            TurnStatus::Answered
                | TurnStatus::Applied
                | TurnStatus::Exported
                | TurnStatus::Failed
                | TurnStatus::Cancelled
        )
    }

    /// A person must act before the turn goes on (confirm a plan, approve a preview).
    pub fn awaits_person(self) -> bool {
        matches!(self, TurnStatus::AwaitingConfirmation | TurnStatus::AwaitingApproval)
    }
}

/// One question of a session as stored: enough to show it, resume it, or follow up on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnRecord {
    pub session: SessionId,
    /// 0 for the first question, then one more per follow-up.
    pub turn: u32,
    /// Bumped at every write; a store refuses a write based on an older revision.
    pub revision: u64,
    pub question: String,
    pub status: TurnStatus,
    pub plan: Option<Plan>,
    /// The pipeline stages passed so far.
    pub trace: Vec<Stage>,
    /// The catalog version (hex) the plan was checked against.
    pub catalog_version: String,
    pub ledger: Ledger,
    pub answer: Option<AnswerRecord>,
    /// A transform's sandbox preview (and, once applied or exported, what happened).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<PreviewRecord>,
    pub error: Option<TurnError>,
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
}

impl TurnRecord {
    /// A new turn, planning, at revision 0.
    pub fn new(session: SessionId, turn: u32, question: &str, catalog_version: String) -> Self {
        let now = now_ms();
        Self {
            session,
            turn,
            revision: 0,
            question: question.trim().to_owned(),
            status: TurnStatus::Planning,
            plan: None,
            trace: Vec::new(),
            catalog_version,
            ledger: Ledger::default(),
            answer: None,
            preview: None,
            error: None,
            created_at_ms: now,
            updated_at_ms: now,
        }
    }
}

/// The answer as stored: rows as JSON values, so any UI can show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub sql: String,
    pub columns: Vec<AnswerColumn>,
    pub rows: Vec<Vec<serde_json::Value>>,
    pub truncated: bool,
    pub from_cache: bool,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerColumn {
    pub name: String,
    pub type_name: String,
}

impl AnswerRecord {
    pub(crate) fn from_answer(answer: &Answer) -> Self {
        Self {
            sql: answer.sql.clone(),
            columns: columns(&answer.rows),
            rows: answer.rows.rows.iter().map(|row| row.iter().map(Value::to_json).collect()).collect(),
            truncated: answer.rows.truncated,
            from_cache: answer.from_cache,
            notes: answer.notes.clone(),
        }
    }
}

fn columns(rows: &Rows) -> Vec<AnswerColumn> {
    rows.columns.iter().map(|c| AnswerColumn { name: c.name.clone(), type_name: c.type_name.clone() }).collect()
}

/// A transform's preview as stored: what it would write, and each quality check's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRecord {
    /// The statements as validated, in order.
    pub sql: Vec<String>,
    pub target: String,
    pub write: String,
    /// How the database stayed unchanged (`file_copy`, `rolled_back_transaction`, `temporary_table`).
    pub method: String,
    pub rows_affected: u64,
    pub target_rows: u64,
    /// The target's columns and a sample of its rows after the transform.
    pub columns: Vec<AnswerColumn>,
    pub sample: Vec<Vec<serde_json::Value>>,
    pub checks: Vec<CheckRecord>,
    pub can_apply: bool,
    pub notes: Vec<String>,
    /// Set once applied.
    #[serde(default)]
    pub applied: Option<AppliedRecord>,
    /// Set once exported.
    #[serde(default)]
    pub migration: Option<MigrationRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRecord {
    /// `unique`, `not_null` or `row_count`.
    pub code: String,
    /// The check in words ("unique (country)").
    pub check: String,
    pub passed: bool,
    pub observed: u64,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedRecord {
    pub idempotency_key: String,
    pub applied_at: String,
    pub actor: String,
    pub rows_affected: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationRecord {
    pub file_name: String,
    pub sql: String,
}

impl PreviewRecord {
    pub(crate) fn from_preview(preview: &crate::transform::TransformPreview) -> Self {
        let p = &preview.preview;
        let spec = preview.validated().spec();
        Self {
            sql: preview.sql.clone(),
            target: spec.target.to_string(),
            write: spec.write.as_str().to_owned(),
            method: p.method.as_str().to_owned(),
            rows_affected: p.rows_affected,
            target_rows: p.target_rows,
            columns: p
                .columns
                .iter()
                .map(|c| AnswerColumn { name: c.name.clone(), type_name: c.type_name.clone() })
                .collect(),
            sample: p.sample.rows.iter().map(|row| row.iter().map(Value::to_json).collect()).collect(),
            checks: p
                .checks
                .iter()
                .map(|c| CheckRecord {
                    code: c.check.code().to_owned(),
                    check: c.check.to_string(),
                    passed: c.passed,
                    observed: c.observed,
                    detail: c.detail.clone(),
                })
                .collect(),
            can_apply: preview.can_apply(),
            notes: preview.notes.clone(),
            applied: None,
            migration: None,
        }
    }
}

/// Why a turn failed, for people (`message`) and programs (`code`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnError {
    pub code: String,
    pub message: String,
}

impl From<&AgentError> for TurnError {
    /// The message carries the whole cause chain ("the small model call failed: the prompt
    /// has 4,210 tokens, the context 4,096"), so a person can act on it.
    fn from(error: &AgentError) -> Self {
        let mut message = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        Self { code: error.code().to_owned(), message }
    }
}

pub(crate) fn now_ms() -> u64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_round_trip_and_refuse_junk() {
        let id = SessionId::random();
        assert_eq!(SessionId::parse(id.as_str()), Some(id.clone()));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<SessionId>(&json).unwrap(), id);
        for junk in ["", "x", "../etc/passwd", "ABCDEF00000000000000000000000000", &"a".repeat(33)] {
            assert_eq!(SessionId::parse(junk), None, "{junk}");
        }
        assert!(serde_json::from_str::<SessionId>("\"nope\"").is_err());
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in TurnStatus::ALL {
            assert_eq!(TurnStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
            assert!(!(status.is_busy() && status.is_settled()));
        }
    }

    #[test]
    fn values_become_json() {
        assert_eq!(Value::Float(f64::NAN).to_json(), serde_json::Value::Null);
        assert_eq!(Value::Bytes(vec![0, 255]).to_json(), serde_json::json!("\\x00ff"));
        assert_eq!(Value::Int(-3).to_json(), serde_json::json!(-3));
    }
}
