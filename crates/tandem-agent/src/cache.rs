//! The plan-keyed SQL cache: a confirmed plan identical (by canonical hash) to an earlier one
//! on the same catalog version reuses that plan's SQL with no large-model call.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tandem_core::CatalogVersion;

use crate::plan::PlanHash;

/// Shared between pipelines (wrap it in an `Arc`), so a new pipeline built for a refreshed
/// catalog meets the old entries and drops them.
#[derive(Debug)]
pub struct PlanCache {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    version: Option<CatalogVersion>,
    entries: HashMap<PlanHash, String>,
    /// Insertion order, oldest first, for eviction at capacity.
    order: VecDeque<PlanHash>,
}

impl PlanCache {
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), state: Mutex::new(State::default()) }
    }

    /// The SQL cached for `plan` on `version`. A different version empties the cache first:
    /// SQL written for another catalog may name columns that no longer exist.
    pub fn get(&self, version: CatalogVersion, plan: PlanHash) -> Option<String> {
        let mut state = self.lock();
        state.switch_to(version);
        state.entries.get(&plan).cloned()
    }

    pub fn insert(&self, version: CatalogVersion, plan: PlanHash, sql: String) {
        let mut state = self.lock();
        state.switch_to(version);
        if state.entries.insert(plan, sql).is_none() {
            state.order.push_back(plan);
        }
        while state.entries.len() > self.capacity {
            let Some(oldest) = state.order.pop_front() else { break };
            state.entries.remove(&oldest);
        }
    }

    /// Drops an entry whose SQL no longer validates or runs.
    pub fn remove(&self, plan: PlanHash) {
        let mut state = self.lock();
        state.entries.remove(&plan);
        state.order.retain(|p| *p != plan);
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not disable caching for the rest of the process.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for PlanCache {
    fn default() -> Self {
        Self::new(1_024)
    }
}

impl State {
    fn switch_to(&mut self, version: CatalogVersion) {
        if self.version != Some(version) {
            self.entries.clear();
            self.order.clear();
            self.version = Some(version);
        }
    }
}

#[cfg(test)]
mod tests {
    use tandem_core::{Catalog, Column, Table, TableName};

    use super::*;
    use crate::plan::Plan;

    #[test]
    fn a_new_catalog_version_empties_the_cache_and_capacity_evicts_oldest() {
        let v1 = Catalog::new(vec![Table::new(TableName::new("a"), vec![Column::new("x", "int")])]).version();
        let v2 = Catalog::new(vec![Table::new(TableName::new("b"), vec![Column::new("x", "int")])]).version();
        let mut plan = Plan::new();
        let first = plan.canonical_hash();
        plan.limit = Some(1);
        let second = plan.canonical_hash();
        let cache = PlanCache::new(1);
        cache.insert(v1, first, "SELECT 1".into());
        assert_eq!(cache.get(v1, first).as_deref(), Some("SELECT 1"));
        cache.insert(v1, second, "SELECT 2".into());
        assert_eq!(cache.get(v1, first), None);
        assert_eq!(cache.get(v2, second), None);
        assert!(cache.is_empty());
    }
}
