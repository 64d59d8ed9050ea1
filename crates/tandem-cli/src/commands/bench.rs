//! `tandem bench …`: benchmarks that print figures.

use anyhow::bail;
use std::path::Path;

use tandem_eval::admission_sim::{self, AdmissionBenchConfig, Preset};
use tandem_eval::llm_bench::{self, LlmBenchConfig};
use tandem_eval::validate_bench::{self, ValidateBenchConfig};

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
