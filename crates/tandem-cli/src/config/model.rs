//! One model tier's settings: backend, admission limits, timeouts and prices.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{ConfigError, Secret, SecretRef, expand_home};
use crate::models::BuiltinModel;

/// Which backend serves a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// llama.cpp in process, on a GGUF file.
    Llamacpp,
    /// Any OpenAI-compatible endpoint (vLLM, SGLang, llama.cpp's server, Ollama, DeepSeek).
    Openai,
}

/// How an OpenAI-compatible endpoint is asked for JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StructuredOutputMode {
    /// `response_format: json_schema` (vLLM, SGLang, OpenAI).
    #[default]
    JsonSchema,
    /// `response_format: json_object` plus the schema in the prompt (DeepSeek's API).
    JsonObject,
    /// The schema in the prompt only, with tolerant extraction and one repair turn.
    Prompted,
}

/// Prices in currency units per million tokens, for the ledger's cost figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    #[serde(default)]
    pub input_per_mtok: f64,
    #[serde(default)]
    pub cached_input_per_mtok: f64,
    #[serde(default)]
    pub output_per_mtok: f64,
}

/// A tier as written in the config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    pub backend: Backend,
    /// llamacpp: a built-in model name (see `tandem models list`) or a path to a GGUF file.
    /// openai: the served model name.
    pub model: Option<String>,
    /// openai: the endpoint, e.g. `http://127.0.0.1:8000/v1`.
    pub base_url: Option<String>,
    /// openai: `env::NAME` of the API key.
    pub api_key: Option<SecretRef>,
    #[serde(default)]
    pub structured_output: StructuredOutputMode,
    #[serde(default = "yes")]
    pub stream: bool,
    #[serde(default = "default_context_tokens")]
    pub context_tokens: u32,
    pub threads: Option<u32>,
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    #[serde(default = "default_max_retries")]
    pub max_retries: u32,
    /// Admission: requests in flight.
    #[serde(default = "default_max_in_flight")]
    pub max_in_flight: usize,
    /// Admission: uncached prompt tokens in flight (none = unbounded).
    pub max_prompt_tokens_in_flight: Option<u32>,
    #[serde(default = "default_max_queue")]
    pub max_queue: usize,
    #[serde(default = "default_queue_timeout_ms")]
    pub queue_timeout_ms: u64,
    /// Admission, adaptive: the time-to-first-token target; set it to learn the token budget.
    pub ttft_target_ms: Option<u64>,
    /// Admission, adaptive: the prefill rate to start from before any observation.
    pub prefill_tokens_per_s: Option<f64>,
    #[serde(default)]
    pub prices: Prices,
}

fn yes() -> bool {
    true
}
fn default_context_tokens() -> u32 {
    8192
}
fn default_request_timeout_ms() -> u64 {
    300_000
}
fn default_connect_timeout_ms() -> u64 {
    5_000
}
fn default_max_retries() -> u32 {
    2
}
fn default_max_in_flight() -> usize {
    1
}
fn default_max_queue() -> usize {
    64
}
fn default_queue_timeout_ms() -> u64 {
    120_000
}

impl ModelConfig {
    /// A built-in local model on llama.cpp, one call at a time (two CPU cores serve one).
    pub fn local(model: &str) -> Self {
        Self {
            backend: Backend::Llamacpp,
            model: Some(model.to_owned()),
            base_url: None,
            api_key: None,
            structured_output: StructuredOutputMode::default(),
            stream: true,
            context_tokens: default_context_tokens(),
            threads: None,
            request_timeout_ms: default_request_timeout_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
            max_retries: default_max_retries(),
            max_in_flight: default_max_in_flight(),
            max_prompt_tokens_in_flight: None,
            max_queue: default_max_queue(),
            queue_timeout_ms: default_queue_timeout_ms(),
            ttft_target_ms: None,
            prefill_tokens_per_s: None,
            prices: Prices::default(),
        }
    }
}

