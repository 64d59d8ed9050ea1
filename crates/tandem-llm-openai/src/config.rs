//! What the backend needs to know about one endpoint: where it is, how long to wait, how
//! often to retry, and which structured-output features the server has.

use std::fmt;
use std::time::Duration;

/// A bearer token. Its `Debug` output is redacted so the key cannot leak through logs,
/// panics or `{:?}` of a config that holds it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The secret itself; only the request builder should need it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self(key)
    }
}

/// How a request for JSON matching a schema is carried out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StructuredOutput {
    /// The server constrains decoding with `response_format: {type: "json_schema", ...}`
    /// (vLLM, SGLang, llama.cpp's server, OpenAI).
    #[default]
    JsonSchema,
    /// The server only guarantees syntactically valid JSON (`{type: "json_object"}`, as
    /// DeepSeek's API); the schema travels in the prompt and the reply is checked here.
    JsonObject,
    /// The server knows nothing of JSON; the schema travels in the prompt and the reply is
    /// checked here, with one repair turn.
    Prompted,
}

/// One OpenAI-compatible endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAiConfig {
    /// The API root, e.g. `http://127.0.0.1:8000/v1`; `/chat/completions` is appended.
    pub base_url: String,
    /// The model name the server knows (`deepseek-chat`, `Qwen/Qwen2.5-Coder-32B-Instruct`).
    pub model: String,
    /// Sent as `Authorization: Bearer …` when present.
    pub api_key: Option<ApiKey>,
    /// Upper bound on one attempt, from sending the request to the last byte of the reply.
    pub request_timeout: Duration,
    /// Upper bound on opening the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Upper bound on the wait for the first generated token when streaming. Under a
    /// prefill-bound server this is the number that degrades first, so failing fast here lets
    /// the caller retry elsewhere instead of waiting out the whole request timeout. Not
    /// applied to non-streaming calls, where the first token cannot be observed.
    pub first_token_timeout: Option<Duration>,
    /// Retries after the first attempt, for retryable errors only.
    pub max_retries: u32,
    /// The delay before the first retry; it doubles on each further retry.
    pub initial_backoff: Duration,
    /// The longest delay between attempts. A server asking (via `Retry-After`) for a longer
    /// wait than this gets no retry: the error goes back to the caller at once.
    pub max_backoff: Duration,
    pub structured_output: StructuredOutput,
    /// The `strict` flag sent with a JSON schema. OpenAI's strict mode accepts only a subset
    /// of JSON Schema; open-source servers ignore the flag.
    pub json_schema_strict: bool,
    /// The server accepts llama.cpp's `grammar` field (GBNF).
    pub gbnf_grammar: bool,
    /// Stream replies over server-sent events (needed for time to first token).
    pub stream: bool,
}

impl OpenAiConfig {
    /// A config for `model` at `base_url` with the defaults for everything else.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self { base_url: base_url.into(), model: model.into(), ..Self::default() }
    }
}

impl Default for OpenAiConfig {
    fn default() -> Self {
        Self {
            // vLLM's and SGLang's usual address.
            base_url: "http://127.0.0.1:8000/v1".to_owned(),
            model: String::new(),
            api_key: None,
            // Long prompts on a busy large model legitimately take minutes.
            request_timeout: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(10),
            first_token_timeout: None,
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            structured_output: StructuredOutput::JsonSchema,
            json_schema_strict: true,
            gbnf_grammar: false,
            stream: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_key() {
        let config =
            OpenAiConfig { api_key: Some(ApiKey::new("sk-very-secret")), ..OpenAiConfig::new("http://x/v1", "m") };
        let shown = format!("{config:?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}
