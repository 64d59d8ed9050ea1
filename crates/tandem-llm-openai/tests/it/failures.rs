//! Failed calls: each failure's typed error, and which ones are retried and how.

use std::time::{Duration, Instant};

use tandem_llm::LlmError;
use tandem_llm_openai::OpenAiConfig;

use crate::calls::{complete, sql_request};
use crate::mock::{MockServer, Reply};

#[tokio::test]
async fn malformed_json_body() {
    let server = MockServer::start([Reply::json("malformed_reply.json")]).await;
    let config = OpenAiConfig { max_retries: 0, ..server.config() };
    let (result, deltas) = complete(config, &sql_request()).await;
    assert!(matches!(result, Err(LlmError::MalformedReply { .. })), "{result:?}");
    assert!(deltas.is_empty());
}

#[tokio::test]
async fn rate_limited_then_success_waits_as_told() {
    let limited = Reply::status(429, "error_429.json").header("retry-after-ms", "200");
    let server = MockServer::start([limited, Reply::json("vllm_reply.json")]).await;
    let started = Instant::now();
    let (result, _) = complete(server.config(), &sql_request()).await;
    assert!(result.is_ok(), "{result:?}");
    // The configured backoff is 10 ms; only Retry-After explains this wait.
    assert!(started.elapsed() >= Duration::from_millis(200), "retried after {:?}", started.elapsed());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn rate_limited_until_retries_run_out() {
    let limited = || Reply::status(429, "error_429.json").header("retry-after", "0");
    let server = MockServer::start([limited(), limited(), limited()]).await;
    let (result, _) = complete(server.config(), &sql_request()).await;
    assert!(matches!(result, Err(LlmError::RateLimited { retry_after: Some(wait) }) if wait.is_zero()), "{result:?}");
    assert_eq!(server.requests().len(), 3, "one call and max_retries = 2 retries");
}

#[tokio::test]
async fn rate_limited_for_longer_than_max_backoff_is_not_retried() {
    let server = MockServer::start([Reply::status(429, "error_429.json").header("retry-after", "60")]).await;
    let (result, _) = complete(server.config(), &sql_request()).await;
    assert!(
        matches!(result, Err(LlmError::RateLimited { retry_after: Some(wait) }) if wait == Duration::from_secs(60)),
        "{result:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn server_error_then_success() {
    let server = MockServer::start([Reply::status(500, "vllm_error_500.json"), Reply::json("vllm_reply.json")]).await;
    let (result, _) = complete(server.config(), &sql_request()).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn server_error_until_retries_run_out() {
    let failing = || Reply::status(503, "vllm_error_500.json");
    let server = MockServer::start([failing(), failing(), failing()]).await;
    let (result, _) = complete(server.config(), &sql_request()).await;
    match result {
        Err(LlmError::Server { status: 503, body }) => assert!(body.contains("EngineDeadError"), "{body}"),
        other => panic!("expected a 503 server error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn bad_request_is_not_retried() {
    let server = MockServer::start([Reply::status(400, "vllm_error_400.json"), Reply::json("vllm_reply.json")]).await;
    let (result, _) = complete(server.config(), &sql_request()).await;
    match result {
        Err(LlmError::Rejected { status: 400, body }) => assert!(body.contains("maximum context length"), "{body}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn request_timeout() {
    let server = MockServer::start([Reply::json("vllm_reply.json").delayed(Duration::from_secs(3))]).await;
    let config = OpenAiConfig { request_timeout: Duration::from_millis(150), max_retries: 0, ..server.config() };
    let started = Instant::now();
    let (result, _) = complete(config, &sql_request()).await;
    assert!(
        matches!(result, Err(LlmError::Timeout { elapsed }) if elapsed == Duration::from_millis(150)),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn first_token_timeout_is_retried_while_nothing_was_streamed() {
    let slow = || Reply::sse("vllm_stream.sse").first_event_after(Duration::from_secs(3));
    let server = MockServer::start([slow(), slow()]).await;
    let config = OpenAiConfig {
        stream: true,
        first_token_timeout: Some(Duration::from_millis(150)),
        max_retries: 1,
        ..server.config()
    };
    let started = Instant::now();
    let (result, deltas) = complete(config, &sql_request()).await;
    assert!(
        matches!(result, Err(LlmError::Timeout { elapsed }) if elapsed == Duration::from_millis(150)),
        "{result:?}"
    );
    assert!(deltas.is_empty());
    assert_eq!(server.requests().len(), 2);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn first_token_timeout_also_covers_headers() {
    let server = MockServer::start([Reply::sse("vllm_stream.sse").delayed(Duration::from_secs(3))]).await;
    let config = OpenAiConfig {
        stream: true,
        first_token_timeout: Some(Duration::from_millis(150)),
        max_retries: 0,
        ..server.config()
    };
    let (result, _) = complete(config, &sql_request()).await;
    assert!(matches!(result, Err(LlmError::Timeout { .. })), "{result:?}");
}

#[tokio::test]
async fn truncated_stream_is_malformed_and_not_retried_after_deltas() {
    let server = MockServer::start([Reply::sse("truncated_stream.sse"), Reply::sse("vllm_stream.sse")]).await;
    let config = OpenAiConfig { stream: true, ..server.config() };
    let (result, deltas) = complete(config, &sql_request()).await;
    assert!(matches!(result, Err(LlmError::MalformedReply { .. })), "{result:?}");
    assert_eq!(deltas, ["SELECT name", " FROM"]);
    assert_eq!(server.requests().len(), 1, "a retry would repeat text the caller already has");
}

#[tokio::test]
async fn error_event_mid_stream_keeps_its_class() {
    let server = MockServer::start([Reply::sse("vllm_stream_error_event.sse")]).await;
    let config = OpenAiConfig { stream: true, max_retries: 0, ..server.config() };
    let (result, _) = complete(config, &sql_request()).await;
    assert!(matches!(result, Err(LlmError::Server { status: 500, .. })), "{result:?}");
}

#[tokio::test]
async fn unreachable_endpoint_is_a_connection_error() {
    // Bind and release a port so that nothing listens on it.
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = OpenAiConfig {
        max_retries: 1,
        initial_backoff: Duration::from_millis(1),
        ..OpenAiConfig::new(format!("http://127.0.0.1:{port}/v1"), "m")
    };
    let (result, _) = complete(config, &sql_request()).await;
    let error = result.unwrap_err();
    assert!(matches!(error, LlmError::Connection { .. }), "{error:?}");
    assert!(error.is_retryable());
}
