//! Successful calls: whole and streamed replies, usage, what goes on the wire.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::json;
use tandem_llm::{ChatModel, ChatRequest, FinishReason, Message, Usage, approx_token_count};
use tandem_llm_openai::{ApiKey, OpenAiConfig, OpenAiModel};

use crate::calls::{complete, sql_request};
use crate::mock::{MODEL, MockServer, Reply};

#[tokio::test]
async fn whole_reply_and_what_the_client_sent() {
    let server = MockServer::start([Reply::json("vllm_reply.json")]).await;
    let (result, deltas) = complete(server.config(), &sql_request()).await;
    let completion = result.unwrap();

    assert_eq!(completion.text, "SELECT name FROM singer ORDER BY age DESC LIMIT 1;");
    assert_eq!(deltas, std::slice::from_ref(&completion.text));
    assert_eq!(completion.finish_reason, FinishReason::Stop);
    assert_eq!(completion.usage, Usage { prompt_tokens: 412, cached_prompt_tokens: 384, completion_tokens: 15 });
    assert_eq!(completion.model, MODEL);
    assert!(completion.timing.total >= completion.timing.time_to_first_token);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].body,
        json!({
            "model": MODEL,
            "messages": [
                {"role": "system", "content": "You write SQLite SQL for the tables given."},
                {"role": "user", "content": "Which singer is the oldest?"},
            ],
            "max_tokens": 128,
            "temperature": 0.2,
            "stop": [";\n\n", "```"],
            "stream": false,
        })
    );
    assert_eq!(requests[0].authorization, None);
}

#[tokio::test]
async fn streamed_reply_forwards_deltas_and_reads_cached_usage() {
    let server = MockServer::start([Reply::sse("vllm_stream.sse")]).await;
    let config = OpenAiConfig { stream: true, ..server.config() };
    let (result, deltas) = complete(config, &sql_request()).await;
    let completion = result.unwrap();

    assert_eq!(deltas, ["SELECT", " COUNT", "(*)", " FROM singer", ";"]);
    assert_eq!(deltas.concat(), completion.text);
    assert_eq!(completion.usage, Usage { prompt_tokens: 1873, cached_prompt_tokens: 1792, completion_tokens: 7 });
    assert_eq!(completion.usage.uncached_prompt_tokens(), 81);
    assert_eq!(completion.finish_reason, FinishReason::Stop);

    let body = &server.requests()[0].body;
    assert_eq!(body["stream"], json!(true));
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
}

#[tokio::test]
async fn deepseek_stream_with_keep_alives_and_cache_hit_tokens() {
    let server = MockServer::start([Reply::sse("deepseek_stream.sse")]).await;
    let config = OpenAiConfig { stream: true, ..OpenAiConfig::new(&server.base_url, "deepseek-chat") };
    let (result, deltas) = complete(config, &sql_request()).await;
    let completion = result.unwrap();

    assert_eq!(completion.text, "SELECT region, SUM(amount) FROM orders GROUP BY region");
    assert_eq!(deltas.concat(), completion.text);
    assert_eq!(completion.usage, Usage { prompt_tokens: 2210, cached_prompt_tokens: 2176, completion_tokens: 12 });
    assert_eq!(completion.model, "deepseek-chat");
}

#[tokio::test]
async fn missing_usage_is_approximated() {
    let request = sql_request();
    let prompt_estimate = {
        let model = OpenAiModel::new(OpenAiConfig::new("http://127.0.0.1:9/v1", MODEL)).unwrap();
        model.estimate_prompt_tokens(&request)
    };
    assert!(prompt_estimate > 0);

    let server =
        MockServer::start([Reply::sse("llamacpp_stream_no_usage.sse"), Reply::json("vllm_reply_no_usage.json")]).await;
    let streamed = complete(OpenAiConfig { stream: true, ..server.config() }, &request).await.0.unwrap();
    assert_eq!(streamed.text, "SELECT * FROM artists LIMIT 10;");
    assert_eq!(streamed.model, "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");
    let expected = Usage {
        prompt_tokens: prompt_estimate,
        cached_prompt_tokens: 0,
        completion_tokens: approx_token_count(&streamed.text),
    };
    assert_eq!(streamed.usage, expected);

    let whole = complete(server.config(), &request).await.0.unwrap();
    assert_eq!(whole.usage.prompt_tokens, prompt_estimate);
    assert_eq!(whole.usage.completion_tokens, approx_token_count("SELECT COUNT(*) FROM concert;"));
}

#[tokio::test]
async fn api_key_is_a_bearer_header_and_never_in_debug_output() {
    let server = MockServer::start([Reply::json("vllm_reply.json")]).await;
    let config = OpenAiConfig { api_key: Some(ApiKey::new("sk-test-0123456789")), ..server.config() };
    let model = OpenAiModel::new(config).unwrap();
    let shown = format!("{model:?}");
    assert!(!shown.contains("sk-test-0123456789"), "{shown}");

    let mut sink = tandem_llm::discard_deltas;
    model.complete(&sql_request(), &mut sink).await.unwrap();
    assert_eq!(server.requests()[0].authorization.as_deref(), Some("Bearer sk-test-0123456789"));
}

#[tokio::test]
async fn dropping_the_call_drops_the_request() {
    let dropped = Arc::new(AtomicBool::new(false));
    let reply = Reply::sse("vllm_stream.sse").slow_events(Duration::from_millis(300), Arc::clone(&dropped));
    let server = MockServer::start([reply]).await;
    let model = OpenAiModel::new(OpenAiConfig { stream: true, ..server.config() }).unwrap();
    let request = ChatRequest::new(vec![Message::user("count singers")]);

    let mut deltas = 0;
    let mut sink = |_: &str| deltas += 1;
    // The whole transcript takes ~2.7 s; give up on it after the first events.
    let outcome = tokio::time::timeout(Duration::from_millis(700), model.complete(&request, &mut sink)).await;
    assert!(outcome.is_err(), "the call should still have been running");
    assert!(deltas >= 1);

    // The server notices the closed connection at its next write, ~300 ms later.
    let gave_up = tokio::time::Instant::now();
    while !dropped.load(Ordering::SeqCst) {
        assert!(gave_up.elapsed() < Duration::from_millis(1_500), "server kept streaming to a dropped call");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
