//! The happy path, the confirm gate, the canary, "need more schema", the cache and the ledger.

use std::sync::Arc;

use tandem_agent::{
    AgentConfig, AgentError, ConfirmPolicy, Decision, EditRejection, Event, EventSink, Outcome, PlanEdit, Routing,
    Stage,
};
use tandem_exec::Value;

use crate::fixture::{CANARY, GOOD_SQL, PLAN, QUESTION, Shop, sql};

#[expect(clippy::panic, reason = "a test helper: an unexpected outcome fails the test")]
fn answered(outcome: Outcome) -> tandem_agent::Answer {
    match outcome {
        Outcome::Answered(answer) => answer,
        Outcome::NeedsMoreSchema(more) => panic!("expected an answer, got a request for {:?}", more.requested),
        Outcome::Previewed(preview) => panic!("expected an answer, got a transform preview of {:?}", preview.sql),
    }
}

#[tokio::test]
async fn happy_path_answers_with_rows_plan_sql_and_ledger() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let planned = shop.pipeline.plan(QUESTION).await.unwrap();
    assert_eq!(planned.stage(), Stage::Confirmed);
    insta::assert_json_snapshot!("checked_plan", planned.plan());
    let answer = answered(shop.pipeline.proceed(planned).await.unwrap());
    assert_eq!(
        answer.rows.rows,
        vec![
            vec![Value::Text("Amélie".into()), Value::Float(15.0)],
            vec![Value::Text("Bruno".into()), Value::Float(7.0)]
        ]
    );
    assert_eq!(
        answer.trace,
        [Stage::Planned, Stage::Confirmed, Stage::Generated, Stage::Validated, Stage::Executed, Stage::Answered]
    );
    assert!(answer.sql.contains("LIMIT"), "the validator caps rows: {}", answer.sql);
    let requests = shop.large.requests();
    assert_eq!(requests.len(), 1);
    insta::assert_snapshot!("generation_prompt", shop.large_prompts()[0]);
    assert!(matches!(requests[0].options.response_format, tandem_llm::ResponseFormat::JsonSchema { .. }));
    assert!(matches!(shop.small.requests()[0].options.response_format, tandem_llm::ResponseFormat::JsonSchema { .. }));
}

#[tokio::test]
async fn no_large_call_before_confirmation() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    shop.small_says(&[PLAN, PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let planned = shop.pipeline.plan(QUESTION).await.unwrap();
    assert!(planned.needs_confirmation());
    assert!(matches!(shop.pipeline.proceed(planned.clone()).await, Err(AgentError::ConfirmationRequired)));
    assert!(shop.large.requests().is_empty(), "no large call while awaiting confirmation");
    assert!(matches!(shop.pipeline.answer(planned, Decision::Cancel).await, Err(AgentError::Cancelled)));
    assert!(shop.large.requests().is_empty(), "no large call after cancel");

    let planned = shop.pipeline.plan(QUESTION).await.unwrap();
    let answer = answered(shop.pipeline.answer(planned, Decision::Approve(Vec::new())).await.unwrap());
    assert_eq!(shop.large.requests().len(), 1);
    assert_eq!(&answer.trace[..3], [Stage::Planned, Stage::AwaitingConfirmation, Stage::Confirmed]);
}

#[tokio::test]
async fn when_ambiguous_asks_only_for_open_questions_or_complex_plans() {
    let shop = Shop::new(ConfirmPolicy::WhenAmbiguous).await;
    let open =
        PLAN.replace(r#""complexity": "simple""#, r#""complexity": "simple", "open_questions": ["Paid orders only?"]"#);
    shop.small_says(&[PLAN, &open]);
    assert!(!shop.pipeline.plan(QUESTION).await.unwrap().needs_confirmation());
    let planned = shop.pipeline.plan(QUESTION).await.unwrap();
    assert!(planned.needs_confirmation());
    let edits = vec![PlanEdit::AnswerQuestion { index: 0, answer: "all orders".into() }];
    let confirmed = shop.pipeline.confirm(planned, Decision::Approve(edits)).unwrap();
    assert!(confirmed.plan().open_questions.is_empty());
    assert!(shop.large.requests().is_empty());
}

#[tokio::test]
async fn bad_input_is_a_typed_error() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    assert!(matches!(shop.pipeline.plan("   ").await, Err(AgentError::EmptyQuestion)));
    shop.small_says(&[PLAN, "je ne sais pas", "toujours pas"]);
    let planned = shop.pipeline.plan("Quel est le montant total par client en France ?").await.unwrap();
    let edit = PlanEdit::AddTable { table: "invoices".into() };
    let error = shop.pipeline.answer(planned, Decision::Approve(vec![edit])).await.unwrap_err();
    assert!(matches!(error, AgentError::InvalidEdit { index: 0, reason: EditRejection::UnknownTable { .. } }));
    assert!(matches!(shop.pipeline.plan(QUESTION).await, Err(AgentError::UnreadablePlan { .. })));
    assert!(shop.large.requests().is_empty());
}

#[tokio::test]
async fn the_canary_never_reaches_a_large_model_prompt() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    // A plan-conformance repair and a syntax repair make several large and small prompts.
    shop.small_says(&[PLAN, &sql("SELEC nothing"), &sql("SELEC still nothing")]);
    shop.large_says(&[
        &sql("SELECT c.name, SUM(o.amount) AS total FROM customer AS c JOIN orders AS o ON o.customer_id = c.id GROUP BY c.name"),
        &sql("SELEC broken"),
        &sql(GOOD_SQL),
    ]);
    let planned = shop.pipeline.plan(QUESTION).await.unwrap();
    assert!(planned.slice().contains(None, CANARY), "the canary is planted in the slice");
    assert!(shop.small.requests()[0].messages.iter().any(|m| m.content.contains(CANARY)), "the planner saw it");
    answered(shop.pipeline.proceed(planned).await.unwrap());
    let prompts = shop.large_prompts();
    assert!(prompts.len() >= 2);
    for prompt in prompts {
        assert!(!prompt.contains(CANARY), "canary leaked into a large-model prompt:\n{prompt}");
        assert!(!prompt.contains("product"), "a table outside the plan leaked:\n{prompt}");
    }
}