/// A validated tier, ready for wiring.
#[derive(Debug, Clone)]
pub struct ModelSettings {
    pub tier: &'static str,
    pub backend: BackendSettings,
    pub max_in_flight: usize,
    pub max_prompt_tokens_in_flight: Option<u32>,
    pub max_queue: usize,
    pub queue_timeout: Duration,
    pub ttft_target: Option<Duration>,
    pub prefill_tokens_per_s: Option<f64>,
    pub prices: Prices,
}

/// Backend-specific validated settings.
#[derive(Debug, Clone)]
pub enum BackendSettings {
    Llamacpp {
        /// The built-in model this path belongs to, if any (so a missing file can be pulled).
        builtin: Option<&'static BuiltinModel>,
        model_path: PathBuf,
        context_tokens: u32,
        threads: Option<u32>,
    },
    OpenAi {
        base_url: String,
        model: String,
        api_key: Option<Secret>,
        structured_output: StructuredOutputMode,
        stream: bool,
        request_timeout: Duration,
        connect_timeout: Duration,
        max_retries: u32,
    },
}

impl ModelSettings {
    pub fn from_config(tier: &'static str, raw: &ModelConfig, models_dir: &Path) -> Result<Self, ConfigError> {
        let problem = |problem: String| ConfigError::Model { tier, problem };
        if raw.max_in_flight == 0 {
            return Err(problem("max_in_flight must be at least 1".into()));
        }
        if raw.max_prompt_tokens_in_flight == Some(0) {
            return Err(problem("max_prompt_tokens_in_flight must be at least 1 (omit it for no limit)".into()));
        }
        let prices = [raw.prices.input_per_mtok, raw.prices.cached_input_per_mtok, raw.prices.output_per_mtok];
        if prices.iter().any(|p| !p.is_finite() || *p < 0.0) {
            return Err(problem("prices must be finite and not negative".into()));
        }
        let model = raw.model.as_deref().map(str::trim).filter(|m| !m.is_empty());
        let backend = match raw.backend {
            Backend::Llamacpp => {
                let model = model
                    .ok_or_else(|| problem("backend llamacpp needs `model` (a built-in name or a GGUF path)".into()))?;
                if raw.context_tokens < 256 {
                    return Err(problem("context_tokens must be at least 256".into()));
                }
                let builtin = BuiltinModel::find(model);
                let model_path = match builtin {
                    Some(builtin) => models_dir.join(builtin.file_name),
                    None if model.ends_with(".gguf") => expand_home(Path::new(model))?,
                    None => {
                        return Err(problem(format!(
                            "`{model}` is neither a built-in model ({}) nor a path to a .gguf file",
                            BuiltinModel::names().join(", ")
                        )));
                    }
                };
                BackendSettings::Llamacpp {
                    builtin,
                    model_path,
                    context_tokens: raw.context_tokens,
                    threads: raw.threads,
                }
            }
            Backend::Openai => {
                let base_url = raw
                    .base_url
                    .as_deref()
                    .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                    .ok_or_else(|| {
                        problem("backend openai needs `base_url` starting with http:// or https://".into())
                    })?;
                let model =
                    model.ok_or_else(|| problem("backend openai needs `model` (the served model name)".into()))?;
                BackendSettings::OpenAi {
                    base_url: base_url.trim_end_matches('/').to_owned(),
                    model: model.to_owned(),
                    api_key: raw.api_key.as_ref().map(SecretRef::resolve).transpose()?,
                    structured_output: raw.structured_output,
                    stream: raw.stream,
                    request_timeout: Duration::from_millis(raw.request_timeout_ms),
                    connect_timeout: Duration::from_millis(raw.connect_timeout_ms),
                    max_retries: raw.max_retries,
                }
            }
        };
        Ok(Self {
            tier,
            backend,
            max_in_flight: raw.max_in_flight,
            max_prompt_tokens_in_flight: raw.max_prompt_tokens_in_flight,
            max_queue: raw.max_queue,
            queue_timeout: Duration::from_millis(raw.queue_timeout_ms),
            ttft_target: raw.ttft_target_ms.map(Duration::from_millis),
            prefill_tokens_per_s: raw.prefill_tokens_per_s,
            prices: raw.prices,
        })
    }
}
