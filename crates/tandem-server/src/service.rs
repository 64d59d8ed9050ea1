//! The seam between HTTP (and MCP) and the session service: what the handlers need, in the
//! server's own wire types. An adapter over `tandem_agent`'s session service implements it;
//! the handlers never see the agent's storage types, so the wire format changes only here.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tandem_agent::{Event, Ledger, Plan, PlanEdit, Stage};
use tokio::sync::broadcast;
use utoipa::ToSchema;

/// Where a turn stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TurnStatus {
    Planning,
    AwaitingConfirmation,
    Running,
    Answered,
    Failed,
    Cancelled,
    /// A transform's sandbox preview waits for a person to apply, export or cancel it.
    AwaitingApproval,
    /// The previewed transform was applied.
    Applied,
    /// The previewed transform was exported as a migration file.
    Exported,
}

impl TurnStatus {
    /// A background task works on the turn (it waits for nobody).
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
}

/// One question of a session and everything known about it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Turn {
    pub session: String,
    /// 0 for the session's first question, then one per follow-up.
    pub turn: u32,
    /// Grows with every change, so a client can drop stale updates.
    pub revision: u64,
    pub question: String,
    pub status: TurnStatus,
    /// The Plan JSON (see tandem-agent's `Plan`), once the small model wrote it.
    #[schema(value_type = Option<Object>)]
    pub plan: Option<Plan>,
    /// Every pipeline stage the turn passed through, in order.
    #[schema(value_type = Vec<String>)]
    pub trace: Vec<Stage>,
    pub catalog_version: String,
    /// What the turn cost, per tier (see tandem-agent's `Ledger`).
    #[schema(value_type = Object)]
    pub ledger: Ledger,
    pub answer: Option<Answer>,
    /// A transform's sandbox preview: what applying it would write, and its quality checks.
    pub preview: Option<Preview>,
    pub error: Option<TurnError>,
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
}

/// What a transform would write, measured in the sandbox (the database itself is unchanged
/// until the preview is applied).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Preview {
    /// The statements as validated, in the order they run.
    pub sql: Vec<String>,
    /// The table or view written.
    pub target: String,
    /// `create_as_select`, `insert_select`, `upsert` or `replace`.
    pub write: String,
    /// How the sandbox kept the database unchanged (`file_copy`, `rolled_back_transaction`, …).
    pub method: String,
    pub rows_affected: u64,
    /// Rows in the target once the transform ran.
    pub target_rows: u64,
    /// The target's columns and a sample of its rows after the transform.
    pub columns: Vec<AnswerColumn>,
    #[schema(value_type = Vec<Vec<Object>>)]
    pub sample: Vec<Vec<serde_json::Value>>,
    pub checks: Vec<QualityCheck>,
    /// Every check passed: the preview may be applied.
    pub can_apply: bool,
    pub notes: Vec<String>,
    /// Set once the transform was applied.
    pub applied: Option<Applied>,
    /// Set once the transform was exported as a migration instead.
    pub migration: Option<Migration>,
}

/// One quality expectation of a transform and what the preview found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QualityCheck {
    /// `unique`, `not_null` or `row_count`.
    pub code: String,
    /// The check in words, e.g. "unique (country)".
    pub check: String,
    pub passed: bool,
    pub observed: u64,
    pub detail: String,
}

/// The transform as applied, from the audit log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Applied {
    pub applied_at: String,
    /// Who approved it: the API key's name (`anonymous` when the server has no keys).
    pub actor: String,
    pub rows_affected: u64,
}

/// The transform as a SQL migration file, for review and a deployment of its own.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Migration {
    pub file_name: String,
    pub sql: String,
}

/// The rows of an answered turn and the SQL that produced them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Answer {
    pub sql: String,
    pub columns: Vec<AnswerColumn>,
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<serde_json::Value>>,
    /// The executor stopped at its row or byte cap.
    pub truncated: bool,
    pub from_cache: bool,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnswerColumn {
    pub name: String,
    pub type_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TurnError {
    pub code: String,
    pub message: String,
}

/// Progress of one turn, as the service broadcasts it.
#[derive(Debug, Clone)]
pub struct TurnEvent {
    pub session: String,
    pub turn: u32,
    pub kind: TurnEventKind,
}

#[derive(Debug, Clone)]
pub enum TurnEventKind {
    /// A pipeline stage started, finished, produced SQL or rows.
    Progress(Event),
    /// The turn's status changed.
    Status(TurnStatus),
}

/// Rows from [`SessionService::run_sql`].
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SqlResult {
    /// The SQL as validated and run (normalised, row cap applied).
    pub sql: String,
    pub columns: Vec<AnswerColumn>,
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<serde_json::Value>>,
    pub truncated: bool,
}

/// A refusal or failure of the session service, with its stable code.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ServiceError {
    pub code: String,
    pub message: String,
}

impl ServiceError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into() }
    }
}

/// What the HTTP API and the MCP tools drive. Session ids are the service's own strings; an id
/// that does not parse is the service's `bad_session_id`.
#[async_trait]
pub trait SessionService: Send + Sync + 'static {
    /// Starts a session with its first question; planning runs in the background.
    async fn start(&self, question: &str) -> Result<Turn, ServiceError>;
    /// A further question in a settled session.
    async fn follow_up(&self, session: &str, question: &str) -> Result<Turn, ServiceError>;
    /// Approves the plan awaiting confirmation after applying `edits` (all or nothing).
    async fn confirm(&self, session: &str, edits: Vec<PlanEdit>) -> Result<Turn, ServiceError>;
    async fn cancel(&self, session: &str) -> Result<Turn, ServiceError>;
    async fn latest(&self, session: &str) -> Result<Turn, ServiceError>;
    async fn turns(&self, session: &str) -> Result<Vec<Turn>, ServiceError>;
    /// Waits until the latest turn is not busy: awaiting confirmation, or settled.
    async fn wait_settled(&self, session: &str) -> Result<Turn, ServiceError>;
    /// Every session's progress; receivers filter by session.
    fn subscribe(&self) -> broadcast::Receiver<TurnEvent>;
    /// Applies the transform preview the latest turn waits with, in one transaction, and
    /// records `actor` in the audit log. A preview the catalog or data moved under is run
    /// again and refused as `preview_changed` (nothing written).
    async fn apply(&self, session: &str, actor: &str) -> Result<Turn, ServiceError>;
    /// Ends the waiting transform as a SQL migration (the turn keeps its text); nothing is written.
    async fn export(&self, session: &str, actor: &str) -> Result<Turn, ServiceError>;
    /// Sends the waiting transform back to its plan, to edit and confirm again.
    async fn revise(&self, session: &str) -> Result<Turn, ServiceError>;
    /// Validates `sql` against the catalog and the read-only policy, then runs it in the
    /// sandbox. Refusals are `invalid_sql` with the validator's findings in the message.
    async fn run_sql(&self, sql: &str) -> Result<SqlResult, ServiceError>;
    /// Whether the service can take questions (models wired, index built).
    fn is_ready(&self) -> bool {
        true
    }
}
