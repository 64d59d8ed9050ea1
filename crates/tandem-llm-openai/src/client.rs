//! The HTTP funnel: the only place that builds a `reqwest` client, sends a request and turns
//! transport failures and HTTP statuses into typed [`LlmError`]s.

use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use tandem_llm::LlmError;

use crate::config::{ApiKey, OpenAiConfig};

/// Whole replies larger than this are refused rather than buffered without bound.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// Error bodies are read only this far; they end up in messages and logs.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
const MAX_ERROR_BODY_CHARS: usize = 2_000;

/// A client for one chat-completions endpoint.
#[derive(Debug, Clone)]
pub(crate) struct HttpClient {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    /// `Bearer …`, marked sensitive so that it stays out of debug output.
    authorization: Option<HeaderValue>,
    connect_timeout: Duration,
}

impl HttpClient {
    pub fn new(config: &OpenAiConfig) -> Result<Self, LlmError> {
        let endpoint = chat_completions_url(&config.base_url)?;
        let authorization = config.api_key.as_ref().map(bearer).transpose()?;
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .tcp_nodelay(true)
            .user_agent(concat!("tandem/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LlmError::Connection { endpoint: endpoint.to_string(), source: Box::new(e) })?;
        Ok(Self { client, endpoint, authorization, connect_timeout: config.connect_timeout })
    }

    /// Posts `body` and returns the response once its status says success.
    pub async fn send(&self, body: Vec<u8>, stream: bool) -> Result<reqwest::Response, LlmError> {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let accept = if stream { "text/event-stream" } else { "application/json" };
        headers.insert(header::ACCEPT, HeaderValue::from_static(accept));
        if let Some(value) = &self.authorization {
            headers.insert(header::AUTHORIZATION, value.clone());
        }
        let response = self
            .client
            .post(self.endpoint.clone())
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(|e| self.transport_error(e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = retry_after(response.headers());
        let body = self.read_error_body(response).await;
        Err(status_error(status.as_u16(), retry_after, body))
    }

    /// Reads a whole reply body, refusing one larger than any chat reply.
    pub async fn read_body(&self, mut response: reqwest::Response) -> Result<Vec<u8>, LlmError> {
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport_error(e))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(LlmError::MalformedReply { detail: format!("reply larger than {MAX_BODY_BYTES} bytes") });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// The error body is only for the message, so a failure to read it is not an error.
    async fn read_error_body(&self, mut response: reqwest::Response) -> String {
        let mut body = Vec::new();
        while body.len() < MAX_ERROR_BODY_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        let text = String::from_utf8_lossy(&body);
        let text = text.trim();
        match text.char_indices().nth(MAX_ERROR_BODY_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        }
    }

    /// Classifies a failure below HTTP: no connection, a connect timeout, a broken body.
    pub fn transport_error(&self, error: reqwest::Error) -> LlmError {
        // The overall and first-token deadlines are enforced around the call with tokio
        // timers, so the only timeout reqwest itself reports is the connect timeout.
        if error.is_timeout() {
            return LlmError::Timeout { elapsed: self.connect_timeout };
        }
        LlmError::Connection { endpoint: self.endpoint.to_string(), source: Box::new(error) }
    }
}

fn bearer(key: &ApiKey) -> Result<HeaderValue, LlmError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| LlmError::Unsupported {
        detail: "the API key holds characters not allowed in an HTTP header".into(),
    })?;
    // Keeps the value out of reqwest's and hyper's own debug output, and ours.
    value.set_sensitive(true);
    Ok(value)
}

/// `{base_url}/chat/completions`, for an http(s) base URL.
fn chat_completions_url(base_url: &str) -> Result<reqwest::Url, LlmError> {
    let joined = format!("{}/chat/completions", base_url.trim_end_matches('/'));
    let url = reqwest::Url::parse(&joined)
        .map_err(|e| LlmError::Unsupported { detail: format!("base_url `{base_url}` is not a URL: {e}") })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(LlmError::Unsupported { detail: format!("base_url `{base_url}` is not an http(s) URL") });
    }
    Ok(url)
}

/// Maps a failed HTTP status to the error class that decides whether to retry.
pub(crate) fn status_error(status: u16, retry_after: Option<Duration>, body: String) -> LlmError {
    match status {
        429 => LlmError::RateLimited { retry_after },
        500..=599 => LlmError::Server { status, body },
        400..=499 => LlmError::Rejected { status, body },
        // Redirects are followed by reqwest; anything else left over is not a chat reply.
        _ => LlmError::MalformedReply { detail: format!("unexpected HTTP status {status}") },
    }
}

/// The wait a server asks for: `retry-after-ms` (OpenAI, Azure) or `Retry-After` in whole
/// seconds. The HTTP-date form is not used by model servers and is ignored.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| -> Option<f64> {
        let value = headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok()?;
        (value.is_finite() && value >= 0.0).then_some(value)
    };
    if let Some(ms) = number("retry-after-ms") {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    number("retry-after").and_then(|s| Duration::try_from_secs_f64(s).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn parses_retry_after_forms() {
        assert_eq!(retry_after(&headers(&[("retry-after", "3")])), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "250"), ("retry-after", "9")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")])), None);
        assert_eq!(retry_after(&headers(&[])), None);
    }

    #[test]
    fn classifies_statuses() {
        assert!(matches!(status_error(429, None, String::new()), LlmError::RateLimited { .. }));
        assert!(matches!(status_error(503, None, String::new()), LlmError::Server { status: 503, .. }));
        assert!(matches!(status_error(401, None, String::new()), LlmError::Rejected { status: 401, .. }));
        assert!(matches!(status_error(304, None, String::new()), LlmError::MalformedReply { .. }));
    }

    #[test]
    fn a_key_that_cannot_be_a_header_is_refused_without_echoing_it() {
        let config =
            OpenAiConfig { api_key: Some(ApiKey::new("sk-1\nX-Evil: 1")), ..OpenAiConfig::new("http://h/v1", "m") };
        let error = HttpClient::new(&config).unwrap_err();
        assert!(matches!(error, LlmError::Unsupported { .. }));
        assert!(!error.to_string().contains("sk-1"));
    }

    #[test]
    fn builds_the_endpoint_url() {
        assert_eq!(chat_completions_url("http://h:8000/v1/").unwrap().as_str(), "http://h:8000/v1/chat/completions");
        assert_eq!(
            chat_completions_url("https://api.deepseek.com").unwrap().as_str(),
            "https://api.deepseek.com/chat/completions"
        );
        assert!(chat_completions_url("ftp://h/v1").is_err());
        assert!(chat_completions_url("not a url").is_err());
    }
}
