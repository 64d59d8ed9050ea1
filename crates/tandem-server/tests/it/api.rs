//! The HTTP API over the real session service: the happy path, auth and limits, bad input,
//! the event stream, metrics, OpenAPI and graceful shutdown.

use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tandem_llm::testing::Step;

use crate::fixture::{GOOD_SQL, KEY, Models, PLAN, QUESTION, Shop, code, get, keyed, open, post, send, sql};

/// Asks and waits for the plan; returns the session id.
async fn planned(shop: &Shop) -> String {
    let (status, turn) = post(shop, "/api/sessions", json!({ "question": QUESTION })).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{turn}");
    let id = turn["session"].as_str().unwrap().to_owned();
    let (status, turn) = get(shop, &format!("/api/sessions/{id}/settled")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(turn["status"], "awaiting_confirmation", "{turn}");
    id
}

#[tokio::test]
async fn ask_edit_confirm_and_page_the_rows() {
    let mut shop = Shop::start(open(), Models::Scripted).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let id = planned(&shop).await;
    assert!(shop.large.requests().is_empty(), "no large call before confirmation");

    let edits = json!({ "edits": [
        { "kind": "remove_table", "table": "product" },
        { "kind": "answer_question", "index": 0, "answer": "all orders" },
    ]});
    let (status, turn) = post(&shop, &format!("/api/sessions/{id}/confirm"), edits).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{turn}");
    assert_eq!(turn["status"], "running");
    let (_, turn) = get(&shop, &format!("/api/sessions/{id}/settled?limit=1&offset=1")).await;
    assert_eq!(turn["status"], "answered", "{turn}");
    assert_eq!(turn["plan"]["tables"], json!(["customer", "orders"]));
    let answer = &turn["answer"];
    assert_eq!(answer["n_rows"], 2);
    assert_eq!(answer["offset"], 1);
    assert_eq!(answer["rows"], json!([["Bruno", 7.0]]));
    assert!(turn["ledger_words"][0].as_str().unwrap().starts_with("the large model read"), "{turn}");
    let prompts: Vec<String> =
        shop.large.requests().iter().map(|r| r.messages.iter().map(|m| m.content.clone()).collect()).collect();
    assert!(prompts.iter().all(|p| !p.contains("product")), "a removed table reached the large model");

    let csv = shop.client.get(shop.url(&format!("/api/sessions/{id}/rows.csv"))).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.text().await.unwrap(), "name,total\nAmélie,15.0\nBruno,7.0\n");
    let (status, turns) = get(&shop, &format!("/api/sessions/{id}/turns")).await;
    assert_eq!((status, turns.as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    shop.stop().await.unwrap();
}

#[tokio::test]
async fn keys_are_required_and_limited() {
    let shop = Shop::start(keyed(600, 1), Models::Scripted).await;
    let bare = shop.client.get(shop.url("/api/sessions/00000000000000000000000000000000")).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(bare.headers()["www-authenticate"], "Bearer");
    let wrong = shop.client.get(shop.url("/metrics")).bearer_auth("nope").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(code(&body), "unauthorized");
    let mcp = shop.client.post(shop.url("/mcp")).body("{}").send().await.unwrap();
    assert_eq!(mcp.status(), StatusCode::UNAUTHORIZED, "MCP sits behind the same keys");
    for open_path in ["/healthz", "/readyz", "/openapi.json", "/", "/assets/app.js"] {
        let response = shop.client.get(shop.url(open_path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{open_path}");
    }
    let with_key = shop.client.get(shop.url("/metrics")).header("x-api-key", KEY).send().await.unwrap();
    assert_eq!(with_key.status(), StatusCode::OK);

    // One request at a time: a planning turn held by a long poll blocks a second request.
    shop.small.push(Step::After(Duration::from_millis(1_500), Box::new(Step::Reply(PLAN.to_owned()))));
    let (_, turn) = post(&shop, "/api/sessions", json!({ "question": QUESTION })).await;
    let id = turn["session"].as_str().unwrap().to_owned();
    let waiting = send(shop.client.get(shop.url(&format!("/api/sessions/{id}/settled"))));
    let second = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        get(&shop, &format!("/api/sessions/{id}")).await
    };
    let ((first, _), (second, body)) = tokio::join!(waiting, second);
    assert_eq!(first, StatusCode::OK);
    assert_eq!((second, code(&body)), (StatusCode::TOO_MANY_REQUESTS, "too_many_concurrent_requests"));
}

#[tokio::test]
async fn the_request_rate_is_capped_per_key() {
    let shop = Shop::start(keyed(20, 4), Models::Scripted).await;
    // 20 a minute bursts 2.
    for _ in 0..2 {
        assert_eq!(get(&shop, "/api/sessions/00000000000000000000000000000000").await.0, StatusCode::NOT_FOUND);
    }
    let response = shop.client.get(shop.url("/api/sessions/x")).bearer_auth(KEY).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn bad_input_gets_a_typed_error() {
    let shop = Shop::start(open(), Models::Scripted).await;
    let malformed = shop
        .client
        .post(shop.url("/api/sessions"))
        .header("content-type", "application/json")
        .body("{\"question\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(code(&malformed.json().await.unwrap()), "malformed_json");
    let (status, body) = post(&shop, "/api/sessions", json!({ "question": 7 })).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "malformed_json"));
    let (status, body) = post(&shop, "/api/sessions", json!({ "question": "x", "extra": true })).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "malformed_json"));
    let plain = shop.client.post(shop.url("/api/sessions")).body("{\"question\": \"hi\"}").send().await.unwrap();
    assert_eq!(plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = json!({ "question": "x".repeat(64 * 1024) });
    let (status, body) = post(&shop, "/api/sessions", huge).await;
    assert_eq!((status, code(&body)), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
    let (status, body) = post(&shop, "/api/sessions", json!({ "question": "   " })).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "empty_question"));
    let (status, body) = get(&shop, "/api/sessions/00000000000000000000000000000000").await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "unknown_session"));
    let (status, body) = get(&shop, "/api/sessions/not-an-id").await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "bad_session_id"));
    let (status, body) = get(&shop, "/api/sessions/00000000000000000000000000000000?limit=0").await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "bad_query"));
    let (status, body) = get(&shop, "/no/such/route").await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn broken_edits_and_double_confirm_leave_the_plan_as_it_was() {
    let shop = Shop::start(open(), Models::Scripted).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let id = planned(&shop).await;
    let confirm = format!("/api/sessions/{id}/confirm");
    for edits in [
        json!([{ "kind": "add_table", "table": "invoices" }]),
        json!([{ "kind": "remove_table", "table": "customer" }, { "kind": "remove_table", "table": "orders" }, { "kind": "remove_table", "table": "product" }]),
        json!([{ "kind": "remove_filter", "index": 9 }]),
    ] {
        let (status, body) = post(&shop, &confirm, json!({ "edits": edits })).await;
        assert_eq!((status, code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_edit"), "{body}");
    }
    let (status, body) = post(&shop, &confirm, json!({ "edits": [{ "kind": "explode" }] })).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "malformed_json"));
    let (_, turn) = get(&shop, &format!("/api/sessions/{id}")).await;
    assert_eq!(turn["status"], "awaiting_confirmation");
    assert_eq!(turn["plan"]["tables"], json!(["customer", "orders", "product"]));
    assert!(shop.large.requests().is_empty());

    assert_eq!(post(&shop, &confirm, json!({})).await.0, StatusCode::ACCEPTED);
    let (status, body) = post(&shop, &confirm, json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "not_awaiting_confirmation"));
    let (_, turn) = get(&shop, &format!("/api/sessions/{id}/settled")).await;
    assert_eq!(turn["status"], "answered");
    assert_eq!(shop.large.requests().len(), 1, "one confirmation, one generation");
}

