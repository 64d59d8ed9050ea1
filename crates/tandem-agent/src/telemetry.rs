//! The pipeline's own metrics, named once: retrieval recall per answer, repair rounds by tier
//! and outcome, and sandbox timeouts. Recorded through the `metrics` facade, so they go
//! wherever the composition root installed a recorder (`tandem serve`: Prometheus `/metrics`)
//! and nowhere otherwise.
//!
//! Names follow `tandem_<subsystem>_<what>_<unit>`; labels stay low-cardinality.

use tandem_core::{Dialect, RepairTier, TableName};
use tandem_retrieval::SchemaSlice;

/// Counter: tables in the retrieved slice of answered questions.
pub const TABLES_RETRIEVED_TOTAL: &str = "tandem_retrieval_tables_retrieved_total";
/// Counter: tables the final SQL of answered questions read.
pub const TABLES_USED_TOTAL: &str = "tandem_retrieval_tables_used_total";
/// Counter: of the tables the final SQL read, those the slice held (retrieval's hits).
pub const TABLES_USED_IN_SLICE_TOTAL: &str = "tandem_retrieval_tables_used_in_slice_total";
/// Histogram: per answered question, the share of the final SQL's tables that the slice held
/// (1.0: retrieval found every table the answer needed). Not recorded for SQL that reads no
/// table.
pub const RECALL_RATIO: &str = "tandem_retrieval_recall_ratio";
/// Counter: repair rounds by how they ended. Labels `tier` (`rules`, `small`, `large`) and
/// `outcome`: `fixed` (the round's SQL was the answer), `failed` (it was not: another round
/// followed, or the question ended otherwise), `budget_exhausted` (the loop gave up because
/// the tier it needed next had no budget left; counted once per give-up, under that tier).
/// A round cut short by a cancel or the question's deadline is not counted.
pub const REPAIRS_TOTAL: &str = "tandem_pipeline_repairs_total";
/// Counter: statements the read-only sandbox stopped at its time limit. Label `dialect`.
pub const SANDBOX_TIMEOUTS_TOTAL: &str = "tandem_exec_sandbox_timeouts_total";

pub const LABEL_TIER: &str = "tier";
pub const LABEL_OUTCOME: &str = "outcome";
pub const LABEL_DIALECT: &str = "dialect";

/// How a repair round ended, for [`REPAIRS_TOTAL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairOutcome {
    Fixed,
    Failed,
    BudgetExhausted,
}

impl RepairOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RepairOutcome::Fixed => "fixed",
            RepairOutcome::Failed => "failed",
            RepairOutcome::BudgetExhausted => "budget_exhausted",
        }
    }
}

/// Registers units and help texts with the installed recorder; the composition root calls it.
pub fn describe() {
    use metrics::{Unit, describe_counter, describe_histogram};

    describe_counter!(TABLES_RETRIEVED_TOTAL, Unit::Count, "Tables in the retrieved slice of answered questions.");
    describe_counter!(TABLES_USED_TOTAL, Unit::Count, "Tables the final SQL of answered questions read.");
    describe_counter!(TABLES_USED_IN_SLICE_TOTAL, Unit::Count, "Tables the final SQL read that the slice held.");
    describe_histogram!(RECALL_RATIO, "Share of the final SQL's tables that the retrieved slice held, per answer.");
    describe_counter!(REPAIRS_TOTAL, Unit::Count, "Repair rounds by tier and outcome.");
    describe_counter!(SANDBOX_TIMEOUTS_TOTAL, Unit::Count, "Statements stopped at the sandbox's time limit.");
}

/// What retrieval offered against what the answer needed.
pub(crate) fn record_recall(slice: &SchemaSlice, used: &[TableName]) {
    let n_in_slice = used.iter().filter(|t| slice.contains(t.schema.as_deref(), &t.name)).count();
    metrics::counter!(TABLES_RETRIEVED_TOTAL).increment(slice.tables.len() as u64);
    metrics::counter!(TABLES_USED_TOTAL).increment(used.len() as u64);
    metrics::counter!(TABLES_USED_IN_SLICE_TOTAL).increment(n_in_slice as u64);
    if !used.is_empty() {
        let ratio = n_in_slice as f64 / used.len() as f64;
        metrics::histogram!(RECALL_RATIO).record(ratio);
    }
}

pub(crate) fn record_repair(tier: RepairTier, outcome: RepairOutcome) {
    metrics::counter!(REPAIRS_TOTAL, LABEL_TIER => tier.as_str(), LABEL_OUTCOME => outcome.as_str()).increment(1);
}

/// Also called by whatever else runs validated SQL (the server's `run_sql`), so the counter
/// covers every sandbox.
pub fn record_sandbox_timeout(dialect: Dialect) {
    metrics::counter!(SANDBOX_TIMEOUTS_TOTAL, LABEL_DIALECT => dialect.as_str()).increment(1);
}
