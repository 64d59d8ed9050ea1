//! MCP with rmcp's own client: over streamable HTTP at `/mcp` behind an API key, and over an
//! in-process byte stream (what `tandem mcp` does on stdio).

use std::sync::Arc;

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};

use crate::fixture::{
    GOOD_SQL, KEY, Models, N_TOTALS, PLAN, QUESTION, Shop, TOTALS_SQL, TRANSFORM, keyed, open, sql, transform_plan,
};

fn text(result: &CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect()
}

async fn call(client: &RunningService<RoleClient, ()>, tool: &str, args: Value) -> CallToolResult {
    let Value::Object(args) = args else { panic!("arguments must be an object") };
    client.call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(args)).await.unwrap()
}

async fn ask_confirm_and_run_sql(client: &RunningService<RoleClient, ()>, shop: &Shop) {
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for tool in [
        "ask",
        "show_plan",
        "confirm_plan",
        "cancel",
        "run_sql",
        "apply_transform",
        "export_transform",
        "revise_transform",
    ] {
        assert!(names.contains(&tool), "{tool} missing from {names:?}");
    }
    let asked = call(client, "ask", json!({ "question": QUESTION })).await;
    let turn: Value = serde_json::from_str(&text(&asked)).unwrap();
    assert_eq!(turn["status"], "awaiting_confirmation", "{turn}");
    assert!(shop.large.requests().is_empty());
    let session = turn["session"].as_str().unwrap();

    let refused = call(
        client,
        "confirm_plan",
        json!({ "session": session, "edits": [{ "kind": "add_table", "table": "invoices" }] }),
    )
    .await;
    assert_eq!(refused.is_error, Some(true));
    assert!(text(&refused).starts_with("invalid_edit"), "{}", text(&refused));

    let edits = json!([{ "kind": "remove_table", "table": "product" }]);
    let confirmed = call(client, "confirm_plan", json!({ "session": session, "edits": edits })).await;
    let turn: Value = serde_json::from_str(&text(&confirmed)).unwrap();
    assert_eq!(turn["status"], "answered", "{turn}");
    assert_eq!(turn["answer"]["rows"], json!([["Amélie", 15.0], ["Bruno", 7.0]]));

    let rows = call(client, "run_sql", json!({ "sql": "SELECT name FROM customer WHERE country = 'Italy'" })).await;
    let result: Value = serde_json::from_str(&text(&rows)).unwrap();
    assert_eq!(result["rows"], json!([["Carla"]]));
    assert!(result["sql"].as_str().unwrap().contains("LIMIT"), "the validator caps rows");
    let write = call(client, "run_sql", json!({ "sql": "DELETE FROM customer" })).await;
    assert_eq!(write.is_error, Some(true));
    assert!(text(&write).starts_with("invalid_sql"), "{}", text(&write));
}

#[tokio::test]
async fn mcp_over_streamable_http_behind_a_key() {
    let shop = Shop::start(keyed(600, 8), Models::Scripted).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let config = StreamableHttpClientTransportConfig::with_uri(shop.url("/mcp")).auth_header(KEY);
    let client = ().serve(StreamableHttpClientTransport::from_config(config)).await.unwrap();
    ask_confirm_and_run_sql(&client, &shop).await;
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn mcp_over_a_byte_stream() {
    let shop = Shop::start(open(), Models::Scripted).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let (client_io, server_io) = tokio::io::duplex(64 * 1024);
    let service: Arc<dyn tandem_server::SessionService> = shop.service.clone();
    let server = tandem_server::mcp::TandemMcp::new(service, std::time::Duration::from_secs(20));
    #[expect(clippy::disallowed_methods, reason = "the MCP server runs beside the client in the test")]
    let served = tokio::spawn(async move { server.serve(server_io).await.unwrap().waiting().await });
    let client = ().serve(client_io).await.unwrap();
    ask_confirm_and_run_sql(&client, &shop).await;
    client.cancel().await.unwrap();
    served.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_transform_is_previewed_then_applied_under_the_keys_name_over_mcp() {
    let shop = Shop::transforming(keyed(600, 8)).await;
    shop.small_says(&[&transform_plan("{}")]);
    shop.large_says(&[&sql(TOTALS_SQL)]);
    let config = StreamableHttpClientTransportConfig::with_uri(shop.url("/mcp")).auth_header(KEY);
    let client = ().serve(StreamableHttpClientTransport::from_config(config)).await.unwrap();
    let asked = call(&client, "ask", json!({ "question": TRANSFORM })).await;
    let turn: Value = serde_json::from_str(&text(&asked)).unwrap();
    assert_eq!(turn["status"], "awaiting_confirmation", "{turn}");
    let session = turn["session"].as_str().unwrap().to_owned();

    let refused = call(&client, "apply_transform", json!({ "session": session })).await;
    assert_eq!(refused.is_error, Some(true));
    assert!(text(&refused).starts_with("not_awaiting_approval"), "{}", text(&refused));

    let confirmed = call(&client, "confirm_plan", json!({ "session": session })).await;
    let turn: Value = serde_json::from_str(&text(&confirmed)).unwrap();
    assert_eq!(turn["status"], "awaiting_approval", "{turn}");
    assert_eq!(turn["preview"]["target_rows"].as_u64(), Some(N_TOTALS));
    assert!(!shop.has_table("customer_totals").await, "nothing is written before approval");

    let applied = call(&client, "apply_transform", json!({ "session": session })).await;
    let turn: Value = serde_json::from_str(&text(&applied)).unwrap();
    assert_eq!(turn["status"], "applied", "{turn}");
    assert_eq!(turn["preview"]["applied"]["actor"], "tester");
    assert!(shop.has_table("customer_totals").await);
    client.cancel().await.unwrap();
}