#[tokio::test]
async fn need_more_schema_goes_back_to_confirmation() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[r#"{"need_tables": ["product"], "reason": "prices live there"}"#, &sql(GOOD_SQL)]);
    let planned = shop.pipeline.plan(QUESTION).await.unwrap();
    let outcome = shop.pipeline.answer(planned, Decision::Approve(Vec::new())).await.unwrap();
    let Outcome::NeedsMoreSchema(more) = outcome else { panic!("expected NeedsMoreSchema") };
    assert_eq!(more.requested, ["product"]);
    assert_eq!(more.reason, "prices live there");
    assert!(more.planned.plan().tables.contains(&"product".to_owned()));
    assert!(more.planned.needs_confirmation());
    assert_eq!(shop.large.requests().len(), 1, "no guessing after the request");
    let answer = answered(shop.pipeline.answer(more.planned, Decision::Approve(Vec::new())).await.unwrap());
    assert!(shop.large_prompts()[1].contains("product"));
    assert_eq!(answer.ledger.large.n_calls, 2, "one ledger across the round trip");
}

#[tokio::test]
async fn a_join_to_a_table_outside_the_plan_widens_the_plan_instead_of_a_blind_repair() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    shop.small_says(&[PLAN]);
    // `price` lives only in `product`, which the plan (customer, orders) leaves out.
    let unjoined = GOOD_SQL.replace("WHERE c.country = 'France'", "WHERE c.country = 'France' AND o.price > 0");
    shop.large_says(&[&sql(&unjoined), &sql(GOOD_SQL)]);
    let planned = shop.pipeline.plan(QUESTION).await.unwrap();
    let outcome = shop.pipeline.answer(planned, Decision::Approve(Vec::new())).await.unwrap();
    let Outcome::NeedsMoreSchema(more) = outcome else { panic!("expected NeedsMoreSchema") };
    assert_eq!(more.requested, ["product"]);
    assert!(more.reason.contains("product"), "{}", more.reason);
    assert!(more.planned.plan().tables.contains(&"product".to_owned()));
    assert!(more.planned.needs_confirmation(), "a person approves the wider plan");
    assert_eq!(shop.large.requests().len(), 1, "no repair call on a table the prompt did not show");
    let answer = answered(shop.pipeline.answer(more.planned, Decision::Approve(Vec::new())).await.unwrap());
    assert!(shop.large_prompts()[1].contains("product"));
    assert_eq!(answer.ledger.large.n_calls, 2);
}

