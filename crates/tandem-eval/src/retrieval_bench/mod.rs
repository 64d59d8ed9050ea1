//! `tandem bench retrieval`: how well and how fast schema retrieval finds what gold queries use.
//!
//! On Spider's merged catalog (every database, tables namespaced by database id) each dev
//! question is retrieved at the chosen budget and scored on its gold tables (all present) and
//! gold columns (shown in the slice), with slice size against the full catalog and latency;
//! a sweep repeats the recall at other budgets. Per-database Spider schemas check that a
//! schema that fits passes whole. Spider 2.0-lite's BigQuery, Snowflake and SQLite catalogs
//! (thousands of tables) measure index build time, memory and latency, with recall where gold
//! SQL is available.

mod per_database;
mod score;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

pub use per_database::{PerDatabasePoint, PerDatabaseReport};
pub use score::{Miss, MissCause, MissCounts};
use serde::Serialize;
use tandem_core::Catalog;
use tandem_retrieval::{Embedder, IndexOptions, SchemaIndex, TokenCounter};

use self::score::{Case, Score, percentile};
use crate::datasets::{
    DatasetError, Spider2Engine, gold_columns, gold_tables, load_spider_dev, load_spider_tables, load_spider2_catalog,
    load_spider2_questions, merged_catalog,
};

/// One catalog the benchmark can measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchCatalog {
    /// Every Spider database in one catalog, tables namespaced by database id.
    SpiderMerged,
    /// Each Spider dev question against its own database's schema.
    SpiderPerDatabase,
    /// One engine's Spider 2.0-lite databases in one catalog.
    Spider2(Spider2Engine),
}

impl BenchCatalog {
    pub const ALL: [Self; 5] = [
        Self::SpiderMerged,
        Self::SpiderPerDatabase,
        Self::Spider2(Spider2Engine::BigQuery),
        Self::Spider2(Spider2Engine::Snowflake),
        Self::Spider2(Spider2Engine::Sqlite),
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::SpiderMerged => "spider-merged",
            Self::SpiderPerDatabase => "spider-per-database",
            Self::Spider2(Spider2Engine::BigQuery) => "spider2-lite-bigquery",
            Self::Spider2(Spider2Engine::Snowflake) => "spider2-lite-snowflake",
            Self::Spider2(Spider2Engine::Sqlite) => "spider2-lite-sqlite",
        }
    }

    /// Parses [`BenchCatalog::name`], or the engine alone (`bigquery`, `snowflake`, `sqlite`).
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|c| c.name() == name || matches!(c, Self::Spider2(engine) if engine.folder() == name))
    }
}

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
    /// The catalogs to measure, in report order.
    pub catalogs: Vec<BenchCatalog>,
    /// Misses (questions whose slice lacks a gold table) kept per catalog for reading.
    pub n_misses: usize,
    pub index: IndexOptions,
}

impl RetrievalBenchConfig {
    pub fn new(bench_dir: impl Into<PathBuf>) -> Self {
        Self {
            bench_dir: bench_dir.into(),
            budget_tokens: 2_000,
            sweep_budgets_tokens: vec![500, 1_000, 2_000, 4_000],
            max_questions: None,
            catalogs: BenchCatalog::ALL.to_vec(),
            n_misses: 0,
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
    /// Whether table embeddings could come from an earlier run's disk cache (then index
    /// build times leave out embedding the tables).
    pub embedding_cache: bool,
    pub spider_merged: Option<CatalogReport>,
    pub spider_per_database: Option<PerDatabaseReport>,
    pub spider2: Vec<CatalogReport>,
    /// The process's peak resident memory at the end, where the OS reports it.
    pub peak_rss_bytes: Option<u64>,
}

/// Figures for one catalog.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogReport {
    pub catalog: String,
    pub n_tables: usize,
    pub n_columns: usize,
    /// Schemas (databases) of the catalog.
    pub n_schemas: usize,
    /// Questions with resolvable gold tables (the recall denominators).
    pub n_questions: usize,
    pub full_tokens: u32,
    /// Loading the catalog from its files.
    pub load_ms: f64,
    /// Building every index part (rendering, BM25, table embeddings, values, keys).
    pub index_build_ms: f64,
    /// Growth of the process's resident memory over the build, where the OS reports it.
    pub index_rss_bytes: Option<u64>,
    /// The process's peak resident memory after this catalog (cumulative over the catalogs
    /// measured before it in the same run).
    pub peak_rss_bytes: Option<u64>,
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
    /// Share of questions whose best-scored slice table is in the gold database.
    pub database_first: f64,
    pub slice_tokens_mean: f64,
    pub slice_tables_mean: f64,
    pub latency_ms_p50: f64,
    pub latency_ms_p95: f64,
    pub latency_ms_p99: f64,
    pub latency_ms_max: f64,
    /// Questions at the main budget whose slice lacks a gold table, by cause.
    pub miss_counts: MissCounts,
    /// The first misses, for reading (`n_misses`).
    pub misses: Vec<Miss>,
    pub sweep: Vec<BudgetPoint>,
}

/// Recall at one budget.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetPoint {
    pub budget_tokens: u32,
    pub table_recall: f64,
    pub column_recall: Option<f64>,
    pub database_hit: f64,
    pub slice_tokens_mean: f64,
}

