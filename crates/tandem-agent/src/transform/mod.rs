//! ETL transforms through the pipeline (DESIGN §1b): a request that writes a table or view is
//! classified ([`Intent`]), planned with a transform section ([`crate::TransformPlan`]: target,
//! write mode, expectations) that the person confirms or edits like any plan, written by the
//! large model from the plan-scoped prompt, validated against the transform policy, and run in
//! the database's sandbox. The pipeline stops at the [`TransformPreview`]; only
//! [`crate::Pipeline::apply`] (the person's approval) or [`crate::Pipeline::export`] goes
//! further, through the `tandem_exec::Transformer`, which refuses a stale or failed preview.

mod declare;
mod intent;
pub(crate) mod run;

use tandem_exec::Preview;
use tandem_sql::ValidatedTransform;

use crate::ledger::Ledger;
use crate::plan::{Plan, PlanHash};
use crate::stage::Stage;

pub(crate) use declare::{ground, settle};
pub use declare::{spec_for, transform_problems};
pub(crate) use intent::classify;
pub use intent::{Intent, classify_by_rules};

/// A transform that ran in the sandbox and waits for the person's approval. Its checks passed
/// unless the repairs ran out ([`TransformPreview::can_apply`] says which).
#[derive(Debug, Clone)]
pub struct TransformPreview {
    pub question: String,
    pub plan: Plan,
    pub plan_hash: PlanHash,
    /// The statements as validated (normalised), in order.
    pub sql: Vec<String>,
    pub preview: Preview,
    pub ledger: Ledger,
    pub trace: Vec<Stage>,
    pub notes: Vec<String>,
    pub(crate) transform: ValidatedTransform,
}

impl TransformPreview {
    /// Whether every quality check passed, so apply may run.
    pub fn can_apply(&self) -> bool {
        self.preview.passed()
    }

    /// The validated transform the preview ran.
    pub fn validated(&self) -> &ValidatedTransform {
        &self.transform
    }

    /// The statements as one script.
    pub fn script(&self) -> String {
        self.sql.iter().map(|s| format!("{s};")).collect::<Vec<_>>().join("\n")
    }
}

/// An applied transform: the audit record and the ledger with the apply counted.
#[derive(Debug, Clone)]
pub struct Applied {
    pub record: tandem_exec::AuditRecord,
    pub ledger: Ledger,
    pub trace: Vec<Stage>,
}
