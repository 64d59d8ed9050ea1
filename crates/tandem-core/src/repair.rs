//! Where a failure goes to be repaired (DESIGN §1.7).

use serde::{Deserialize, Serialize};

/// The repair route of a failed step. Validator violations and database errors each map to
/// one of these; the agent's repair loop dispatches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepairTier {
    /// Tier 0: a deterministic fix exists; no model is needed.
    Rules,
    /// Tier 1: the small model, given the error and the schema slice (syntax, wrong columns,
    /// type mismatches).
    Small,
    /// Tier 2: the large model (logic errors: plan conformance, implausible results, grain).
    Large,
    /// Not worth a retry (timeout, permission, connection): straight to the user.
    NotRetryable,
}

impl RepairTier {
    pub fn as_str(self) -> &'static str {
        match self {
            RepairTier::Rules => "rules",
            RepairTier::Small => "small",
            RepairTier::Large => "large",
            RepairTier::NotRetryable => "not_retryable",
        }
    }
}
