//! tandem's backend for OpenAI-compatible chat-completions endpoints: vLLM, SGLang,
//! llama.cpp's server, Ollama and DeepSeek's API.
//!
//! [`OpenAiModel`] implements [`tandem_llm::ChatModel`] over HTTP: streamed replies over
//! server-sent events (deltas forwarded as they arrive) or whole replies; structured output
//! through the server's `response_format` or, where the server lacks it, a prompted schema
//! with one repair turn; GBNF grammars for llama.cpp; usage including prefix-cache hits; time
//! to first token; typed errors with retries (exponential backoff, `Retry-After`) for the
//! retryable ones only. Dropping the future drops the HTTP request.
//!
//! It must never retry once text has reached the caller, never log or print the API key
//! ([`ApiKey`] redacts itself), and never panic on anything a server sends. Its `client`
//! module is the one place in tandem that builds an HTTP client. Configuration comes in as an
//! already-resolved [`OpenAiConfig`]; reading files or the environment is the CLI's job.
//!
//! ```no_run
//! use tandem_llm::{ChatModel, ChatRequest, Message, discard_deltas};
//! use tandem_llm_openai::{ApiKey, OpenAiConfig, OpenAiModel, StructuredOutput};
//!
//! # async fn run() -> Result<(), tandem_llm::LlmError> {
//! let config = OpenAiConfig {
//!     api_key: Some(ApiKey::new("sk-…")),
//!     structured_output: StructuredOutput::JsonObject,
//!     ..OpenAiConfig::new("https://api.deepseek.com", "deepseek-chat")
//! };
//! let model = OpenAiModel::new(config)?;
//! let request = ChatRequest::new(vec![Message::user("SELECT 1?")]).with_max_tokens(64);
//! let completion = model.complete(&request, &mut discard_deltas).await?;
//! println!("{} ({} cached prompt tokens)", completion.text, completion.usage.cached_prompt_tokens);
//! # Ok(())
//! # }
//! ```

mod client;
mod config;
mod model;
mod reply;
mod retry;
mod sse;
mod structured;
mod wire;

pub use config::{ApiKey, OpenAiConfig, StructuredOutput};
pub use model::OpenAiModel;
