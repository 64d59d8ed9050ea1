//! `tandem bench …`: benchmarks that print figures.

use anyhow::bail;
use tandem_eval::llm_bench::{self, LlmBenchConfig};

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
