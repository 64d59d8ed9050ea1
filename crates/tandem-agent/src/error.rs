//! Everything that ends a question without an answer, typed so UIs can say what happened.

use tandem_core::RepairTier;
use tandem_exec::ExecError;
use tandem_llm::LlmError;

use crate::stage::Stage;

/// Why a question, a plan edit or a stage transition failed.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The question is empty or only whitespace.
    #[error("the question is empty")]
    EmptyQuestion,
    /// A model call failed outright (connection, timeout, admission refusal).
    #[error("the {tier} model call failed")]
    Model {
        tier: ModelTier,
        #[source]
        source: LlmError,
    },
    /// The planner's reply held no usable plan.
    #[error("the small model's plan could not be read: {detail}")]
    UnreadablePlan { detail: String },
    /// After checking against the catalog no table of the plan was left.
    #[error("the plan names no table of the catalog")]
    PlanHasNoTables,
    /// A plan edit would break the plan.
    #[error("plan edit {index} was rejected: {reason}")]
    InvalidEdit { index: usize, reason: EditRejection },
    /// A stored plan no longer fits the catalog, which changed since it was made.
    #[error("the catalog changed and the stored plan no longer fits it: {reason}")]
    StalePlan { reason: EditRejection },
    /// The plan needs a person's approval before any large-model call.
    #[error("the plan awaits confirmation")]
    ConfirmationRequired,
    /// The person cancelled the question.
    #[error("the question was cancelled")]
    Cancelled,
    /// A stage was asked to move where the state machine does not go.
    #[error("cannot move from stage {from:?} to {to:?}")]
    InvalidTransition { from: Stage, to: Stage },
    /// A failure that no retry can fix (timeout, permission, connection, a forbidden
    /// statement).
    #[error("not retryable: {detail}")]
    NotRetryable {
        detail: String,
        #[source]
        source: Option<ExecError>,
    },
    /// The stage ran past the question's deadline; its model call or statement was dropped,
    /// which cancels it.
    #[error("{stage:?} did not finish within the deadline of {deadline_ms} ms")]
    DeadlineExceeded { stage: Stage, deadline_ms: u64 },
    /// The request writes a table, and this deployment has no transformer for its database.
    #[error("this request writes a table or view, and transforms are not enabled for this database")]
    TransformsDisabled,
    /// The transform plan cannot run as it stands; a person fixes it by editing the plan.
    #[error("the transform plan cannot run: {}", problems.join("; "))]
    InvalidTransform { problems: Vec<String> },
    /// Previewing, applying or exporting a transform failed in the database layer.
    #[error("the transform failed")]
    Transform {
        #[source]
        source: ExecError,
    },
    /// Every repair tier spent its attempts; the last failure is attached.
    #[error("repair budgets exhausted after {n_attempts} attempts; last failure ({tier:?}): {last_failure}")]
    RepairBudgetExhausted { n_attempts: u32, tier: RepairTier, last_failure: String },
}

impl AgentError {
    /// A stable machine code for UIs and API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AgentError::EmptyQuestion => "empty_question",
            AgentError::Model { .. } => "model_failed",
            AgentError::UnreadablePlan { .. } => "unreadable_plan",
            AgentError::PlanHasNoTables => "plan_has_no_tables",
            AgentError::InvalidEdit { .. } => "invalid_edit",
            AgentError::StalePlan { .. } => "stale_plan",
            AgentError::ConfirmationRequired => "confirmation_required",
            AgentError::Cancelled => "cancelled",
            AgentError::InvalidTransition { .. } => "invalid_transition",
            AgentError::NotRetryable { .. } => "not_retryable",
            AgentError::DeadlineExceeded { .. } => "deadline_exceeded",
            AgentError::RepairBudgetExhausted { .. } => "repair_budget_exhausted",
            AgentError::TransformsDisabled => "transforms_disabled",
            AgentError::InvalidTransform { .. } => "invalid_transform",
            // The database layer's own codes: transform_stale_preview, transform_already_applied, …
            AgentError::Transform { source } => source.code(),
        }
    }
}

/// The model tiers, for errors and the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelTier {
    Small,
    Large,
}

impl std::fmt::Display for ModelTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ModelTier::Small => "small",
            ModelTier::Large => "large",
        })
    }
}

/// Why a [`crate::PlanEdit`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditRejection {
    #[error("table `{table}` is not in the catalog")]
    UnknownTable { table: String },
    #[error("table `{table}` is not in the plan")]
    TableNotInPlan { table: String },
    #[error("column `{column}` is not a column of `{table}`")]
    UnknownColumn { table: String, column: String },
    #[error("the plan would have no tables left")]
    NoTablesLeft,
    #[error("there is no filter number {index}")]
    NoSuchFilter { index: usize },
    #[error("there is no open question number {index}")]
    NoSuchQuestion { index: usize },
    #[error("a filter with operator {op} needs a value")]
    MissingValue { op: String },
    #[error("the plan is a query, not a transform: it has no target to change")]
    NotATransform,
    #[error("`{target}` is not a plain table name: use letters, digits and underscores")]
    InvalidTarget { target: String },
    #[error("the row range {min}..={max} is empty")]
    EmptyRowRange { min: u64, max: u64 },
}
