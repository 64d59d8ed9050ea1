//! Transforms through the pipeline and the sessions: classification, the transform plan,
//! preview in the sandbox (the file untouched), failed checks repaired by the large model,
//! apply once on approval, export, and the refusals.

use std::sync::Arc;

use tandem_agent::session::{MemoryStore, SessionError, Sessions, TurnStatus};
use tandem_agent::{AgentError, ConfirmPolicy, Decision, Outcome, PlanEdit, Stage, TransformPreview, WriteMode};
use tandem_exec::Value;

use crate::fixture::{Shop, sql};

const REQUEST: &str = "Create a table customer_totals with the total order amount per customer";

fn plan(expect: &str) -> String {
    format!(
        r#"{{"version": 1, "tables": ["customer", "orders"], "columns": [], "filters": [], "complexity": "simple",
        "transform": {{"target": "customer_totals", "write": "create_as_select", "expect": {expect}}}}}"#
    )
}

const GOOD: &str = "CREATE TABLE customer_totals AS SELECT c.name, SUM(o.amount) AS total FROM customer AS c \
                    JOIN orders AS o ON o.customer_id = c.id GROUP BY c.name";

#[expect(clippy::panic, reason = "a test helper: an unexpected outcome fails the test")]
fn previewed(outcome: Outcome) -> TransformPreview {
    match outcome {
        Outcome::Previewed(preview) => *preview,
        other => panic!("expected a preview, got {other:?}"),
    }
}

