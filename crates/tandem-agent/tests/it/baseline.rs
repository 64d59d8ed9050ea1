//! The full-schema baseline: the whole catalog in one prompt, every repair by the large model.

use std::sync::Arc;

use tandem_agent::{AgentConfig, AgentError, Baseline, RepairBudgets};
use tandem_exec::{Executor, IntrospectOptions, SqliteExecutor, SqliteOptions, create_sqlite_from_script};
use tandem_llm::testing::ScriptedModel;

use crate::fixture::{CANARY, sql};

#[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
async fn baseline(dir: &tempfile::TempDir, large: &Arc<ScriptedModel>, budgets: RepairBudgets) -> Baseline {
    let path = dir.path().join("b.sqlite");
    let script: Vec<String> = [
        "CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, country TEXT)",
        "CREATE TABLE canary_payroll (id INTEGER PRIMARY KEY, salary REAL)",
        "INSERT INTO singer VALUES (1, 'Rose', 'France'), (2, 'Joe', 'Italy')",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    create_sqlite_from_script(&path, &script).unwrap();
    let executor = SqliteExecutor::open(&path, &SqliteOptions::default()).unwrap();
    let catalog = Arc::new(executor.introspect(&IntrospectOptions::default()).await.unwrap());
    let config = AgentConfig { budgets, ..AgentConfig::default() };
    Baseline::new(large.clone(), Arc::new(executor), catalog, config)
}

#[tokio::test]
async fn the_whole_schema_goes_to_the_large_model_which_repairs_its_own_errors() {
    let dir = tempfile::tempdir().unwrap();
    let large = Arc::new(ScriptedModel::replying(
        "large",
        [sql("SELECT nme FROM singer"), sql("SELECT name FROM singer WHERE country = 'France'")],
    ));
    let baseline = baseline(&dir, &large, RepairBudgets::default()).await;
    let answer = baseline.ask("Which singers are from France?").await.unwrap();
    assert_eq!(answer.rows.rows.len(), 1);
    assert_eq!(answer.n_repairs, 1);
    assert_eq!(answer.ledger.large.n_calls, 2);
    assert_eq!(answer.ledger.small.n_calls, 0);
    assert_eq!(answer.ledger.rules.n_calls, 0, "no rule repairs in the baseline");
    assert_eq!(answer.ledger.counterfactual_full_schema_prompt_tokens, answer.ledger.scoped_prompt_tokens);
    let requests = large.requests();
    assert!(requests[0].messages[1].content.contains(CANARY), "the baseline sees every table");
    assert!(!requests[0].messages[0].content.contains("plan"), "no plan in the baseline's prompt");
    assert_eq!(requests[1].messages.len(), 4, "the repair turn is appended");
    assert!(requests[1].messages[3].content.contains("nme"));
}

#[tokio::test]
async fn the_baseline_stops_when_its_budget_is_spent() {
    let dir = tempfile::tempdir().unwrap();
    let large = Arc::new(ScriptedModel::replying("large", ["no sql here", "still none"]));
    let baseline = baseline(&dir, &large, RepairBudgets { rules: 3, small: 0, large: 1 }).await;
    let error = baseline.ask("Which singers are from France?").await.unwrap_err();
    assert!(matches!(error, AgentError::RepairBudgetExhausted { n_attempts: 1, .. }), "{error:?}");
    assert_eq!(large.requests().len(), 2);
}
