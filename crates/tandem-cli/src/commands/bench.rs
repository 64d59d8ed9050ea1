//! `tandem bench …`: benchmarks that print figures.

use anyhow::bail;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tandem_eval::admission_sim::{self, AdmissionBenchConfig, Preset};
use tandem_eval::llm_bench::{self, LlmBenchConfig};
use tandem_eval::retrieval_bench::{CatalogReport, RetrievalBenchConfig, run_retrieval_bench};
use tandem_eval::validate_bench::{self, ValidateBenchConfig};
use tandem_retrieval::ApproxTokens;

use crate::config::Config;
use crate::output;
use crate::wiring;

/// `tandem bench llm`: prefill/decode speed and the prefix-reuse saving for each tier.
pub async fn llm(config: &Config, json: bool, tiers: &[String], prompt_tokens: Vec<u32>) -> anyhow::Result<()> {
    if prompt_tokens.is_empty() || prompt_tokens.contains(&0) {
        bail!("--prompt-tokens needs positive sizes, e.g. 500,2000");
    }
    let settings = config.model_settings()?;
    let bench_config = LlmBenchConfig { prompt_sizes_tokens: prompt_tokens, ..LlmBenchConfig::default() };
    let mut reports = Vec::new();
    for tier_name in tiers {
        let Some(tier_settings) = settings.iter().find(|s| s.tier == tier_name.trim()) else {
            bail!("unknown tier `{tier_name}` (expected small or large)");
        };
        let tier = wiring::load_tier(config, tier_settings).await?;
        output::progress(format!("measuring models.{} ({})", tier.settings.tier, tier.model.inner().name()));
        let mut report = llm_bench::bench_model(tier.model.inner().as_ref(), &bench_config).await?;
        report.model = format!("{} ({})", tier.settings.tier, describe(&tier));
        reports.push(report);
    }
    output::line(llm_bench::markdown(&reports));
    if json {
        output::json_line(&serde_json::json!({ "benchmark": "llm", "models": reports }));
    }
    Ok(())
}

fn describe(tier: &wiring::Tier) -> String {
    match &tier.settings.backend {
        crate::config::model::BackendSettings::Llamacpp { builtin: Some(model), .. } => model.name.to_owned(),
        crate::config::model::BackendSettings::Llamacpp { model_path, .. } => model_path.display().to_string(),
        crate::config::model::BackendSettings::OpenAi { model, .. } => model.clone(),
    }
}

/// `tandem bench admission`: the strategy table on the long-prompt workload, the goal check
/// and the validation checks, all in simulated time.
pub fn admission(json: bool, preset: &str, requests: usize, load: f64, seed: u64) -> anyhow::Result<()> {
    let Some(preset) = Preset::from_name(preset) else {
        let known: Vec<&str> = Preset::ALL.iter().map(|preset| preset.name()).collect();
        bail!("unknown preset `{preset}` (expected one of: {})", known.join(", "));
    };
    let config = AdmissionBenchConfig { preset, n_requests: requests, load, seed, ..AdmissionBenchConfig::default() };
    let report = admission_sim::run_admission_bench(&config, |text: &str| output::progress(text))?;
    output::line(admission_sim::markdown(&report));
    if json {
        output::json_line(&serde_json::json!({ "benchmark": "admission", "report": report }));
    }
    Ok(())
}

/// `tandem bench validate`: the validator's latency percentiles and outcome counts over
/// Spider's dev and train gold queries.
pub fn validate(json: bool, bench_dir: &Path, repeats: usize, limit: Option<usize>) -> anyhow::Result<()> {
    let spider_dir = bench_dir.join("spider");
    if !spider_dir.join("tables.json").is_file() {
        bail!("{} holds no spider/tables.json; pass --bench-dir", bench_dir.display());
    }
    if repeats == 0 {
        bail!("--repeats must be positive");
    }
    let config = ValidateBenchConfig { repeats, limit, ..ValidateBenchConfig::new(spider_dir) };
    let report = validate_bench::run_validate_bench(&config, |text: &str| output::progress(text))?;
    output::line(validate_bench::markdown(&report));
    if json {
        output::json_line(&serde_json::json!({ "benchmark": "validate", "report": report }));
    }
    Ok(())
}

/// Options of `tandem bench retrieval`.
#[derive(Debug)]
pub struct RetrievalArgs {
    pub bench_dir: PathBuf,
    pub budget_tokens: u32,
    pub limit: Option<usize>,
    pub spider2: bool,
    pub dense: bool,
}

/// `tandem bench retrieval`: recall of gold tables and columns at a budget, and latency.
pub fn retrieval(config: &Config, json: bool, args: RetrievalArgs) -> anyhow::Result<()> {
    if !args.bench_dir.join("spider").join("tables.json").is_file() {
        bail!("{} holds no spider/tables.json; pass --bench-dir", args.bench_dir.display());
    }
    if args.budget_tokens == 0 {
        bail!("--budget-tokens must be positive");
    }
    let embedder = if args.dense { crate::wiring::load_embedder(config) } else { None };
    let mut bench = RetrievalBenchConfig::new(&args.bench_dir);
    bench.budget_tokens = args.budget_tokens;
    bench.max_questions = args.limit;
    bench.spider2 = args.spider2;
    bench.index.embedding_cache_dir = Some(config.cache_dir()?.join("index"));
    output::progress("running the retrieval benchmark (the first run embeds every table)");
    let report = run_retrieval_bench(&bench, embedder, Arc::new(ApproxTokens))?;
    output::line(format!(
        "budget {} tokens, embedder {}",
        report.budget_tokens,
        report.embedder.as_deref().unwrap_or("none")
    ));
    output::line(
        "| catalog | tables | questions | table recall | column recall | slice tokens | full tokens | p50 ms | p95 ms |",
    );
    output::line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for catalog in std::iter::once(&report.spider_merged).chain(&report.spider2) {
        output::line(catalog_row(catalog));
    }
    let per_db = &report.spider_per_database;
    output::line(format!(
        "\nSpider per database: {} questions, {} fit the budget whole (recall {:.3}); overall table recall {:.3}",
        per_db.n_questions, per_db.n_fitting, per_db.table_recall_fitting, per_db.table_recall
    ));
    if json {
        output::json_line(&serde_json::json!({ "benchmark": "retrieval", "report": report }));
    }
    Ok(())
}

fn catalog_row(c: &CatalogReport) -> String {
    format!(
        "| {} | {} | {} | {:.3} | {} | {:.0} | {} | {:.1} | {:.1} |",
        c.catalog,
        c.n_tables,
        c.n_questions,
        c.table_recall,
        c.column_recall.map_or_else(|| "–".to_owned(), |r| format!("{r:.3}")),
        c.slice_tokens_mean,
        c.full_tokens,
        c.latency_ms_p50,
        c.latency_ms_p95
    )
}