#[tokio::test]
async fn an_identical_confirmed_plan_reuses_its_sql_until_the_catalog_changes() {
    let config = AgentConfig { confirm: ConfirmPolicy::Never, ..AgentConfig::default() };
    let shop = Shop::with(config.clone(), Arc::new(tandem_agent::PlanCache::default()), "").await;
    shop.small_says(&[PLAN, PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let first = answered(shop.pipeline.proceed(shop.pipeline.plan(QUESTION).await.unwrap()).await.unwrap());
    let second = answered(
        shop.pipeline.proceed(shop.pipeline.plan("Per French customer, total ordered?").await.unwrap()).await.unwrap(),
    );
    assert_eq!(shop.large.requests().len(), 1, "the cache hit made no large call");
    assert!(second.from_cache && second.ledger.cache_hit && !first.from_cache);
    assert_eq!(second.rows, first.rows);
    assert_eq!(second.plan_hash, first.plan_hash);

    let changed = Shop::with(config, shop.cache.clone(), "CREATE TABLE supplier (id INTEGER PRIMARY KEY)").await;
    changed.small_says(&[PLAN]);
    changed.large_says(&[&sql(GOOD_SQL)]);
    let third = answered(changed.pipeline.proceed(changed.pipeline.plan(QUESTION).await.unwrap()).await.unwrap());
    assert!(!third.from_cache);
    assert_eq!(changed.large.requests().len(), 1, "a new catalog version invalidates the cache");
}

#[tokio::test]
async fn ledger_figures_add_up() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN, &sql(GOOD_SQL)]);
    shop.large_says(&[&sql("SELEC broken")]);
    let answer = answered(shop.pipeline.proceed(shop.pipeline.plan(QUESTION).await.unwrap()).await.unwrap());
    let ledger = &answer.ledger;
    let estimate = |requests: Vec<tandem_llm::ChatRequest>| -> u64 {
        requests.iter().map(|r| u64::from(tandem_llm::ChatModel::estimate_prompt_tokens(shop.large.as_ref(), r))).sum()
    };
    assert_eq!(ledger.small.n_calls as usize, shop.small.requests().len());
    assert_eq!(ledger.large.n_calls as usize, shop.large.requests().len());
    assert_eq!(ledger.small.prompt_tokens, estimate(shop.small.requests()));
    assert_eq!(ledger.large.prompt_tokens, estimate(shop.large.requests()));
    assert_eq!(ledger.large.prompt_tokens, ledger.scoped_prompt_tokens, "the first large prompt is the scoped one");
    assert_eq!(ledger.large.uncached_prompt_tokens + ledger.large.cached_prompt_tokens, ledger.large.prompt_tokens);
    assert!(ledger.counterfactual_full_schema_prompt_tokens > ledger.scoped_prompt_tokens);
    assert_eq!(
        ledger.saved_prompt_tokens(),
        ledger.counterfactual_full_schema_prompt_tokens - ledger.scoped_prompt_tokens
    );
    let json = serde_json::to_value(ledger).unwrap();
    assert!(json["large"]["n_calls"].is_number() && json["counterfactual_full_schema_prompt_tokens"].is_number());
}

#[tokio::test]
async fn events_report_progress() {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let shop = Shop::new(ConfirmPolicy::Never).await;
    let shop = Shop { pipeline: shop.pipeline.with_events(EventSink::new(sender)), ..shop };
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    answered(shop.pipeline.proceed(shop.pipeline.plan(QUESTION).await.unwrap()).await.unwrap());
    let mut kinds = Vec::new();
    while let Ok(event) = receiver.try_recv() {
        kinds.push(match event {
            Event::StageStarted { .. } => "started",
            Event::StageFinished { .. } => "finished",
            Event::PlanReady { .. } => "plan",
            Event::SqlReady { .. } => "sql",
            Event::RepairStarted { .. } => "repair",
            Event::RowsReady { .. } => "rows",
            Event::TurnStatus { .. } => "status",
            Event::PreviewReady { .. } | Event::Applied { .. } => "transform",
        });
    }
    assert_eq!(kinds, ["started", "finished", "plan", "started", "sql", "rows"]);
}

