//! 100 sessions at once through HTTP, with models that answer from each request: every
//! session gets its own answer, none is lost, and no admission slot stays taken.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixture::{Models, Shop, open};

const N_SESSIONS: u32 = 100;

async fn one_session(shop: Arc<Shop>, customer: u32) -> (u32, Value) {
    let question = format!("How many orders has customer {customer}?");
    let started: Value = shop
        .client
        .post(shop.url("/api/sessions"))
        .json(&json!({ "question": question }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["session"].as_str().unwrap().to_owned();
    let planned: Value =
        shop.client.get(shop.url(&format!("/api/sessions/{id}/settled"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(planned["status"], "awaiting_confirmation", "{planned}");
    assert_eq!(planned["question"], question.as_str(), "a session came back with another's question");
    let confirmed =
        shop.client.post(shop.url(&format!("/api/sessions/{id}/confirm"))).json(&json!({})).send().await.unwrap();
    assert_eq!(confirmed.status(), StatusCode::ACCEPTED);
    let answered: Value =
        shop.client.get(shop.url(&format!("/api/sessions/{id}/settled"))).send().await.unwrap().json().await.unwrap();
    (customer, answered)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_sessions_keep_to_themselves() {
    let shop = Arc::new(Shop::start(open(), Models::Echo).await);
    let runs = (0..N_SESSIONS).map(|i| one_session(Arc::clone(&shop), 100 + i));
    let results = futures::future::join_all(runs).await;
    let mut sessions = std::collections::HashSet::new();
    for (customer, turn) in results {
        assert_eq!(turn["status"], "answered", "customer {customer}: {turn}");
        // Customer c has c - 99 orders: a crossed session shows another count.
        assert_eq!(turn["answer"]["rows"], json!([[format!("c{customer}"), customer - 99]]), "customer {customer}");
        assert!(sessions.insert(turn["session"].as_str().unwrap().to_owned()), "two sessions share an id");
    }
    assert_eq!(sessions.len(), N_SESSIONS as usize);
    for snapshot in shop.snapshots() {
        assert_eq!(
            (snapshot.in_flight_requests, snapshot.in_flight_prompt_tokens, snapshot.queued),
            (0, 0, 0),
            "a leaked admission slot: {snapshot:?}"
        );
    }
}
