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
use crate::config::{Config, EmbedderKind, ModelSettings, StructuredOutputMode};
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

/// Everything a question needs, wired: the database, its schema index, both models behind
/// their gates, and the pipeline over them.
#[derive(Debug)]
pub struct Workspace {
    /// The database, for messages (passwords redacted).
    pub label: String,
    pub pipeline: tandem_agent::Pipeline,
}

/// Opens `db` (default: the demo warehouse), indexes its catalog and loads both tiers.
pub async fn workspace(config: &Config, db: Option<&str>) -> anyhow::Result<Workspace> {
    use tandem_exec::IntrospectOptions;
    use tandem_retrieval::{ApproxTokens, IndexOptions, SchemaIndex};

    let (label, executor) = crate::database::open(config, db).await?;
    output::progress(format!("reading the catalog of {label}"));
    let mut catalog = executor.introspect(&IntrospectOptions::default()).await.context("reading the catalog")?;
    // The demo warehouse keeps its comments in a side table as well; it is not business data.
    catalog.tables.retain(|t| t.name.name != tandem_demo::COMMENTS_TABLE);
    let options =
        IndexOptions { embedding_cache_dir: Some(config.cache_dir()?.join("index")), ..IndexOptions::default() };
    let embedder = load_embedder(config);
    let index = SchemaIndex::build(Arc::new(catalog), embedder, Arc::new(ApproxTokens), options);
    let [small_settings, large_settings] = config.model_settings()?;
    let small = load_tier(config, &small_settings).await?;
    let large = load_tier(config, &large_settings).await?;
    let deps = tandem_agent::Deps {
        small: small.model.clone(),
        large: large.model.clone(),
        executor,
        index: Arc::new(index),
        cache: Arc::new(tandem_agent::PlanCache::default()),
    };
    let mut pipeline = tandem_agent::Pipeline::new(deps, config.agent.clone());
    if let Some(transformer) = crate::database::open_transformer(config, db).await? {
        pipeline = pipeline.with_transformer(transformer);
    }
    Ok(Workspace { label, pipeline })
}

/// The embedder the configuration names (default: distilled from MiniLM, installed from its
/// registry package), or `None` with a warning: retrieval still works on BM25, values and keys.
pub fn load_embedder(config: &Config) -> Option<Arc<dyn tandem_retrieval::Embedder>> {
    load_embedder_of(config, config.retrieval.embedder.unwrap_or_default())
}

/// [`load_embedder`] of a chosen kind (the retrieval benchmark compares them).
pub fn load_embedder_of(config: &Config, kind: EmbedderKind) -> Option<Arc<dyn tandem_retrieval::Embedder>> {
    use tandem_retrieval::{DistilledMiniLm, Embedder, MiniLm, fetch_minilm};
    let loaded = config
        .cache_dir()
        .map_err(anyhow::Error::from)
        .and_then(|cache| Ok(fetch_minilm(&cache.join("embedder"))?))
        .and_then(|dir| -> anyhow::Result<Arc<dyn Embedder>> {
            Ok(match kind {
                EmbedderKind::Distilled => Arc::new(DistilledMiniLm::load_or_distill(&dir)?),
                EmbedderKind::Minilm => Arc::new(MiniLm::load(&dir, 128)?),
            })
        });
    match loaded {
        Ok(model) => Some(model),
        Err(error) => {
            output::progress(format!("warning: embedding model unavailable ({error:#}); using BM25, values and keys"));
            None
        }
    }
}

/// The session store the configuration names.
pub async fn session_store(config: &Config) -> anyhow::Result<Arc<dyn tandem_agent::SessionStore>> {
    use crate::config::SessionStoreLocation;
    Ok(match config.sessions_store()? {
        SessionStoreLocation::Sqlite(path) => Arc::new(tandem_store::SqliteStore::open(&path)?),
        SessionStoreLocation::Postgres { url, table } => {
            Arc::new(tandem_store::PostgresStore::connect(&url, &table).await?)
        }
    })
}

/// The session service over `pipeline` and the configured store.
pub async fn sessions(config: &Config, pipeline: tandem_agent::Pipeline) -> anyhow::Result<tandem_agent::Sessions> {
    Ok(tandem_agent::Sessions::new(pipeline, session_store(config).await?))
}