/// Runs the benchmark. `embedder` is optional (without it retrieval uses BM25, values and
/// keys); `counter` measures budgets.
pub fn run_retrieval_bench(
    config: &RetrievalBenchConfig,
    embedder: Option<Arc<dyn Embedder>>,
    counter: Arc<dyn TokenCounter>,
) -> Result<RetrievalReport, DatasetError> {
    let wants = |c: BenchCatalog| config.catalogs.contains(&c);
    let mut report = RetrievalReport {
        budget_tokens: config.budget_tokens,
        embedder: embedder.as_ref().map(|e| e.name().to_owned()),
        embedding_cache: config.index.embedding_cache_dir.is_some(),
        spider_merged: None,
        spider_per_database: None,
        spider2: Vec::new(),
        peak_rss_bytes: None,
    };

    if wants(BenchCatalog::SpiderMerged) || wants(BenchCatalog::SpiderPerDatabase) {
        let started = Instant::now();
        let spider_dir = config.bench_dir.join("spider");
        let databases = load_spider_tables(&spider_dir.join("tables.json"))?;
        let mut dev = load_spider_dev(&spider_dir.join("dev.json"))?;
        if let Some(n) = config.max_questions {
            dev.truncate(n);
        }
        let merged = Arc::new(merged_catalog(&databases));
        let load_ms = started.elapsed().as_secs_f64() * 1e3;
        if wants(BenchCatalog::SpiderMerged) {
            let cases: Vec<Case> = dev
                .iter()
                .map(|q| {
                    let gold = gold_tables(&q.query, &merged, Some(&q.db_id));
                    let flat: Vec<usize> =
                        gold.iter().filter_map(|alternatives| alternatives.first().copied()).collect();
                    Case {
                        question: q.question.clone(),
                        schema: Some(q.db_id.clone()),
                        columns: gold_columns(&q.query, &merged, &flat),
                        gold,
                        schema_tokens: 0,
                    }
                })
                .collect();
            tracing::info!(n_tables = merged.tables.len(), n_questions = cases.len(), "retrieval bench: Spider merged");
            let setup = Setup { name: BenchCatalog::SpiderMerged.name(), load_ms, with_columns: true };
            report.spider_merged = Some(bench_catalog(&setup, merged, cases, config, &embedder, &counter));
        }
        if wants(BenchCatalog::SpiderPerDatabase) {
            tracing::info!("retrieval bench: Spider per database");
            report.spider_per_database =
                Some(per_database::bench_per_database(&databases, &dev, config, &embedder, &counter));
        }
    }

    let engines: Vec<Spider2Engine> = config
        .catalogs
        .iter()
        .filter_map(|c| match c {
            BenchCatalog::Spider2(engine) => Some(*engine),
            _ => None,
        })
        .collect();
    if !engines.is_empty() {
        let root = config.bench_dir.join("spider2-lite");
        let questions = load_spider2_questions(&root)?;
        for engine in engines {
            let started = Instant::now();
            let catalog = Arc::new(load_spider2_catalog(&root, engine)?);
            let load_ms = started.elapsed().as_secs_f64() * 1e3;
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
                        schema_tokens: 0,
                    })
                })
                .collect();
            if let Some(n) = config.max_questions {
                cases.truncate(n);
            }
            let name = BenchCatalog::Spider2(engine).name();
            tracing::info!(n_tables = catalog.tables.len(), n_questions = cases.len(), "retrieval bench: {name}");
            let setup = Setup { name, load_ms, with_columns: false };
            report.spider2.push(bench_catalog(&setup, catalog, cases, config, &embedder, &counter));
        }
    }
    report.peak_rss_bytes = peak_resident_bytes();
    Ok(report)
}

