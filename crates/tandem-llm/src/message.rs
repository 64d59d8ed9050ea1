//! Requests: the conversation and the sampling options.

use serde::{Deserialize, Serialize};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Self { role: Role::System, content: content.into() }
    }

    pub fn user(content: impl Into<String>) -> Self {
        Self { role: Role::User, content: content.into() }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Self { role: Role::Assistant, content: content.into() }
    }
}

/// The shape the reply must take.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseFormat {
    /// Free text.
    #[default]
    Text,
    /// A JSON value matching `schema` (a JSON Schema document). Backends enforce it as well as
    /// they can: a server's `response_format`, or a grammar derived from the schema.
    JsonSchema { name: String, schema: serde_json::Value },
    /// A GBNF grammar, for backends that sample under a grammar (llama.cpp).
    Grammar { gbnf: String },
}

/// Sampling options for one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatOptions {
    /// Upper bound on generated tokens.
    pub max_tokens: u32,
    /// 0.0 means greedy decoding.
    pub temperature: f32,
    /// Generation stops before any of these strings; they are not part of the reply.
    pub stop: Vec<String>,
    pub response_format: ResponseFormat,
}

impl Default for ChatOptions {
    fn default() -> Self {
        Self { max_tokens: 512, temperature: 0.0, stop: Vec::new(), response_format: ResponseFormat::Text }
    }
}

/// A conversation plus the options to continue it with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    pub options: ChatOptions,
}

impl ChatRequest {
    pub fn new(messages: Vec<Message>) -> Self {
        Self { messages, options: ChatOptions::default() }
    }

    pub fn with_max_tokens(mut self, max_tokens: u32) -> Self {
        self.options.max_tokens = max_tokens;
        self
    }

    pub fn with_temperature(mut self, temperature: f32) -> Self {
        self.options.temperature = temperature;
        self
    }

    pub fn with_stop(mut self, stop: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.options.stop = stop.into_iter().map(Into::into).collect();
        self
    }

    pub fn with_json_schema(mut self, name: impl Into<String>, schema: serde_json::Value) -> Self {
        self.options.response_format = ResponseFormat::JsonSchema { name: name.into(), schema };
        self
    }

    pub fn with_grammar(mut self, gbnf: impl Into<String>) -> Self {
        self.options.response_format = ResponseFormat::Grammar { gbnf: gbnf.into() };
        self
    }

    /// Total characters of message content; the basis of the token approximation.
    pub fn content_chars(&self) -> usize {
        self.messages.iter().map(|m| m.content.chars().count()).sum()
    }
}