#[tokio::test]
async fn a_transform_previews_without_writing_then_applies_exactly_once() {
    let shop = Shop::transforming(ConfirmPolicy::WhenAmbiguous).await;
    shop.small_says(&[&plan(r#"{"unique": [["name"]], "not_null": ["total"], "min_rows": 1}"#)]);
    shop.large_says(&[&sql(GOOD)]);
    let before = std::fs::read(shop.path()).unwrap();

    let planned = shop.pipeline.plan(REQUEST).await.unwrap();
    assert!(planned.needs_confirmation(), "a person looks at every transform");
    let transform = planned.plan().transform.clone().unwrap();
    assert_eq!((transform.target.as_str(), transform.write), ("customer_totals", WriteMode::CreateAsSelect));
    assert_eq!(shop.small.requests().len(), 1, "the wording classified it: no extra small-model call");
    let preview = previewed(shop.pipeline.answer(planned, Decision::Approve(Vec::new())).await.unwrap());

    assert!(preview.can_apply(), "{:?}", preview.preview.checks);
    assert_eq!(preview.preview.target_rows, 3);
    assert_eq!(preview.preview.checks.len(), 3);
    assert_eq!(preview.trace.last(), Some(&Stage::Previewed));
    let summary = preview.ledger.transform.clone().unwrap();
    assert_eq!((summary.n_previews, summary.n_checks_failed, summary.applied_rows), (1, 0, None));
    assert_eq!(std::fs::read(shop.path()).unwrap(), before, "the preview left the file byte-for-byte unchanged");
    let prompt = &shop.large_prompts()[0];
    assert!(prompt.contains("CREATE TABLE customer_totals AS SELECT") && !prompt.contains("canary"), "{prompt}");

    let applied = shop.pipeline.apply(&preview, "alice").await.unwrap();
    assert_eq!((applied.record.rows_affected, applied.record.actor.as_str()), (3, "alice"));
    assert_eq!(applied.ledger.transform.unwrap().applied_rows, Some(3));
    assert_eq!(applied.trace.last(), Some(&Stage::Applied));
    let rows = shop.query("SELECT name, total FROM customer_totals ORDER BY name").await;
    assert_eq!(rows[0], vec![Value::Text("Amélie".into()), Value::Float(15.0)]);
    assert_eq!(rows.len(), 3);

    let again = shop.pipeline.apply(&preview, "alice").await.unwrap_err();
    assert!(matches!(&again, AgentError::Transform { .. }), "{again:?}");
    assert_eq!(again.code(), "transform_already_applied");
    assert_eq!(shop.query("SELECT COUNT(*) FROM customer_totals").await, vec![vec![Value::Int(3)]]);
}

#[tokio::test]
async fn a_failed_quality_check_is_a_large_model_repair_and_blocks_apply_if_unfixed() {
    let shop = Shop::transforming(ConfirmPolicy::Never).await;
    let by_country = "CREATE TABLE customer_totals AS SELECT c.country, o.amount AS total FROM customer AS c \
                      JOIN orders AS o ON o.customer_id = c.id";
    let grouped = "CREATE TABLE customer_totals AS SELECT c.country, SUM(o.amount) AS total FROM customer AS c \
                   JOIN orders AS o ON o.customer_id = c.id GROUP BY c.country";
    shop.small_says(&[&plan(r#"{"unique": [["country"]]}"#)]);
    shop.large_says(&[&sql(by_country), &sql(grouped)]);
    let preview = previewed(shop.pipeline.ask(REQUEST).await.unwrap());
    assert!(preview.can_apply());
    assert_eq!(preview.preview.target_rows, 2);
    let prompts = shop.large_prompts();
    assert_eq!(prompts.len(), 2);
    assert!(prompts[1].contains("quality checks failed") && prompts[1].contains("unique (country)"), "{}", prompts[1]);
    assert_eq!(preview.ledger.transform.as_ref().map(|t| t.n_previews), Some(2));

    // The large tier's budget (2 repairs) spent on the same mistake: the failing preview
    // comes back, and apply refuses it.
    shop.small_says(&[&plan(r#"{"unique": [["country"]]}"#)]);
    shop.large_says(&[&sql(by_country), &sql(by_country), &sql(by_country)]);
    let preview = previewed(shop.pipeline.ask(REQUEST).await.unwrap());
    assert!(!preview.can_apply());
    assert!(!preview.notes.is_empty());
    let refused = shop.pipeline.apply(&preview, "alice").await.unwrap_err();
    assert_eq!(refused.code(), "transform_quality_check_failed");
    assert!(!shop.has_table("customer_totals").await);
}

#[tokio::test]
async fn writing_a_source_is_refused_and_nothing_changes() {
    let shop = Shop::transforming(ConfirmPolicy::Never).await;
    shop.small_says(&[&plan("{}")]);
    let evil = "CREATE TABLE customer_totals AS SELECT name FROM customer; DELETE FROM orders";
    shop.large_says(&[&sql(evil), &sql(evil), &sql(evil)]);
    let before = std::fs::read(shop.path()).unwrap();
    let error = shop.pipeline.ask(REQUEST).await.unwrap_err();
    assert!(matches!(error, AgentError::NotRetryable { .. } | AgentError::RepairBudgetExhausted { .. }), "{error:?}");
    assert!(error.to_string().contains("orders"), "{error}");
    assert_eq!(std::fs::read(shop.path()).unwrap(), before);
}

#[tokio::test]
async fn without_a_transformer_a_write_request_is_refused_before_any_model_call() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    let error = shop.pipeline.plan(REQUEST).await.unwrap_err();
    assert_eq!(error.code(), "transforms_disabled");
    assert!(shop.small.requests().is_empty() && shop.large.requests().is_empty());
}

#[tokio::test]
async fn a_broken_declaration_cannot_be_confirmed_and_edits_fix_it() {
    let shop = Shop::transforming(ConfirmPolicy::Always).await;
    shop.small_says(&[&plan("{}")]);
    let planned = shop.pipeline.plan(REQUEST).await.unwrap();
    let clash = vec![PlanEdit::SetTarget { target: "orders".into(), target_kind: None }];
    let error = shop.pipeline.confirm(planned.clone(), Decision::Approve(clash)).unwrap_err();
    assert_eq!(error.code(), "invalid_transform");
    assert!(error.to_string().contains("already exists"), "{error}");
    let rename = vec![PlanEdit::SetTarget { target: "totals_by_customer".into(), target_kind: None }];
    let confirmed = shop.pipeline.confirm(planned, Decision::Approve(rename)).unwrap();
    assert_eq!(confirmed.plan().transform.as_ref().map(|t| t.target.as_str()), Some("totals_by_customer"));
    assert!(shop.large.requests().is_empty());
}

#[tokio::test]
async fn sessions_park_the_preview_then_apply_export_revise_or_cancel() {
    let shop = Shop::transforming(ConfirmPolicy::Always).await;
    let sessions = Sessions::new(shop.pipeline.clone(), Arc::new(MemoryStore::new()));
    let expect = r#"{"not_null": ["total"]}"#;

    // Apply.
    shop.small_says(&[&plan(expect)]);
    shop.large_says(&[&sql(GOOD)]);
    let id = sessions.start(REQUEST).await.unwrap().session;
    assert_eq!(sessions.wait_settled(&id).await.unwrap().status, TurnStatus::AwaitingConfirmation);
    assert!(matches!(sessions.apply(&id, "bob").await, Err(SessionError::NotAwaitingApproval(_))));
    sessions.confirm(&id, Vec::new()).await.unwrap();
    let waiting = sessions.wait_settled(&id).await.unwrap();
    assert_eq!(waiting.status, TurnStatus::AwaitingApproval);
    let stored = waiting.preview.clone().unwrap();
    assert!(stored.can_apply && stored.applied.is_none());
    assert_eq!((stored.target.as_str(), stored.target_rows, stored.sample.len()), ("customer_totals", 3, 3));
    let applied = sessions.apply(&id, "bob").await.unwrap();
    assert_eq!(applied.status, TurnStatus::Applied);
    assert_eq!(applied.preview.and_then(|p| p.applied).map(|a| (a.rows_affected, a.actor)), Some((3, "bob".into())));
    assert!(matches!(sessions.apply(&id, "bob").await, Err(SessionError::NotAwaitingApproval(TurnStatus::Applied))));

    // Revise, then cancel: back at the plan, nothing written.
    let other = REQUEST.replace("customer_totals", "customer_sums");
    shop.small_says(&[&plan(expect).replace("customer_totals", "customer_sums")]);
    shop.large_says(&[&sql(&GOOD.replace("customer_totals", "customer_sums"))]);
    let id = sessions.start(&other).await.unwrap().session;
    sessions.wait_settled(&id).await.unwrap();
    sessions.confirm(&id, Vec::new()).await.unwrap();
    assert_eq!(sessions.wait_settled(&id).await.unwrap().status, TurnStatus::AwaitingApproval);
    let revised = sessions.revise(&id).await.unwrap();
    assert_eq!((revised.status, revised.preview.is_none()), (TurnStatus::AwaitingConfirmation, true));
    assert_eq!(sessions.cancel(&id).await.unwrap().status, TurnStatus::Cancelled);

    // Export: the migration is kept, nothing written.
    shop.small_says(&[&plan(expect).replace("customer_totals", "customer_sums")]);
    shop.large_says(&[&sql(&GOOD.replace("customer_totals", "customer_sums"))]);
    let id = sessions.start(&other).await.unwrap().session;
    sessions.wait_settled(&id).await.unwrap();
    sessions.confirm(&id, Vec::new()).await.unwrap();
    sessions.wait_settled(&id).await.unwrap();
    let exported = sessions.export(&id, "bob").await.unwrap();
    assert_eq!(exported.status, TurnStatus::Exported);
    let migration = exported.preview.and_then(|p| p.migration).unwrap();
    assert!(migration.sql.contains("customer_sums"), "{}", migration.sql);
    assert!(!shop.has_table("customer_sums").await);
}

#[test]
fn no_spider_dev_question_reads_as_a_transform() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/bench/spider/dev.json");
    let text = std::fs::read_to_string(path).unwrap();
    let questions: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(questions.len() > 1_000);
    let not_queries: Vec<&str> = questions
        .iter()
        .filter_map(|q| q["question"].as_str())
        .filter(|q| tandem_agent::transform::classify_by_rules(q) != Some(tandem_agent::Intent::Query))
        .collect();
    assert!(not_queries.is_empty(), "{not_queries:?}");
}