/// How one catalog is measured.
struct Setup<'a> {
    name: &'a str,
    load_ms: f64,
    /// Score gold columns too (Spider's gold SQL resolves them reliably).
    with_columns: bool,
}

/// Builds the index over `catalog` (timed) and scores every case at the budget and the sweep.
fn bench_catalog(
    setup: &Setup<'_>,
    catalog: Arc<Catalog>,
    mut cases: Vec<Case>,
    config: &RetrievalBenchConfig,
    embedder: &Option<Arc<dyn Embedder>>,
    counter: &Arc<dyn TokenCounter>,
) -> CatalogReport {
    let with_columns = setup.with_columns;
    let rss_before = resident_bytes();
    let started = Instant::now();
    let index = SchemaIndex::build(catalog.clone(), embedder.clone(), counter.clone(), config.index.clone());
    let dense = index.warm();
    let index_build_ms = started.elapsed().as_secs_f64() * 1e3;
    let index_rss_bytes = rss_before.zip(resident_bytes()).map(|(before, after)| after.saturating_sub(before));
    for case in &mut cases {
        case.schema_tokens = index.schema_tokens(case.schema.as_deref()).unwrap_or(u32::MAX);
    }

    let mut latencies_ms = Vec::with_capacity(cases.len());
    let mut score = Score::default();
    for case in &cases {
        let started = Instant::now();
        let slice = index.retrieve(&case.question, config.budget_tokens);
        latencies_ms.push(started.elapsed().as_secs_f64() * 1e3);
        score.add(&slice, &catalog, case, with_columns, (config.budget_tokens, config.n_misses));
    }
    let sweep = config
        .sweep_budgets_tokens
        .iter()
        .map(|&budget| {
            let mut point = Score::default();
            for case in &cases {
                point.add(&index.retrieve(&case.question, budget), &catalog, case, with_columns, (budget, 0));
            }
            BudgetPoint {
                budget_tokens: budget,
                table_recall: point.table_recall(),
                column_recall: with_columns.then(|| point.column_recall()),
                database_hit: point.database_hit(),
                slice_tokens_mean: point.tokens_mean(),
            }
        })
        .collect();
    latencies_ms.sort_by(f64::total_cmp);
    CatalogReport {
        catalog: setup.name.to_owned(),
        n_tables: catalog.tables.len(),
        n_columns: catalog.n_columns(),
        n_schemas: catalog.schemas().len(),
        n_questions: score.n,
        full_tokens: index.full_tokens(),
        load_ms: setup.load_ms,
        index_build_ms,
        index_rss_bytes,
        peak_rss_bytes: peak_resident_bytes(),
        dense,
        table_recall: score.table_recall(),
        table_recall_mean: score.table_recall_mean(),
        column_recall: with_columns.then(|| score.column_recall()),
        column_recall_mean: with_columns.then(|| score.column_recall_mean()),
        database_hit: score.database_hit(),
        database_first: score.database_first(),
        slice_tokens_mean: score.tokens_mean(),
        slice_tables_mean: score.tables_mean(),
        latency_ms_p50: percentile(&latencies_ms, 0.50),
        latency_ms_p95: percentile(&latencies_ms, 0.95),
        latency_ms_p99: percentile(&latencies_ms, 0.99),
        latency_ms_max: latencies_ms.last().copied().unwrap_or(0.0),
        miss_counts: score.miss_counts,
        misses: score.misses,
        sweep,
    }
}

/// The process's resident memory from `/proc/self/status` (Linux); `None` elsewhere.
fn resident_bytes() -> Option<u64> {
    proc_status_kib("VmRSS:").map(|kib| kib * 1024)
}

/// The process's peak resident memory so far (Linux); `None` elsewhere.
fn peak_resident_bytes() -> Option<u64> {
    proc_status_kib("VmHWM:").map(|kib| kib * 1024)
}

fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_names_round_trip() {
        for catalog in BenchCatalog::ALL {
            assert_eq!(BenchCatalog::parse(catalog.name()), Some(catalog));
        }
        assert_eq!(BenchCatalog::parse("BigQuery"), Some(BenchCatalog::Spider2(Spider2Engine::BigQuery)));
        assert_eq!(BenchCatalog::parse("bird"), None);
    }
}
