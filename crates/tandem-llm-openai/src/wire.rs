//! The chat-completions wire format: the request body we send and the replies (whole or
//! streamed chunks) we accept. Every field a server may omit is optional, because vLLM,
//! SGLang, llama.cpp, Ollama and DeepSeek each leave out different ones.

use serde::{Deserialize, Serialize};
use tandem_llm::{FinishReason, LlmError, Message, Usage};

/// The request body.
#[derive(Debug, Serialize)]
pub(crate) struct WireRequest<'a> {
    pub model: &'a str,
    pub messages: &'a [Message],
    pub max_tokens: u32,
    pub temperature: f32,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub stop: &'a [String],
    pub stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_format: Option<WireFormat<'a>>,
    /// llama.cpp server's GBNF grammar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grammar: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub(crate) struct StreamOptions {
    /// Without this, servers send no usage at all when streaming.
    pub include_usage: bool,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum WireFormat<'a> {
    JsonSchema { json_schema: WireSchema<'a> },
    JsonObject,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct WireSchema<'a> {
    pub name: &'a str,
    pub schema: &'a serde_json::Value,
    pub strict: bool,
}

/// A whole (non-streamed) reply.
#[derive(Debug, Deserialize)]
pub(crate) struct WireResponse {
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub choices: Vec<WireChoice>,
    #[serde(default)]
    pub usage: Option<WireUsage>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct WireChoice {
    #[serde(default)]
    pub message: Option<WireText>,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

/// A message or a delta; reasoning models put their thinking in `reasoning_content`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireText {
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub reasoning_content: Option<String>,
}

/// One server-sent event's payload when streaming.
#[derive(Debug, Deserialize)]
pub(crate) struct WireChunk {
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub choices: Vec<WireChunkChoice>,
    #[serde(default)]
    pub usage: Option<WireUsage>,
    /// vLLM and llama.cpp report a failure that happens mid-stream as an event.
    #[serde(default)]
    pub error: Option<WireError>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct WireChunkChoice {
    #[serde(default)]
    pub delta: Option<WireText>,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct WireError {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<serde_json::Value>,
}

impl WireError {
    /// Maps an in-stream error to the status class it would have had as an HTTP reply.
    pub fn into_llm_error(self) -> LlmError {
        let body = self.message.unwrap_or_else(|| "error event without a message".to_owned());
        let status = self.code.as_ref().and_then(serde_json::Value::as_u64).and_then(|c| u16::try_from(c).ok());
        match status {
            Some(status @ 400..=499) if status != 429 => LlmError::Rejected { status, body },
            Some(429) => LlmError::RateLimited { retry_after: None },
            Some(status @ 500..=599) => LlmError::Server { status, body },
            _ => LlmError::Server { status: 500, body },
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct WireUsage {
    #[serde(default)]
    pub prompt_tokens: Option<u32>,
    #[serde(default)]
    pub completion_tokens: Option<u32>,
    /// OpenAI, vLLM and SGLang report prefix-cache hits here.
    #[serde(default)]
    pub prompt_tokens_details: Option<WirePromptDetails>,
    /// DeepSeek's API reports them here instead.
    #[serde(default)]
    pub prompt_cache_hit_tokens: Option<u32>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct WirePromptDetails {
    #[serde(default)]
    pub cached_tokens: Option<u32>,
}

impl WireUsage {
    pub fn to_usage(&self) -> Usage {
        let prompt_tokens = self.prompt_tokens.unwrap_or(0);
        let cached = self
            .prompt_tokens_details
            .as_ref()
            .and_then(|d| d.cached_tokens)
            .or(self.prompt_cache_hit_tokens)
            .unwrap_or(0);
        Usage {
            prompt_tokens,
            // A server that counts cache hits beyond the prompt would make uncached tokens
            // negative downstream; clamp rather than trust it.
            cached_prompt_tokens: cached.min(prompt_tokens),
            completion_tokens: self.completion_tokens.unwrap_or(0),
        }
    }
}

/// `"length"` is the only reason that matters downstream (a truncated reply); every other
/// reason (`stop`, `eos`, `content_filter`, …) ends the turn.
pub(crate) fn finish_reason(reason: &str) -> FinishReason {
    match reason {
        "length" => FinishReason::Length,
        _ => FinishReason::Stop,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn usage(value: serde_json::Value) -> Usage {
        serde_json::from_value::<WireUsage>(value).unwrap().to_usage()
    }

    #[test]
    fn reads_cached_tokens_from_either_dialect() {
        let openai =
            json!({"prompt_tokens": 100, "completion_tokens": 5, "prompt_tokens_details": {"cached_tokens": 64}});
        assert_eq!(usage(openai), Usage { prompt_tokens: 100, cached_prompt_tokens: 64, completion_tokens: 5 });
        let deepseek = json!({"prompt_tokens": 100, "completion_tokens": 5, "prompt_cache_hit_tokens": 80, "prompt_cache_miss_tokens": 20});
        assert_eq!(usage(deepseek), Usage { prompt_tokens: 100, cached_prompt_tokens: 80, completion_tokens: 5 });
        let bare = json!({"prompt_tokens": 7, "completion_tokens": 2, "prompt_tokens_details": null});
        assert_eq!(usage(bare), Usage { prompt_tokens: 7, cached_prompt_tokens: 0, completion_tokens: 2 });
    }

    #[test]
    fn request_omits_what_is_unset() {
        let messages = [Message::user("hi")];
        let request = WireRequest {
            model: "m",
            messages: &messages,
            max_tokens: 8,
            temperature: 0.2,
            stop: &[],
            stream: false,
            stream_options: None,
            response_format: Some(WireFormat::JsonObject),
            grammar: None,
        };
        // Through text, as on the wire: an f32 converted to a JSON value would carry f64 noise.
        let sent: serde_json::Value = serde_json::from_str(&serde_json::to_string(&request).unwrap()).unwrap();
        assert_eq!(
            sent,
            json!({
                "model": "m",
                "messages": [{"role": "user", "content": "hi"}],
                "max_tokens": 8,
                "temperature": 0.2,
                "stream": false,
                "response_format": {"type": "json_object"},
            })
        );
    }

    #[test]
    fn in_stream_errors_keep_their_class() {
        let error =
            |code: serde_json::Value| WireError { message: Some("x".into()), code: Some(code) }.into_llm_error();
        assert!(matches!(error(json!(400)), LlmError::Rejected { status: 400, .. }));
        assert!(matches!(error(json!(429)), LlmError::RateLimited { .. }));
        assert!(matches!(error(json!(503)), LlmError::Server { status: 503, .. }));
        assert!(matches!(error(json!("internal")), LlmError::Server { status: 500, .. }));
    }
}
