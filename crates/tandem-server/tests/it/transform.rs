//! Transforms over HTTP and MCP: the preview awaits approval with the file untouched, apply
//! writes once under the key's name, a failed check blocks apply, revise goes back to the
//! plan, export hands out the migration and writes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixture::{KEY, N_TOTALS, Shop, TOTALS_SQL, TRANSFORM, code, get, keyed, post, sql, transform_plan};

/// Asks for the transform, confirms the plan with `edits` and waits for the preview.
async fn previewed(shop: &Shop, edits: Value) -> (String, Value) {
    let (status, turn) = post(shop, "/api/sessions", json!({ "question": TRANSFORM })).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{turn}");
    let id = turn["session"].as_str().unwrap().to_owned();
    let (_, turn) = get(shop, &format!("/api/sessions/{id}/settled")).await;
    assert_eq!(turn["status"], "awaiting_confirmation", "a person looks at every transform: {turn}");
    assert_eq!(turn["plan"]["transform"]["target"], "customer_totals");
    let (status, turn) = post(shop, &format!("/api/sessions/{id}/confirm"), json!({ "edits": edits })).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{turn}");
    let (_, turn) = get(shop, &format!("/api/sessions/{id}/settled")).await;
    assert_eq!(turn["status"], "awaiting_approval", "{turn}");
    (id, turn)
}

