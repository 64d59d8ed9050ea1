//! `tandem bench retrieval`: how well and how fast schema retrieval finds what gold queries use.
//!
//! On Spider's merged catalog (every database, tables namespaced by database id) each dev
//! question is retrieved at the chosen budget and scored on its gold tables (all present) and
//! gold columns (shown in the slice), with slice size against the full catalog and latency;
//! a sweep repeats the recall at other budgets. Per-database Spider schemas check that a
//! schema that fits passes whole. Spider 2.0-lite's BigQuery, Snowflake and SQLite catalogs
//! (thousands of tables) measure index build time, memory and latency, with recall where gold
//! SQL is available.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tandem_core::Catalog;
use tandem_retrieval::{Embedder, IndexOptions, SchemaIndex, SchemaSlice, TokenCounter};

use crate::datasets::{
    DatasetError, GoldColumn, Spider2Engine, gold_columns, gold_tables, load_spider_dev, load_spider_tables,
    load_spider2_catalog, load_spider2_questions, merged_catalog,
};

/// What to measure.
#[derive(Debug, Clone)]
pub struct RetrievalBenchConfig {
    /// The shared benchmark folder (holding `spider/` and `spider2-lite/`).
    pub bench_dir: PathBuf,
    pub budget_tokens: u32,
    /// Budgets of the recall sweep.
    pub sweep_budgets_tokens: Vec<u32>,
    /// Questions per catalog (all when `None`), for quick runs.
    pub max_questions: Option<usize>,
    /// Also measure Spider 2.0-lite.
    pub spider2: bool,
    pub index: IndexOptions,
}

impl RetrievalBenchConfig {
    pub fn new(bench_dir: impl Into<PathBuf>) -> Self {
        Self {
            bench_dir: bench_dir.into(),
            budget_tokens: 2_000,
            sweep_budgets_tokens: vec![500, 1_000, 2_000, 4_000],
            max_questions: None,
            spider2: true,
            index: IndexOptions::default(),
        }
    }
}

/// The whole benchmark's figures.
#[derive(Debug, Clone, Serialize)]
pub struct RetrievalReport {
    pub budget_tokens: u32,
    /// The dense model's name, or `None` when retrieval ran without one.
    pub embedder: Option<String>,
    pub spider_merged: CatalogReport,
    pub spider_per_database: PerDatabaseReport,
    pub spider2: Vec<CatalogReport>,
}

/// Figures for one catalog.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogReport {
    pub catalog: String,
    pub n_tables: usize,
    pub n_columns: usize,
    /// Questions with resolvable gold tables (the recall denominators).
    pub n_questions: usize,
    pub full_tokens: u32,
    /// Building every index part (rendering, BM25, table embeddings, values, keys).
    pub index_build_ms: f64,
    /// Growth of the process's resident memory over the build, where the OS reports it.
    pub index_rss_bytes: Option<u64>,
    /// Whether the dense model took part.
    pub dense: bool,
    /// Share of questions whose every gold table is in the slice.
    pub table_recall: f64,
    /// Mean share of a question's gold tables in the slice.
    pub table_recall_mean: f64,
    /// Share of questions whose every gold column is shown (Spider only).
    pub column_recall: Option<f64>,
    /// Mean share of a question's gold columns shown (Spider only).
    pub column_recall_mean: Option<f64>,
    /// Share of questions whose slice holds a table of the gold database.
    pub database_hit: f64,
    pub slice_tokens_mean: f64,
    pub slice_tables_mean: f64,
    pub latency_ms_p50: f64,
    pub latency_ms_p95: f64,
    pub latency_ms_p99: f64,
    pub sweep: Vec<BudgetPoint>,
}

/// Recall at one budget.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetPoint {
    pub budget_tokens: u32,
    pub table_recall: f64,
    pub column_recall: Option<f64>,
    pub slice_tokens_mean: f64,
}

/// Spider questions against their own database's schema.
#[derive(Debug, Clone, Serialize)]
pub struct PerDatabaseReport {
    pub n_questions: usize,
    /// Questions whose database renders within the budget.
    pub n_fitting: usize,
    /// Table recall over the fitting questions (should be 1: they pass whole).
    pub table_recall_fitting: f64,
    pub table_recall: f64,
}

/// One scored question.
struct Case {
    question: String,
    schema: Option<String>,
    /// Per gold reference, the catalog tables that satisfy it.
    gold: Vec<Vec<usize>>,
    columns: Vec<GoldColumn>,
}

