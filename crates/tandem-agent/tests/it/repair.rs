//! Each repair tier, budget exhaustion and not-retryable failures.

use tandem_agent::{AgentConfig, AgentError, ConfirmPolicy, Outcome, PlanCache, RepairBudgets};
use tandem_core::RepairTier;
use tandem_llm::Role;

use crate::fixture::{GOOD_SQL, PLAN, QUESTION, Shop, sql};

async fn run(shop: &Shop) -> Result<tandem_agent::Answer, AgentError> {
    ask(shop, QUESTION).await
}

#[expect(clippy::panic, reason = "a test helper: an unexpected outcome fails the test")]
async fn ask(shop: &Shop, question: &str) -> Result<tandem_agent::Answer, AgentError> {
    let planned = shop.pipeline.plan(question).await?;
    match shop.pipeline.proceed(planned).await? {
        Outcome::Answered(answer) => Ok(answer),
        Outcome::NeedsMoreSchema(more) => panic!("unexpected request for {:?}", more.requested),
        Outcome::Previewed(preview) => panic!("unexpected transform preview of {:?}", preview.sql),
    }
}

#[tokio::test]
async fn tier_0_fixes_a_typo_without_a_model() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(&GOOD_SQL.replace("SUM(o.amount)", "SUM(o.amout)"))]);
    let answer = run(&shop).await.unwrap();
    assert_eq!(answer.rows.rows.len(), 2);
    assert!(answer.sql.contains("o.amount"));
    assert!(answer.ledger.rules.n_calls >= 1);
    assert_eq!((answer.ledger.small.n_calls, answer.ledger.large.n_calls), (1, 1), "only the planner and generator");
}

#[tokio::test]
async fn tier_1_sends_a_syntax_error_to_the_small_model_with_the_turn_appended() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN, &sql(GOOD_SQL)]);
    shop.large_says(&[&sql("SELEC c.name FROM customer AS c")]);
    let answer = run(&shop).await.unwrap();
    assert_eq!(answer.rows.rows.len(), 2);
    let repair = &shop.small.requests()[1];
    let generation = &shop.large.requests()[0];
    assert_eq!(repair.messages.len(), 4);
    assert_eq!(repair.messages[..2], generation.messages[..], "the repair appends to the generation prompt");
    assert_eq!(repair.messages[2].role, Role::Assistant);
    assert!(repair.messages[3].content.contains("syntax_error"), "{}", repair.messages[3].content);
    assert_eq!(answer.ledger.large.n_calls, 1);
}

#[tokio::test]
async fn tier_2_repairs_a_plan_violation_with_the_large_model() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    let unfiltered = "SELECT c.name, SUM(o.amount) AS total FROM customer AS c JOIN orders AS o ON o.customer_id = c.id GROUP BY c.name";
    shop.large_says(&[&sql(unfiltered), &sql(GOOD_SQL)]);
    let answer = run(&shop).await.unwrap();
    assert_eq!(answer.rows.rows.len(), 2);
    let requests = shop.large.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].messages[..2], requests[0].messages[..]);
    assert!(requests[1].messages[3].content.contains("missing_plan_filter"), "{}", requests[1].messages[3].content);
}

#[tokio::test]
async fn tier_2_repairs_an_empty_result_the_plan_does_not_expect() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    let empty = GOOD_SQL.replace("WHERE c.country = 'France'", "WHERE c.country = 'France' AND o.amount > 1000");
    shop.large_says(&[&sql(&empty), &sql(GOOD_SQL)]);
    let answer = run(&shop).await.unwrap();
    assert_eq!(answer.rows.rows.len(), 2);
    assert_eq!(shop.large.requests().len(), 2);
    assert!(shop.large.requests()[1].messages[3].content.contains("no rows"));
}

#[tokio::test]
async fn spent_budgets_end_with_a_typed_error() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN, &sql("SELEC 1"), &sql("SELEC 2")]);
    shop.large_says(&[&sql("SELEC 0"), &sql("SELEC 3"), &sql("SELEC 4")]);
    let error = run(&shop).await.unwrap_err();
    let AgentError::RepairBudgetExhausted { n_attempts, tier, .. } = error else { panic!("got {error:?}") };
    assert_eq!(n_attempts, 5, "two small and two large repairs, then the last failure");
    assert_eq!(tier, RepairTier::Small);
    assert_eq!(shop.small.requests().len(), 3, "planner plus the small budget");
    assert_eq!(shop.large.requests().len(), 3, "generation plus the large budget");
    assert_eq!(shop.large.requests()[2].messages.len(), 6, "each large repair turn appended");
}

#[tokio::test]
async fn a_plan_filter_the_large_model_keeps_leaving_out_stands_with_a_note_once_its_budget_is_spent() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    let unfiltered = "SELECT c.name, SUM(o.amount) AS total FROM customer AS c JOIN orders AS o ON o.customer_id = c.id GROUP BY c.name";
    shop.large_says(&[&sql(unfiltered), &sql(unfiltered), &sql(unfiltered)]);
    let answer = run(&shop).await.unwrap();
    assert_eq!(shop.large.requests().len(), 3, "generation plus the large budget");
    assert_eq!(answer.rows.rows.len(), 3, "every customer: the filter was never applied");
    assert_eq!(answer.notes.len(), 1, "{:?}", answer.notes);
    assert!(answer.notes[0].contains("missing_plan_filter"), "{}", answer.notes[0]);

    // A table outside the confirmed scope is never run, however the budget ends.
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    let outside =
        "SELECT c.name, p.title FROM customer AS c JOIN product AS p ON p.id = c.id WHERE c.country = 'France'";
    shop.large_says(&[&sql(outside), &sql(outside), &sql(outside)]);
    assert!(matches!(run(&shop).await, Err(AgentError::RepairBudgetExhausted { .. })));
}

