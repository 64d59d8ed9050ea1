//! `tandem bench validate`: how long the SQL validator takes to decide, over Spider's gold
//! corpus (`dev_gold.sql` and `train_gold.sql`, each query against its own database's catalog
//! from `tables.json`), and how many queries it accepts.
//!
//! Every query is validated once untimed (to count outcomes and warm caches), then `repeats`
//! more times, round-robin over the corpus so that a burst of load from elsewhere on the
//! machine spreads over many queries. A query's latency is the median of its timed runs, so a
//! scheduling hiccup moves one run and not the figure; percentiles over every timed run are
//! reported beside it. Throughput is queries validated per second by one thread.

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;
use tandem_core::{Catalog, Dialect};
use tandem_sql::{Policy, validate};

use crate::datasets::{DatasetError, SpiderGold, load_spider_gold, load_spider_tables};

/// The README's goal for typical Spider queries.
pub const GOAL_P99_US: f64 = 100.0;

/// Rejected queries listed per corpus.
const MAX_EXAMPLES: usize = 20;

/// What to measure.
#[derive(Debug, Clone)]
pub struct ValidateBenchConfig {
    /// Spider's folder (holding `tables.json`, `dev_gold.sql`, `train_gold.sql`).
    pub spider_dir: PathBuf,
    /// Timed validations of each query (at least one).
    pub repeats: usize,
    /// Queries per corpus (all when `None`), for quick runs.
    pub limit: Option<usize>,
}

impl ValidateBenchConfig {
    pub fn new(spider_dir: impl Into<PathBuf>) -> Self {
        Self { spider_dir: spider_dir.into(), repeats: 5, limit: None }
    }
}

/// The whole benchmark's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ValidateBenchReport {
    /// `debug` or `release`: whether this binary was built with debug assertions, the usual
    /// mark of an unoptimised build.
    pub build_profile: &'static str,
    pub repeats: usize,
    /// `dev`, `train`, and both together as `all`.
    pub corpora: Vec<CorpusLatency>,
    pub goal_p99_us: f64,
    /// Whether the p99 over `all` (per-query medians) is under the goal.
    pub goal_met: bool,
}

/// Figures for one gold file.
#[derive(Debug, Clone, Serialize)]
pub struct CorpusLatency {
    pub corpus: String,
    pub n_queries: usize,
    pub n_accepted: usize,
    pub n_rejected: usize,
    /// Rejections by the code of their first (most severe) violation.
    pub rejected_by_code: BTreeMap<String, usize>,
    /// The first rejected queries, `[code] db_id: SQL`, so a figure can be checked by hand.
    pub rejected_examples: Vec<String>,
    pub sql_bytes_mean: f64,
    /// Percentiles of the per-query medians, in microseconds.
    pub latency_us_p50: f64,
    pub latency_us_p90: f64,
    pub latency_us_p99: f64,
    pub latency_us_max: f64,
    pub latency_us_mean: f64,
    /// p99 over every timed run rather than per-query medians.
    pub all_runs_latency_us_p99: f64,
    /// Validations per second of one thread over the timed runs.
    pub throughput_per_s: f64,
}

/// One query ready to validate, with its timings.
struct Case<'a> {
    sql: &'a str,
    db_id: &'a str,
    catalog: &'a Catalog,
    runs_us: Vec<f64>,
    rejected_code: Option<&'static str>,
}

