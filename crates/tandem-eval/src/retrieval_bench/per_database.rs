//! Spider questions against their own database's schema: a schema that fits the budget must
//! pass whole, so every gold table is found.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tandem_retrieval::{Embedder, SchemaIndex, TokenCounter};

use super::RetrievalBenchConfig;
use super::score::{ratio, tables_found};
use crate::datasets::{SpiderDatabase, SpiderQuestion, gold_tables};

/// Spider questions against their own database's schema, at each budget.
#[derive(Debug, Clone, Serialize)]
pub struct PerDatabaseReport {
    pub n_questions: usize,
    /// Distinct databases of the questions.
    pub n_databases: usize,
    /// One point per budget: the main budget first, then the sweep's.
    pub points: Vec<PerDatabasePoint>,
}

/// Per-database recall at one budget.
#[derive(Debug, Clone, Serialize)]
pub struct PerDatabasePoint {
    pub budget_tokens: u32,
    /// Databases that render whole within the budget.
    pub n_databases_fitting: usize,
    /// Questions whose database renders within the budget.
    pub n_fitting: usize,
    /// Table recall over the fitting questions (must be 1: they pass whole).
    pub table_recall_fitting: f64,
    /// Fitting questions whose slice was marked whole.
    pub n_fitting_whole: usize,
    /// Table recall over all questions (the others go through retrieval).
    pub table_recall: f64,
}

pub(super) fn bench_per_database(
    databases: &[SpiderDatabase],
    dev: &[SpiderQuestion],
    config: &RetrievalBenchConfig,
    embedder: &Option<Arc<dyn Embedder>>,
    counter: &Arc<dyn TokenCounter>,
) -> PerDatabaseReport {
    let mut indexes: HashMap<&str, SchemaIndex> = HashMap::new();
    let mut cases = Vec::new();
    for q in dev {
        let Some(db) = databases.iter().find(|d| d.db_id == q.db_id) else { continue };
        let gold = gold_tables(&q.query, &db.catalog, None);
        if gold.is_empty() {
            continue;
        }
        indexes.entry(&db.db_id).or_insert_with(|| {
            SchemaIndex::build(Arc::new(db.catalog.clone()), embedder.clone(), counter.clone(), config.index.clone())
        });
        cases.push((db.db_id.as_str(), q.question.as_str(), gold));
    }
    let mut budgets = vec![config.budget_tokens];
    budgets.extend(config.sweep_budgets_tokens.iter().filter(|&&b| b != config.budget_tokens));
    let points = budgets
        .into_iter()
        .map(|budget| {
            let (mut n_fitting, mut hits, mut hits_fitting, mut n_whole) = (0usize, 0usize, 0usize, 0usize);
            for (db, question, gold) in &cases {
                let Some(index) = indexes.get(db) else { continue };
                let slice = index.retrieve(question, budget);
                let all = tables_found(&slice, index.catalog(), gold) == gold.len();
                hits += usize::from(all);
                if index.full_tokens() <= budget {
                    n_fitting += 1;
                    hits_fitting += usize::from(all);
                    n_whole += usize::from(slice.whole);
                }
            }
            PerDatabasePoint {
                budget_tokens: budget,
                n_databases_fitting: indexes.values().filter(|i| i.full_tokens() <= budget).count(),
                n_fitting,
                table_recall_fitting: ratio(hits_fitting, n_fitting),
                n_fitting_whole: n_whole,
                table_recall: ratio(hits, cases.len()),
            }
        })
        .collect();
    PerDatabaseReport { n_questions: cases.len(), n_databases: indexes.len(), points }
}
