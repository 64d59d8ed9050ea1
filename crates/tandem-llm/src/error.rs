//! Everything that can go wrong in a model call, classified for retries.

use std::time::Duration;

/// A failed model call.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// The endpoint could not be reached or the connection broke.
    #[error("cannot reach model endpoint {endpoint}")]
    Connection {
        endpoint: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The call took longer than its timeout.
    #[error("model call timed out after {elapsed:?}")]
    Timeout { elapsed: Duration },
    /// The server is overloaded or rate limiting (HTTP 429).
    #[error("model endpoint is rate limiting (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    /// The server failed (HTTP 5xx).
    #[error("model endpoint failed with HTTP {status}: {body}")]
    Server { status: u16, body: String },
    /// The server refused the request as malformed or unauthorised (HTTP 4xx other than 429).
    #[error("model endpoint rejected the request with HTTP {status}: {body}")]
    Rejected { status: u16, body: String },
    /// The reply could not be understood (bad JSON, a truncated stream, missing fields).
    #[error("malformed reply from model endpoint: {detail}")]
    MalformedReply { detail: String },
    /// A structured reply did not hold the JSON that was asked for.
    #[error("reply is not the requested JSON: {detail}")]
    InvalidStructuredOutput { detail: String, reply: String },
    /// The prompt does not fit the model's context window.
    #[error("prompt of {prompt_tokens} tokens does not fit the context of {context_tokens} tokens")]
    ContextOverflow { prompt_tokens: u32, context_tokens: u32 },
    /// The admission gate refused the call (queue full or deadline passed).
    #[error(transparent)]
    Admission(#[from] crate::admission::AdmissionError),
    /// The caller cancelled the call.
    #[error("model call was cancelled")]
    Cancelled,
    /// The in-process backend failed (model load, decode, sampling).
    #[error("local model backend failed: {detail}")]
    Backend { detail: String },
    /// The request asked for something this backend cannot do.
    #[error("unsupported request: {detail}")]
    Unsupported { detail: String },
}

impl LlmError {
    /// Whether sending the same request again may succeed. Retrying a rejected request, a
    /// context overflow, a cancellation or an admission refusal only burns time.
    pub fn is_retryable(&self) -> bool {
        match self {
            LlmError::Connection { .. }
            | LlmError::Timeout { .. }
            | LlmError::RateLimited { .. }
            | LlmError::Server { .. }
            | LlmError::MalformedReply { .. } => true,
            LlmError::InvalidStructuredOutput { .. }
            | LlmError::Rejected { .. }
            | LlmError::ContextOverflow { .. }
            | LlmError::Admission(_)
            | LlmError::Cancelled
            | LlmError::Backend { .. }
            | LlmError::Unsupported { .. } => false,
        }
    }

    /// A stable snake_case code for logs, metrics labels and the HTTP error table.
    pub fn code(&self) -> &'static str {
        match self {
            LlmError::Connection { .. } => "model_connection",
            LlmError::Timeout { .. } => "model_timeout",
            LlmError::RateLimited { .. } => "model_rate_limited",
            LlmError::Server { .. } => "model_server_error",
            LlmError::Rejected { .. } => "model_rejected",
            LlmError::MalformedReply { .. } => "model_malformed_reply",
            LlmError::InvalidStructuredOutput { .. } => "model_invalid_json",
            LlmError::ContextOverflow { .. } => "model_context_overflow",
            LlmError::Admission(e) => e.code(),
            LlmError::Cancelled => "model_cancelled",
            LlmError::Backend { .. } => "model_backend",
            LlmError::Unsupported { .. } => "model_unsupported",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_classification() {
        assert!(LlmError::RateLimited { retry_after: None }.is_retryable());
        assert!(LlmError::Server { status: 503, body: String::new() }.is_retryable());
        assert!(LlmError::Timeout { elapsed: Duration::from_secs(1) }.is_retryable());
        assert!(!LlmError::Rejected { status: 400, body: String::new() }.is_retryable());
        assert!(!LlmError::Cancelled.is_retryable());
        assert!(!LlmError::ContextOverflow { prompt_tokens: 9, context_tokens: 8 }.is_retryable());
    }
}
