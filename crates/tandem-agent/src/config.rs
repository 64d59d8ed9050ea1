//! How a deployment runs the pipeline: the confirm policy, routing, budgets, limits and prices.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tandem_exec::Limits;

use crate::ledger::Prices;

/// When a person must approve the plan before any large-model token is spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmPolicy {
    #[default]
    Always,
    /// Only plans with open questions or marked complex.
    WhenAmbiguous,
    /// Batch and evaluation runs: plans are confirmed by the policy itself.
    Never,
}

/// Which model writes the first SQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    /// The large model writes the SQL (the seed's default).
    #[default]
    Large,
    /// Plans marked simple, and one-table plans not marked complex, go to the small model
    /// first and escalate to the large on failure.
    Cascade,
}

/// Attempts per repair tier for one question. Tier 0 counts rule passes that applied fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepairBudgets {
    pub rules: u32,
    pub small: u32,
    pub large: u32,
}

impl Default for RepairBudgets {
    fn default() -> Self {
        Self { rules: 3, small: 2, large: 2 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentConfig {
    pub confirm: ConfirmPolicy,
    pub routing: Routing,
    /// Token budget of the schema slice handed to the planner.
    pub slice_budget_tokens: u32,
    pub budgets: RepairBudgets,
    /// Rows the validator caps the query at and the executor keeps.
    pub max_rows: u64,
    pub max_result_bytes: usize,
    pub exec_timeout_ms: u64,
    /// Wall-clock limit for planning, and again for generating through answering; past it
    /// the question ends with a typed error instead of hanging.
    pub deadline_ms: u64,
    pub plan_max_tokens: u32,
    pub plan_attempts: u32,
    pub sql_max_tokens: u32,
    pub small_prices: Prices,
    pub large_prices: Prices,
}

impl Default for AgentConfig {
    fn default() -> Self {
        Self {
            confirm: ConfirmPolicy::default(),
            routing: Routing::default(),
            slice_budget_tokens: 4_000,
            budgets: RepairBudgets::default(),
            max_rows: 1_000,
            max_result_bytes: 4 << 20,
            exec_timeout_ms: 10_000,
            deadline_ms: 600_000,
            plan_max_tokens: 1_024,
            plan_attempts: 2,
            sql_max_tokens: 512,
            small_prices: Prices::default(),
            large_prices: Prices::default(),
        }
    }
}

impl AgentConfig {
    pub(crate) fn deadline(&self) -> Duration {
        Duration::from_millis(self.deadline_ms)
    }

    pub(crate) fn limits(&self) -> Limits {
        Limits {
            max_rows: usize::try_from(self.max_rows).unwrap_or(usize::MAX),
            max_bytes: self.max_result_bytes,
            timeout: Duration::from_millis(self.exec_timeout_ms),
        }
    }
}