/// Runs the benchmark; `progress` hears what is being done.
pub fn run_validate_bench(
    config: &ValidateBenchConfig,
    mut progress: impl FnMut(&str),
) -> Result<ValidateBenchReport, DatasetError> {
    let tables_path = config.spider_dir.join("tables.json");
    let catalogs: HashMap<String, Catalog> =
        load_spider_tables(&tables_path)?.into_iter().map(|db| (db.db_id, db.catalog)).collect();
    let mut corpora: Vec<(&str, Vec<SpiderGold>)> = Vec::new();
    for name in ["dev", "train"] {
        let path = config.spider_dir.join(format!("{name}_gold.sql"));
        let mut gold = load_spider_gold(&path)?;
        if let Some(unknown) = gold.iter().find(|g| !catalogs.contains_key(&g.db_id)) {
            return Err(DatasetError::Format {
                path,
                detail: format!("database `{}` is not in tables.json", unknown.db_id),
            });
        }
        if let Some(limit) = config.limit {
            gold.truncate(limit);
        }
        corpora.push((name, gold));
    }

    let policy = Policy::new(Dialect::Sqlite);
    let mut cases: Vec<(usize, Case<'_>)> = Vec::new();
    for (corpus, (_, gold)) in corpora.iter().enumerate() {
        for query in gold {
            let Some(catalog) = catalogs.get(&query.db_id) else { continue };
            let rejected_code = validate(&query.sql, &policy, catalog)
                .err()
                .map(|rejection| rejection.violations.first().map_or("none", |v| v.code.as_str()));
            cases.push((
                corpus,
                Case { sql: &query.sql, db_id: &query.db_id, catalog, runs_us: Vec::new(), rejected_code },
            ));
        }
    }
    let repeats = config.repeats.max(1);
    let mut busy_s = vec![0.0_f64; corpora.len()];
    for repeat in 0..repeats {
        progress(&format!("timed pass {} of {repeats} over {} queries", repeat + 1, cases.len()));
        for (corpus, case) in &mut cases {
            let started = Instant::now();
            let outcome = validate(black_box(case.sql), &policy, case.catalog);
            let elapsed = started.elapsed();
            black_box(outcome.is_ok());
            drop(outcome);
            case.runs_us.push(elapsed.as_secs_f64() * 1e6);
            if let Some(busy) = busy_s.get_mut(*corpus) {
                *busy += elapsed.as_secs_f64();
            }
        }
    }

    let mut reports: Vec<CorpusLatency> = Vec::new();
    for (index, (name, _)) in corpora.iter().enumerate() {
        let members: Vec<&Case<'_>> = cases.iter().filter(|(c, _)| *c == index).map(|(_, case)| case).collect();
        reports.push(summarise(name, &members, busy_s.get(index).copied().unwrap_or(0.0)));
    }
    let everything: Vec<&Case<'_>> = cases.iter().map(|(_, case)| case).collect();
    reports.push(summarise("all", &everything, busy_s.iter().sum()));
    let goal_met = reports.last().is_some_and(|all| all.n_queries > 0 && all.latency_us_p99 < GOAL_P99_US);
    Ok(ValidateBenchReport {
        build_profile: if cfg!(debug_assertions) { "debug" } else { "release" },
        repeats,
        corpora: reports,
        goal_p99_us: GOAL_P99_US,
        goal_met,
    })
}

fn summarise(corpus: &str, cases: &[&Case<'_>], busy_s: f64) -> CorpusLatency {
    let mut rejected_by_code: BTreeMap<String, usize> = BTreeMap::new();
    for code in cases.iter().filter_map(|c| c.rejected_code) {
        *rejected_by_code.entry(code.to_owned()).or_default() += 1;
    }
    let n_rejected: usize = rejected_by_code.values().sum();
    let rejected_examples: Vec<String> = cases
        .iter()
        .filter_map(|c| c.rejected_code.map(|code| format!("[{code}] {}: {}", c.db_id, c.sql)))
        .take(MAX_EXAMPLES)
        .collect();
    let mut medians: Vec<f64> = cases.iter().map(|c| median(&c.runs_us)).collect();
    medians.sort_by(f64::total_cmp);
    let mut all_runs: Vec<f64> = cases.iter().flat_map(|c| c.runs_us.iter().copied()).collect();
    all_runs.sort_by(f64::total_cmp);
    let n_runs = all_runs.len();
    CorpusLatency {
        corpus: corpus.to_owned(),
        n_queries: cases.len(),
        n_accepted: cases.len() - n_rejected,
        n_rejected,
        rejected_by_code,
        rejected_examples,
        sql_bytes_mean: mean(&cases.iter().map(|c| c.sql.len() as f64).collect::<Vec<_>>()),
        latency_us_p50: percentile(&medians, 0.50),
        latency_us_p90: percentile(&medians, 0.90),
        latency_us_p99: percentile(&medians, 0.99),
        latency_us_max: medians.last().copied().unwrap_or(0.0),
        latency_us_mean: mean(&medians),
        all_runs_latency_us_p99: percentile(&all_runs, 0.99),
        throughput_per_s: if busy_s > 0.0 { n_runs as f64 / busy_s } else { 0.0 },
    }
}

/// The Markdown table of a report, with the profile and goal underneath.
pub fn markdown(report: &ValidateBenchReport) -> String {
    let mut out = String::from(
        "| corpus | queries | accepted | rejected | p50 µs | p90 µs | p99 µs | max µs | mean µs | p99 all runs µs | validations/s |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for c in &report.corpora {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} |\n",
            c.corpus,
            c.n_queries,
            c.n_accepted,
            c.n_rejected,
            c.latency_us_p50,
            c.latency_us_p90,
            c.latency_us_p99,
            c.latency_us_max,
            c.latency_us_mean,
            c.all_runs_latency_us_p99,
            c.throughput_per_s
        ));
    }
    for c in report.corpora.iter().filter(|c| c.corpus != "all" && c.n_rejected > 0) {
        let codes: Vec<String> = c.rejected_by_code.iter().map(|(code, n)| format!("{code} {n}")).collect();
        out.push_str(&format!("\n{} rejections: {}", c.corpus, codes.join(", ")));
    }
    out.push_str(&format!(
        "\n{} build, per-query median of {} timed runs; goal p99 < {:.0} µs: {}",
        report.build_profile,
        report.repeats,
        report.goal_p99_us,
        if report.goal_met { "met" } else { "not met" }
    ));
    out
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted.get(n / 2).copied().unwrap_or(0.0),
        n => (sorted.get(n / 2 - 1).copied().unwrap_or(0.0) + sorted.get(n / 2).copied().unwrap_or(0.0)) / 2.0,
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.saturating_sub(1).min(sorted.len() - 1)).copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLES: &str = r#"[{
        "db_id": "shop",
        "table_names_original": ["customer"],
        "table_names": ["customer"],
        "column_names_original": [[-1, "*"], [0, "id"], [0, "name"]],
        "column_names": [[-1, "*"], [0, "id"], [0, "name"]],
        "column_types": ["text", "number", "text"],
        "primary_keys": [1],
        "foreign_keys": []
    }]"#;

    fn spider_dir(dev: &str, train: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tables.json"), TABLES).unwrap();
        std::fs::write(dir.path().join("dev_gold.sql"), dev).unwrap();
        std::fs::write(dir.path().join("train_gold.sql"), train).unwrap();
        dir
    }

    #[test]
    fn counts_outcomes_per_corpus_and_times_every_run() {
        let dir = spider_dir(
            "SELECT name FROM customer\tshop\nSELECT nope FROM customer\tshop\n",
            "SELECT count(*) FROM customer\tshop\nSELECT 1; DROP TABLE customer\tshop\nDELETE FROM customer\tshop\n",
        );
        let config = ValidateBenchConfig { repeats: 3, ..ValidateBenchConfig::new(dir.path()) };
        let mut heard = Vec::new();
        let report = run_validate_bench(&config, |line| heard.push(line.to_owned())).unwrap();
        assert_eq!(heard.len(), 3);
        let by_name = |name: &str| report.corpora.iter().find(|c| c.corpus == name).unwrap();
        let dev = by_name("dev");
        assert_eq!((dev.n_queries, dev.n_accepted, dev.n_rejected), (2, 1, 1));
        assert_eq!(dev.rejected_by_code.get("unknown_column"), Some(&1));
        assert_eq!(dev.rejected_examples, ["[unknown_column] shop: SELECT nope FROM customer"]);
        let train = by_name("train");
        assert_eq!((train.n_queries, train.n_accepted, train.n_rejected), (3, 1, 2));
        assert_eq!(train.rejected_by_code.get("write_statement"), Some(&1));
        let all = by_name("all");
        assert_eq!((all.n_queries, all.n_accepted), (5, 2));
        assert!(all.latency_us_p50 > 0.0 && all.latency_us_p50 <= all.latency_us_p99);
        assert!(all.latency_us_p99 <= all.latency_us_max && all.throughput_per_s > 0.0);
        let table = markdown(&report);
        assert!(table.contains("| all | 5 | 2 | 3 |"), "{table}");
        assert!(table.contains("dev rejections: unknown_column 1"), "{table}");
    }

    #[test]
    fn a_gold_line_on_an_unknown_database_is_an_error() {
        let dir = spider_dir("SELECT 1\tnowhere\n", "");
        let error = run_validate_bench(&ValidateBenchConfig::new(dir.path()), |_| {}).unwrap_err();
        assert!(error.to_string().contains("nowhere"), "{error}");
    }

    #[test]
    fn medians_and_percentiles() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(mean(&[]), 0.0);
    }
}
