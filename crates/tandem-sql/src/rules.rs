//! Tier 0 as a loop: validate, apply every fix while all blocking violations have one,
//! validate again. Some fixes only become visible after others (an unknown table hides its
//! columns' typos), so a few rounds are allowed; the loop always ends.

use tandem_core::{Catalog, RepairTier};

use crate::fix::{Fix, apply_fix, apply_fixes};
use crate::policy::Policy;
use crate::validate::validate;
use crate::validated::ValidatedSql;
use crate::violation::Rejection;

/// At most this many rounds of fixes.
const MAX_ROUNDS: usize = 4;

/// The outcome of [`repair_with_rules`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRepair {
    /// The SQL after the applied fixes (the input when none applied).
    pub sql: String,
    /// The fixes applied, in order, for the transcript and the ledger.
    pub applied: Vec<Fix>,
    /// The last validation: valid, or a rejection that tier 0 cannot repair.
    pub outcome: Result<ValidatedSql, Rejection>,
}

/// Validates `sql`, repairing it with tier-0 fixes while every blocking violation has one.
pub fn repair_with_rules(sql: &str, policy: &Policy, catalog: &Catalog) -> RuleRepair {
    let mut current = sql.to_owned();
    let mut applied = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let rejection = match validate(&current, policy, catalog) {
            Ok(valid) => return RuleRepair { sql: current, applied, outcome: Ok(valid) },
            Err(rejection) if rejection.repair_tier() != RepairTier::Rules => {
                return RuleRepair { sql: current, applied, outcome: Err(rejection) };
            }
            Err(rejection) => rejection,
        };
        let fixes: Vec<&Fix> = rejection.fixes().collect();
        // Overlapping fixes (a rename inside a rewritten call) go one at a time.
        let next = apply_fixes(&current, fixes.iter().copied()).map(|sql| (sql, fixes.len())).or_else(|_| {
            fixes.first().map_or(Err(()), |fix| apply_fix(&current, fix).map(|sql| (sql, 1)).map_err(|_| ()))
        });
        match next {
            Ok((sql, n_applied)) => {
                applied.extend(fixes.into_iter().take(n_applied).cloned());
                current = sql;
            }
            Err(()) => return RuleRepair { sql: current, applied, outcome: Err(rejection) },
        }
    }
    let outcome = validate(&current, policy, catalog);
    RuleRepair { sql: current, applied, outcome }
}