/// Runs the benchmark. `embedder` is optional (without it retrieval uses BM25, values and
/// keys); `counter` measures budgets.
pub fn run_retrieval_bench(
    config: &RetrievalBenchConfig,
    embedder: Option<Arc<dyn Embedder>>,
    counter: Arc<dyn TokenCounter>,
) -> Result<RetrievalReport, DatasetError> {
    let spider_dir = config.bench_dir.join("spider");
    let databases = load_spider_tables(&spider_dir.join("tables.json"))?;
    let mut dev = load_spider_dev(&spider_dir.join("dev.json"))?;
    if let Some(n) = config.max_questions {
        dev.truncate(n);
    }

    let merged = Arc::new(merged_catalog(&databases));
    let cases: Vec<Case> = dev
        .iter()
        .map(|q| {
            let gold = gold_tables(&q.query, &merged, Some(&q.db_id));
            let flat: Vec<usize> = gold.iter().filter_map(|alternatives| alternatives.first().copied()).collect();
            Case {
                question: q.question.clone(),
                schema: Some(q.db_id.clone()),
                columns: gold_columns(&q.query, &merged, &flat),
                gold,
            }
        })
        .collect();
    tracing::info!(n_tables = merged.tables.len(), n_questions = cases.len(), "retrieval bench: Spider merged");
    let spider_merged = bench_catalog("spider-merged", merged, &cases, true, config, &embedder, &counter);

    let mut per_db_indexes: HashMap<&str, SchemaIndex> = HashMap::new();
    let (mut n_questions, mut n_fitting, mut hits, mut hits_fitting) = (0usize, 0usize, 0usize, 0usize);
    for q in &dev {
        let Some(db) = databases.iter().find(|d| d.db_id == q.db_id) else { continue };
        let index = per_db_indexes.entry(&db.db_id).or_insert_with(|| {
            SchemaIndex::build(Arc::new(db.catalog.clone()), embedder.clone(), counter.clone(), config.index.clone())
        });
        let gold = gold_tables(&q.query, &db.catalog, None);
        if gold.is_empty() {
            continue;
        }
        let slice = index.retrieve(&q.question, config.budget_tokens);
        let all = tables_found(&slice, index.catalog(), &gold) == gold.len();
        n_questions += 1;
        hits += usize::from(all);
        if index.full_tokens() <= config.budget_tokens {
            n_fitting += 1;
            hits_fitting += usize::from(all);
        }
    }
    let spider_per_database = PerDatabaseReport {
        n_questions,
        n_fitting,
        table_recall_fitting: ratio(hits_fitting, n_fitting),
        table_recall: ratio(hits, n_questions),
    };

    let mut spider2 = Vec::new();
    if config.spider2 {
        let root = config.bench_dir.join("spider2-lite");
        let questions = load_spider2_questions(&root)?;
        for engine in [Spider2Engine::BigQuery, Spider2Engine::Snowflake, Spider2Engine::Sqlite] {
            let catalog = Arc::new(load_spider2_catalog(&root, engine)?);
            let mut cases: Vec<Case> = questions
                .iter()
                .filter(|q| q.engine == Some(engine))
                .filter_map(|q| {
                    let gold = gold_tables(q.gold_sql.as_deref()?, &catalog, Some(&q.db));
                    (!gold.is_empty()).then(|| Case {
                        question: q.question.clone(),
                        schema: Some(q.db.clone()),
                        gold,
                        columns: Vec::new(),
                    })
                })
                .collect();
            if let Some(n) = config.max_questions {
                cases.truncate(n);
            }
            let name = format!("spider2-lite-{}", engine.folder());
            tracing::info!(n_tables = catalog.tables.len(), n_questions = cases.len(), "retrieval bench: {name}");
            spider2.push(bench_catalog(&name, catalog, &cases, false, config, &embedder, &counter));
        }
    }

    Ok(RetrievalReport {
        budget_tokens: config.budget_tokens,
        embedder: embedder.as_ref().map(|e| e.name().to_owned()),
        spider_merged,
        spider_per_database,
        spider2,
    })
}