#[tokio::test]
async fn a_preview_waits_with_the_file_untouched_then_applies_once_under_the_keys_name() {
    let shop = Shop::transforming(keyed(600, 8)).await;
    shop.small_says(&[&transform_plan(r#"{"unique": [["name"]]}"#)]);
    shop.large_says(&[&sql(TOTALS_SQL)]);
    let before = std::fs::read(shop.path()).unwrap();
    let edits = json!([{ "kind": "set_expectations", "expect": { "unique": [["name"]], "not_null": ["total"], "min_rows": 1 } }]);
    let (id, turn) = previewed(&shop, edits).await;

    let preview = &turn["preview"];
    assert_eq!(preview["target"], "customer_totals");
    assert_eq!(preview["write"], "create_as_select");
    assert_eq!((preview["rows_affected"].as_u64(), preview["target_rows"].as_u64()), (Some(N_TOTALS), Some(N_TOTALS)));
    assert_eq!(preview["columns"].as_array().unwrap().len(), 2);
    assert!(!preview["sample"].as_array().unwrap().is_empty());
    let checks: Vec<&str> = preview["checks"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(checks, ["unique", "not_null", "row_count"], "the edited expectations were checked: {preview}");
    assert_eq!(preview["can_apply"], true);
    assert!(preview["applied"].is_null() && preview["migration"].is_null());
    assert!(preview["sql"][0].as_str().unwrap().starts_with("CREATE TABLE customer_totals"), "{preview}");
    assert!(!turn["ledger_words"].as_array().unwrap().is_empty());
    assert_eq!(std::fs::read(shop.path()).unwrap(), before, "the preview left the file byte-for-byte unchanged");

    let (status, applied) = post(&shop, &format!("/api/sessions/{id}/apply"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["status"], "applied");
    assert_eq!(applied["preview"]["applied"]["actor"], "tester", "the audit log names the API key");
    assert_eq!(applied["preview"]["applied"]["rows_affected"].as_u64(), Some(N_TOTALS));
    let count = shop.query("SELECT COUNT(*) FROM customer_totals").await;
    assert_eq!(count, vec![vec![tandem_exec::Value::Int(N_TOTALS as i64)]]);

    let (status, again) = post(&shop, &format!("/api/sessions/{id}/apply"), json!({})).await;
    assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "not_awaiting_approval"), "{again}");
    let (status, none) = get(&shop, &format!("/api/sessions/{id}/migration.sql")).await;
    assert_eq!((status, code(&none)), (StatusCode::CONFLICT, "no_migration"), "{none}");
    let (_, latest) = get(&shop, &format!("/api/sessions/{id}")).await;
    assert_eq!(latest["status"], "applied");
    assert_eq!(
        shop.query("SELECT COUNT(*) FROM customer_totals").await[0][0],
        tandem_exec::Value::Int(N_TOTALS as i64)
    );
}

#[tokio::test]
async fn a_failed_check_blocks_apply_revise_returns_to_the_plan_and_export_writes_nothing() {
    let shop = Shop::transforming(keyed(600, 8)).await;
    let by_country = "CREATE TABLE customer_totals AS SELECT c.country, o.amount AS total FROM customer AS c \
                      JOIN orders AS o ON o.customer_id = c.id";
    shop.small_says(&[&transform_plan(r#"{"unique": [["country"]]}"#)]);
    // The first answer and both large-model repairs repeat the mistake.
    shop.large_says(&[&sql(by_country), &sql(by_country), &sql(by_country)]);
    let before = std::fs::read(shop.path()).unwrap();
    let (id, turn) = previewed(&shop, json!([])).await;
    assert_eq!(turn["preview"]["can_apply"], false, "{turn}");
    let failed: Vec<&Value> =
        turn["preview"]["checks"].as_array().unwrap().iter().filter(|c| c["passed"] == false).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["check"], "unique (country)");

    let (status, refused) = post(&shop, &format!("/api/sessions/{id}/apply"), json!({})).await;
    assert_eq!((status, code(&refused)), (StatusCode::CONFLICT, "transform_quality_check_failed"), "{refused}");
    assert!(!shop.has_table("customer_totals").await);

    let (status, revised) = post(&shop, &format!("/api/sessions/{id}/revise"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{revised}");
    assert_eq!(revised["status"], "awaiting_confirmation");
    let (status, refused) = post(&shop, &format!("/api/sessions/{id}/export"), json!({})).await;
    assert_eq!((status, code(&refused)), (StatusCode::CONFLICT, "not_awaiting_approval"), "{refused}");

    // Drop the expectation the data cannot meet; the large model writes the same SQL, which now passes.
    shop.large_says(&[&sql(by_country)]);
    let edits = json!({ "edits": [{ "kind": "set_expectations", "expect": { "not_null": ["country"] } }] });
    let (status, turn) = post(&shop, &format!("/api/sessions/{id}/confirm"), edits).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{turn}");
    let (_, turn) = get(&shop, &format!("/api/sessions/{id}/settled")).await;
    assert_eq!(
        (turn["status"].as_str(), turn["preview"]["can_apply"].as_bool()),
        (Some("awaiting_approval"), Some(true))
    );

    let (status, exported) = post(&shop, &format!("/api/sessions/{id}/export"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{exported}");
    assert_eq!(exported["status"], "exported");
    let migration = exported["preview"]["migration"]["sql"].as_str().unwrap();
    assert!(migration.contains("CREATE TABLE customer_totals"), "{migration}");
    let response =
        shop.client.get(shop.url(&format!("/api/sessions/{id}/migration.sql"))).bearer_auth(KEY).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/sql"));
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains(exported["preview"]["migration"]["file_name"].as_str().unwrap()), "{disposition}");
    assert_eq!(response.text().await.unwrap(), migration);
    assert_eq!(std::fs::read(shop.path()).unwrap(), before, "export wrote nothing to the database");
    assert_eq!(shop.large.requests().len(), 4);
}

#[tokio::test]
async fn a_query_turn_has_nothing_to_apply() {
    let shop = Shop::transforming(keyed(600, 8)).await;
    let (status, body) = post(&shop, "/api/sessions/not-a-session/apply", json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::BAD_REQUEST, "bad_session_id"), "{body}");
    shop.small_says(&[crate::fixture::PLAN]);
    let (_, turn) = post(&shop, "/api/sessions", json!({ "question": crate::fixture::QUESTION })).await;
    let id = turn["session"].as_str().unwrap().to_owned();
    let (_, turn) = get(&shop, &format!("/api/sessions/{id}/settled")).await;
    assert_eq!(turn["status"], "awaiting_confirmation");
    for action in ["apply", "export", "revise"] {
        let (status, body) = post(&shop, &format!("/api/sessions/{id}/{action}"), json!({})).await;
        assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "not_awaiting_approval"), "{action}: {body}");
    }
    assert!(shop.large.requests().is_empty());
}