#[tokio::test]
async fn cancel_mid_generation_frees_the_admission_slot() {
    let shop = Shop::start(open(), Models::Scripted).await;
    shop.small_says(&[PLAN]);
    shop.large.push(Step::After(Duration::from_secs(60), Box::new(Step::Reply(sql(GOOD_SQL)))));
    let id = planned(&shop).await;
    assert_eq!(post(&shop, &format!("/api/sessions/{id}/confirm"), json!({})).await.0, StatusCode::ACCEPTED);
    // Wait until the large call holds its slot.
    for _ in 0..200 {
        if shop.snapshots()[1].in_flight_requests == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(shop.snapshots()[1].in_flight_requests, 1, "the large call is in flight");
    let (status, turn) = post(&shop, &format!("/api/sessions/{id}/cancel"), json!({})).await;
    assert_eq!((status, turn["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{turn}");
    for _ in 0..200 {
        if shop.snapshots()[1].in_flight_requests == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(shop.snapshots()[1].in_flight_requests, 0, "cancel released the slot");
    let (status, body) = post(&shop, &format!("/api/sessions/{id}/cancel"), json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "already_settled"));
}

#[tokio::test]
async fn the_event_stream_follows_a_session_and_ends_at_shutdown() {
    let mut shop = Shop::start(open(), Models::Scripted).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let id = planned(&shop).await;
    let response = shop.client.get(shop.url(&format!("/api/sessions/{id}/events"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut stream = response.bytes_stream();
    assert_eq!(post(&shop, &format!("/api/sessions/{id}/confirm"), json!({})).await.0, StatusCode::ACCEPTED);
    let mut seen = String::new();
    // A `turn` event carries the latest state when it is sent, so `answered` may show up
    // before the progress events queued behind the status change that triggered it.
    while !(seen.contains("\"status\":\"answered\"") && seen.contains("rows_ready")) {
        let chunk = tokio::time::timeout(Duration::from_secs(20), stream.next()).await.unwrap().unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: turn"), "{seen}");
    assert!(seen.contains("event: progress") && seen.contains("sql_ready"), "{seen}");
    // Graceful shutdown ends the open stream and returns.
    shop.stop().await.unwrap();
    let rest =
        tokio::time::timeout(Duration::from_secs(5), async { while let Some(Ok(_)) = stream.next().await {} }).await;
    assert!(rest.is_ok(), "the stream ended with the server");
}

#[tokio::test]
async fn metrics_and_openapi_describe_the_server() {
    let shop = Shop::start(open(), Models::Scripted).await;
    shop.small_says(&[PLAN]);
    // A typo the rules tier fixes, so a repair round ends `fixed`.
    shop.large_says(&[&sql(&GOOD_SQL.replace("SUM(o.amount)", "SUM(o.amout)"))]);
    let id = planned(&shop).await;
    post(&shop, &format!("/api/sessions/{id}/confirm"), json!({})).await;
    let (_, turn) = get(&shop, &format!("/api/sessions/{id}/settled")).await;
    assert_eq!(turn["status"], "answered", "{turn}");
    let metrics = shop.client.get(shop.url("/metrics")).send().await.unwrap().text().await.unwrap();
    for name in [
        "tandem_http_requests_total",
        "tandem_llm_calls_total",
        "tandem_llm_queue_wait_seconds",
        "tandem_session_turns_total",
        "tandem_retrieval_tables_retrieved_total",
        "tandem_retrieval_tables_used_total",
        "tandem_retrieval_tables_used_in_slice_total",
        "tandem_retrieval_recall_ratio",
    ] {
        assert!(metrics.contains(name), "{name} missing from /metrics");
    }
    let repaired = |line: &&str| {
        line.starts_with("tandem_pipeline_repairs_total{")
            && line.contains(r#"tier="rules""#)
            && line.contains(r#"outcome="fixed""#)
    };
    assert!(metrics.lines().any(|line| repaired(&line)), "no fixed rules repair in /metrics:\n{metrics}");
    assert!(metrics.contains(r#"route="/api/sessions/{id}/confirm""#), "routes are labelled by pattern");
    let (status, doc) = get(&shop, "/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    for path in
        ["/api/sessions", "/api/sessions/{id}/confirm", "/api/sessions/{id}/events", "/api/sessions/{id}/rows.csv"]
    {
        assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI description");
    }
    assert!(doc["components"]["schemas"]["TurnView"].is_object());
    let (status, ready) = get(&shop, "/readyz").await;
    assert_eq!((status, &ready["status"]), (StatusCode::OK, &json!("ready")));
}

#[tokio::test]
async fn a_slow_request_gets_408_and_shutdown_waits_for_running_turns() {
    let config = tandem_server::ServerConfig { request_timeout_ms: 300, ..open() };
    let mut shop = Shop::start(config, Models::Scripted).await;
    shop.small.push(Step::After(Duration::from_millis(1_000), Box::new(Step::Reply(PLAN.to_owned()))));
    shop.large.push(Step::After(Duration::from_millis(800), Box::new(Step::Reply(sql(GOOD_SQL)))));
    let (_, turn) = post(&shop, "/api/sessions", json!({ "question": QUESTION })).await;
    let id = turn["session"].as_str().unwrap().to_owned();
    let (status, body) = get(&shop, &format!("/api/sessions/{id}/settled")).await;
    assert_eq!((status, code(&body)), (StatusCode::REQUEST_TIMEOUT, "timeout"));
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(post(&shop, &format!("/api/sessions/{id}/confirm"), json!({})).await.0, StatusCode::ACCEPTED);
    // Stop while the large model is still writing: the server waits for the turn.
    shop.stop().await.unwrap();
    use tandem_server::SessionService as _;
    let turn = shop.service.latest(&id).await.unwrap();
    assert_eq!(turn.status, tandem_server::TurnStatus::Answered, "shutdown finished the running turn");
}