#[tokio::test]
async fn zero_budgets_fail_at_the_first_failure() {
    let config = AgentConfig {
        confirm: ConfirmPolicy::Never,
        budgets: RepairBudgets { rules: 0, small: 0, large: 0 },
        ..AgentConfig::default()
    };
    let shop = Shop::with(config, std::sync::Arc::new(PlanCache::default()), "").await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(&GOOD_SQL.replace("SUM(o.amount)", "SUM(o.amout)"))]);
    assert!(matches!(run(&shop).await, Err(AgentError::RepairBudgetExhausted { n_attempts: 1, .. })));
}

#[tokio::test]
async fn a_write_statement_is_not_retried() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql("DELETE FROM orders")]);
    assert!(matches!(run(&shop).await, Err(AgentError::NotRetryable { .. })));
    assert_eq!(shop.large.requests().len(), 1);
}

#[tokio::test]
async fn tier_1_failing_twice_escalates_to_the_large_model() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN, &sql("SELEC 1"), &sql("SELEC 2")]);
    shop.large_says(&[&sql("SELEC 0"), &sql(GOOD_SQL)]);
    let answer = run(&shop).await.unwrap();
    assert_eq!(answer.rows.rows.len(), 2);
    assert_eq!((answer.ledger.small.n_calls, answer.ledger.large.n_calls), (3, 2));
    let repair = &shop.large.requests()[1];
    assert_eq!(repair.messages.len(), 4, "the large conversation gets its own appended turn");
    assert!(repair.messages[2].content.contains("SELEC 2"), "the latest failed SQL is shown");
}

#[tokio::test]
async fn cancel_is_honoured_at_either_gate_state() {
    for policy in [ConfirmPolicy::Always, ConfirmPolicy::Never] {
        let shop = Shop::new(policy).await;
        shop.small_says(&[PLAN]);
        let planned = shop.pipeline.plan(QUESTION).await.unwrap();
        let outcome = shop.pipeline.answer(planned, tandem_agent::Decision::Cancel).await;
        assert!(matches!(outcome, Err(AgentError::Cancelled)));
        assert!(shop.large.requests().is_empty());
    }
}

#[tokio::test]
async fn a_failing_small_model_escalates_its_repair_to_the_large_model() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    // After the plan the small model's script is empty, so its repair call fails.
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql("SELEC 0"), &sql(GOOD_SQL)]);
    let answer = run(&shop).await.unwrap();
    assert_eq!(answer.rows.rows.len(), 2);
    assert_eq!(shop.large.requests().len(), 2);
}

const NO_PAID: &str = "Which customers have no paid orders?";

const NO_PAID_PLAN: &str = r#"{"version": 1, "tables": ["customer", "orders"],
 "columns": [{"table": "customer", "column": "name"}],
 "filters": [{"column": {"table": "orders", "column": "status"}, "op": "ne", "value": "paid"}],
 "complexity": "moderate"}"#;

/// "Has no paid order" as a row filter: a customer with one paid and one open order passes
/// through the open one.
const ROW_FILTER: &str =
    "SELECT DISTINCT c.name FROM customer AS c JOIN orders AS o ON o.customer_id = c.id WHERE o.status <> 'paid'";

const EXCLUSION: &str = "SELECT c.name FROM customer AS c WHERE c.id NOT IN (SELECT o.customer_id FROM orders AS o WHERE o.status = 'paid')";

#[tokio::test]
async fn absence_written_as_a_row_filter_over_a_join_goes_back_to_the_large_model_once() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[NO_PAID_PLAN]);
    shop.large_says(&[&sql(ROW_FILTER), &sql(EXCLUSION)]);
    let answer = ask(&shop, NO_PAID).await.unwrap();
    assert!(answer.sql.contains("NOT IN"), "{}", answer.sql);
    assert!(answer.notes.is_empty(), "{:?}", answer.notes);
    let requests = shop.large.requests();
    assert_eq!(requests.len(), 2);
    let turn = &requests[1].messages[3].content;
    assert!(turn.contains("one `orders` row at a time") && turn.contains("NOT IN"), "{turn}");

    // A model that keeps the row filter is not asked again: the answer stands with a note.
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[NO_PAID_PLAN]);
    shop.large_says(&[&sql(ROW_FILTER), &sql(ROW_FILTER)]);
    let answer = ask(&shop, NO_PAID).await.unwrap();
    assert_eq!(shop.large.requests().len(), 2);
    assert!(answer.sql.contains("<>"), "{}", answer.sql);
    assert_eq!(answer.notes.len(), 1, "{:?}", answer.notes);
    assert!(answer.notes[0].contains("may not answer the question"), "{}", answer.notes[0]);

    // The same SQL for a question that asks for no absence is answered at once.
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[NO_PAID_PLAN]);
    shop.large_says(&[&sql(ROW_FILTER)]);
    let answer = ask(&shop, "Which customers have orders in a status other than paid?").await.unwrap();
    assert_eq!(shop.large.requests().len(), 1, "{}", answer.sql);
}