#[tokio::test]
async fn cascade_sends_simple_plans_to_the_small_model_first() {
    let config = AgentConfig { confirm: ConfirmPolicy::Never, routing: Routing::Cascade, ..AgentConfig::default() };
    let shop = Shop::with(config.clone(), Arc::new(tandem_agent::PlanCache::default()), "").await;
    shop.small_says(&[PLAN, &sql(GOOD_SQL)]);
    answered(shop.pipeline.proceed(shop.pipeline.plan(QUESTION).await.unwrap()).await.unwrap());
    assert!(shop.large.requests().is_empty());

    let shop = Shop::with(config, Arc::new(tandem_agent::PlanCache::default()), "").await;
    shop.small_says(&[PLAN, &sql("SELECT c.name FROM customer AS c WHERE c.country = 'Nowhere'")]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let answer = answered(shop.pipeline.proceed(shop.pipeline.plan(QUESTION).await.unwrap()).await.unwrap());
    assert_eq!(shop.large.requests().len(), 1, "escalated after the small model's failure");
    assert_eq!(shop.large.requests()[0].messages.len(), 2, "a fresh generation, not a repair");
    assert_eq!(answer.rows.rows.len(), 2);
}

#[tokio::test]
async fn the_checker_fixes_close_names_and_drops_unknown_ones() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    let sloppy = r#"{"tables": ["customers", "invoices"],
      "columns": [{"table": "customers", "column": "nme"}, {"table": "", "column": "country"}, {"table": "orders", "column": "ammount"}],
      "filters": [{"column": {"table": "customer", "column": "country"}, "op": "eq", "value": ""}],
      "complexity": "complex"}"#;
    shop.small_says(&[sloppy]);
    let planned = shop.pipeline.plan(QUESTION).await.unwrap();
    insta::assert_json_snapshot!("sloppy_plan_checked", planned.plan());
    assert!(planned.needs_confirmation());
}

#[tokio::test]
async fn ask_follows_one_request_for_more_schema_under_the_never_policy() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[r#"{"need_tables": ["product"], "reason": "prices"}"#, &sql(GOOD_SQL)]);
    let answer = answered(shop.pipeline.ask(QUESTION).await.unwrap());
    assert_eq!(answer.rows.rows.len(), 2);
    assert_eq!(answer.ledger.large.n_calls, 2);
    assert!(answer.plan.tables.contains(&"product".to_owned()));
}

#[tokio::test]
async fn a_model_that_never_answers_ends_at_the_deadline() {
    let config = AgentConfig { confirm: ConfirmPolicy::Never, deadline_ms: 1_000, ..AgentConfig::default() };
    let shop = Shop::with(config, Arc::new(tandem_agent::PlanCache::default()), "").await;
    // Only the model waits here (no database), so the paused clock can jump ahead safely.
    tokio::time::pause();
    let slow = tandem_llm::testing::Step::Reply(PLAN.to_owned());
    shop.small.push(tandem_llm::testing::Step::After(std::time::Duration::from_secs(3_600), Box::new(slow)));
    let error = shop.pipeline.plan(QUESTION).await.unwrap_err();
    assert!(matches!(error, AgentError::DeadlineExceeded { stage: Stage::Planned, deadline_ms: 1_000 }), "{error:?}");
}

#[tokio::test]
async fn cascade_also_sends_one_table_plans_not_called_complex_to_the_small_model() {
    let config = AgentConfig { confirm: ConfirmPolicy::Never, routing: Routing::Cascade, ..AgentConfig::default() };
    let one_table = |complexity: &str| {
        format!(
            r#"{{"tables": ["customer"], "columns": [{{"table": "customer", "column": "country"}}],
            "group_by": [{{"table": "customer", "column": "country"}}],
            "measures": [{{"aggregate": "count", "alias": "n"}}], "complexity": "{complexity}"}}"#
        )
    };
    let counted = "SELECT country, COUNT(*) AS n FROM customer GROUP BY country";
    let question = "How many customers are there in each country?";

    let shop = Shop::with(config.clone(), Arc::new(tandem_agent::PlanCache::default()), "").await;
    shop.small_says(&[&one_table("moderate"), &sql(counted)]);
    let answer = answered(shop.pipeline.ask(question).await.unwrap());
    assert_eq!(answer.rows.rows.len(), 2);
    assert!(shop.large.requests().is_empty(), "a moderate one-table plan stays with the small model");

    let shop = Shop::with(config, Arc::new(tandem_agent::PlanCache::default()), "").await;
    shop.small_says(&[&one_table("complex")]);
    shop.large_says(&[&sql(counted)]);
    answered(shop.pipeline.ask(question).await.unwrap());
    assert_eq!(shop.large.requests().len(), 1, "a plan called complex goes to the large model");
    assert_eq!(shop.small.requests().len(), 1, "the planner only");
}