/// Builds the index over `catalog` (timed) and scores every case at the budget and the sweep.
fn bench_catalog(
    name: &str,
    catalog: Arc<Catalog>,
    cases: &[Case],
    with_columns: bool,
    config: &RetrievalBenchConfig,
    embedder: &Option<Arc<dyn Embedder>>,
    counter: &Arc<dyn TokenCounter>,
) -> CatalogReport {
    let rss_before = resident_bytes();
    let started = Instant::now();
    let index = SchemaIndex::build(catalog.clone(), embedder.clone(), counter.clone(), config.index.clone());
    let dense = index.warm();
    let index_build_ms = started.elapsed().as_secs_f64() * 1e3;
    let index_rss_bytes = rss_before.zip(resident_bytes()).map(|(before, after)| after.saturating_sub(before));

    let mut latencies_ms = Vec::with_capacity(cases.len());
    let mut score = Score::default();
    for case in cases {
        let started = Instant::now();
        let slice = index.retrieve(&case.question, config.budget_tokens);
        latencies_ms.push(started.elapsed().as_secs_f64() * 1e3);
        score.add(&slice, &catalog, case, with_columns);
    }
    let sweep = config
        .sweep_budgets_tokens
        .iter()
        .map(|&budget| {
            let mut point = Score::default();
            for case in cases {
                point.add(&index.retrieve(&case.question, budget), &catalog, case, with_columns);
            }
            BudgetPoint {
                budget_tokens: budget,
                table_recall: point.table_recall(),
                column_recall: with_columns.then(|| point.column_recall()),
                slice_tokens_mean: point.mean(point.tokens),
            }
        })
        .collect();
    latencies_ms.sort_by(f64::total_cmp);
    CatalogReport {
        catalog: name.to_owned(),
        n_tables: catalog.tables.len(),
        n_columns: catalog.n_columns(),
        n_questions: score.n,
        full_tokens: index.full_tokens(),
        index_build_ms,
        index_rss_bytes,
        dense,
        table_recall: score.table_recall(),
        table_recall_mean: score.mean(score.table_fraction),
        column_recall: with_columns.then(|| score.column_recall()),
        column_recall_mean: with_columns.then(|| score.mean(score.column_fraction)),
        database_hit: score.mean(score.database_hits),
        slice_tokens_mean: score.mean(score.tokens),
        slice_tables_mean: score.mean(score.tables),
        latency_ms_p50: percentile(&latencies_ms, 0.50),
        latency_ms_p95: percentile(&latencies_ms, 0.95),
        latency_ms_p99: percentile(&latencies_ms, 0.99),
        sweep,
    }
}

/// Running sums over scored questions.
#[derive(Default)]
struct Score {
    n: usize,
    all_tables: usize,
    table_fraction: f64,
    n_with_columns: usize,
    all_columns: usize,
    column_fraction: f64,
    database_hits: f64,
    tokens: f64,
    tables: f64,
}

impl Score {
    fn add(&mut self, slice: &SchemaSlice, catalog: &Catalog, case: &Case, with_columns: bool) {
        if case.gold.is_empty() {
            return;
        }
        self.n += 1;
        let found = tables_found(slice, catalog, &case.gold);
        self.all_tables += usize::from(found == case.gold.len());
        self.table_fraction += found as f64 / case.gold.len() as f64;
        self.tokens += f64::from(slice.n_tokens);
        self.tables += slice.tables.len() as f64;
        let schema = case.schema.as_deref();
        let hit = slice.tables.iter().any(|t| match (schema, t.name.schema.as_deref()) {
            (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
            (None, _) => true,
            (Some(_), None) => false,
        });
        self.database_hits += f64::from(u8::from(hit));
        if with_columns && !case.columns.is_empty() {
            let shown = case.columns.iter().filter(|c| column_shown(slice, catalog, c)).count();
            self.n_with_columns += 1;
            self.all_columns += usize::from(shown == case.columns.len());
            self.column_fraction += shown as f64 / case.columns.len() as f64;
        }
    }

    fn table_recall(&self) -> f64 {
        ratio(self.all_tables, self.n)
    }

    fn column_recall(&self) -> f64 {
        ratio(self.all_columns, self.n_with_columns)
    }

    fn mean(&self, sum: f64) -> f64 {
        if self.n == 0 { 0.0 } else { sum / self.n as f64 }
    }
}

/// How many gold references have at least one of their tables in the slice, directly or as
/// a shard the slice's table stands for.
fn tables_found(slice: &SchemaSlice, catalog: &Catalog, gold: &[Vec<usize>]) -> usize {
    let in_slice =
        |name: &tandem_core::TableName| slice.tables.iter().any(|s| s.name == *name || s.same_columns.contains(name));
    gold.iter()
        .filter(|alternatives| alternatives.iter().any(|&i| catalog.tables.get(i).is_some_and(|t| in_slice(&t.name))))
        .count()
}

fn column_shown(slice: &SchemaSlice, catalog: &Catalog, column: &GoldColumn) -> bool {
    let Some(table) = catalog.tables.get(column.table) else { return false };
    slice
        .tables
        .iter()
        .any(|s| s.name == table.name && s.columns.iter().any(|c| c.eq_ignore_ascii_case(&column.column)))
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.saturating_sub(1).min(sorted.len() - 1)).copied().unwrap_or(0.0)
}

/// The process's resident memory from `/proc/self/status` (Linux); `None` elsewhere.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
        assert_eq!(ratio(1, 0), 0.0);
    }
}
