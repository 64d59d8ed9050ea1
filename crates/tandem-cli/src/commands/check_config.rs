//! `tandem check-config`: load, validate and show what the configuration resolves to.

use crate::config::{Config, ModelSettings, model::BackendSettings};
use crate::database;
use crate::output;

/// Fails, as `tandem serve` would refuse to start, when `db`'s login can read beyond the
/// catalog and `[database] allow_privileged` is not set.
pub async fn run(config: &Config, db: Option<&str>) -> anyhow::Result<()> {
    let settings = config.model_settings()?;
    let server = config.server_settings()?;
    output::line(format!("cache directory: {}", config.cache_dir()?.display()));
    output::line(format!("models directory: {}", config.models_dir()?.display()));
    let mut warnings = Vec::new();
    for tier in &settings {
        describe(tier, &mut warnings);
    }
    output::line(format!(
        "[server] {} on {}, {} API key(s){}",
        if server.mcp { "HTTP API, chat page, metrics and MCP" } else { "HTTP API, chat page and metrics" },
        server.bind,
        server.api_keys.len(),
        if server.api_keys.is_empty() { ": open to every request" } else { "" },
    ));
    if let Some(db) = db {
        let report = database::privileges(config, Some(db)).await?;
        let role = config.database.role.as_deref().map_or_else(String::new, |role| format!(", role `{role}`"));
        output::line(format!(
            "[database] {}{role}: statements run as `{}`, {} privilege finding(s)",
            database::redact(db),
            report.user,
            report.findings.len()
        ));
        warnings.extend(database::judge_privileges(config, &report)?);
    }
    for warning in &warnings {
        output::line(format!("warning: {warning}"));
    }
    output::line(format!("configuration is valid ({} warnings)", warnings.len()));
    Ok(())
}

fn describe(settings: &ModelSettings, warnings: &mut Vec<String>) {
    let tier = settings.tier;
    match &settings.backend {
        BackendSettings::Llamacpp { builtin, model_path, context_tokens, threads } => {
            let present = if model_path.exists() { "present" } else { "missing" };
            output::line(format!(
                "[models.{tier}] llama.cpp in process: {} ({present}), context {context_tokens} tokens, threads {}",
                model_path.display(),
                threads.map_or_else(|| "auto".to_owned(), |t| t.to_string()),
            ));
            if !model_path.exists() {
                warnings.push(match builtin {
                    Some(model) => format!("models.{tier}: run `tandem models pull {}` first", model.name),
                    None => format!("models.{tier}: {} does not exist", model_path.display()),
                });
            }
        }
        BackendSettings::OpenAi { base_url, model, api_key, structured_output, stream, request_timeout, .. } => {
            output::line(format!(
                "[models.{tier}] OpenAI-compatible: {base_url} model `{model}`, api key {}, structured output {structured_output:?}, stream {stream}, timeout {request_timeout:?}",
                if api_key.is_some() { "set" } else { "none" },
            ));
        }
    }
    output::line(format!(
        "  admission: {} in flight, {} prompt tokens in flight, queue {} for {:?}{}",
        settings.max_in_flight,
        settings.max_prompt_tokens_in_flight.map_or_else(|| "unlimited".to_owned(), |t| t.to_string()),
        settings.max_queue,
        settings.queue_timeout,
        settings.ttft_target.map_or_else(String::new, |t| format!(", adaptive to a {t:?} TTFT target")),
    ));
    let p = settings.prices;
    output::line(format!(
        "  prices per million tokens: input {}, cached input {}, output {}",
        p.input_per_mtok, p.cached_input_per_mtok, p.output_per_mtok
    ));
    if tier == "large"
        && matches!(settings.backend, BackendSettings::OpenAi { .. })
        && !(2..=4).contains(&settings.max_in_flight)
    {
        warnings.push(format!(
            "models.large: max_in_flight = {} — long-context prefill is compute-bound; 2–4 per replica keeps time to first token low",
            settings.max_in_flight
        ));
    }
}
