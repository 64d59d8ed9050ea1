//! The pipeline's metrics: retrieval recall of an answer, repair rounds by tier and outcome,
//! sandbox timeouts. Each test installs its own recorder on its (current-thread) runtime; a
//! snapshot drains the counters, so each one shows what happened since the last.

use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use metrics_util::{CompositeKey, MetricKind};
use tandem_agent::telemetry as names;
use tandem_agent::{AgentConfig, AgentError, ConfirmPolicy, Outcome, PlanCache, RepairBudgets};

use crate::fixture::{GOOD_SQL, PLAN, QUESTION, Shop, sql};

type Metrics = Vec<(CompositeKey, DebugValue)>;

fn snapshot(snapshotter: &Snapshotter) -> Metrics {
    snapshotter.snapshot().into_vec().into_iter().map(|(key, _, _, value)| (key, value)).collect()
}

/// A counter's value, 0 when it was never recorded.
fn counter(metrics: &Metrics, name: &str, labels: &[(&str, &str)]) -> u64 {
    metrics
        .iter()
        .find_map(|(key, value)| {
            let have: Vec<(&str, &str)> = key.key().labels().map(|l| (l.key(), l.value())).collect();
            let wanted = key.kind() == MetricKind::Counter
                && key.key().name() == name
                && have.len() == labels.len()
                && labels.iter().all(|l| have.contains(l));
            match value {
                DebugValue::Counter(n) if wanted => Some(*n),
                _ => None,
            }
        })
        .unwrap_or(0)
}

fn repairs(metrics: &Metrics, tier: &str, outcome: &str) -> u64 {
    counter(metrics, names::REPAIRS_TOTAL, &[("tier", tier), ("outcome", outcome)])
}

async fn run(shop: &Shop) -> Result<Outcome, AgentError> {
    let planned = shop.pipeline.plan(QUESTION).await?;
    shop.pipeline.proceed(planned).await
}

#[tokio::test]
async fn an_answer_records_the_slice_against_the_tables_its_sql_read() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let planned = shop.pipeline.plan(QUESTION).await.unwrap();
    let slice: Vec<String> = planned.slice().tables.iter().map(|t| t.name.name.clone()).collect();
    assert!(matches!(shop.pipeline.proceed(planned).await.unwrap(), Outcome::Answered(_)));

    let metrics = snapshot(&snapshotter);
    assert_eq!(counter(&metrics, names::TABLES_RETRIEVED_TOTAL, &[]), slice.len() as u64);
    assert_eq!(counter(&metrics, names::TABLES_USED_TOTAL, &[]), 2, "customer and orders");
    let in_slice = ["customer", "orders"].iter().filter(|t| slice.iter().any(|s| s == *t)).count();
    assert_eq!(counter(&metrics, names::TABLES_USED_IN_SLICE_TOTAL, &[]), in_slice as u64, "slice: {slice:?}");
    assert!(in_slice >= 1, "retrieval finds the question's tables: {slice:?}");
    let ratio = metrics.iter().find_map(|(key, value)| match value {
        DebugValue::Histogram(values) if key.key().name() == names::RECALL_RATIO => Some(values.clone()),
        _ => None,
    });
    let expected = in_slice as f64 / 2.0;
    assert_eq!(ratio.unwrap().iter().map(|v| v.into_inner()).collect::<Vec<_>>(), vec![expected]);
    assert_eq!(repairs(&metrics, "large", "fixed") + repairs(&metrics, "large", "failed"), 0, "no repair ran");
}

#[tokio::test]
async fn repairs_are_counted_by_tier_and_outcome() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);

    // Rules fix a typo in the first SQL.
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(&GOOD_SQL.replace("SUM(o.amount)", "SUM(o.amout)"))]);
    assert!(matches!(run(&shop).await.unwrap(), Outcome::Answered(_)));
    assert_eq!(repairs(&snapshot(&snapshotter), "rules", "fixed"), 1);

    // The small model fails twice, then the large model fixes it.
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN, &sql("SELEC 1"), &sql("SELEC 2")]);
    shop.large_says(&[&sql("SELEC 0"), &sql(GOOD_SQL)]);
    assert!(matches!(run(&shop).await.unwrap(), Outcome::Answered(_)));
    let metrics = snapshot(&snapshotter);
    assert_eq!(repairs(&metrics, "small", "failed"), 2);
    assert_eq!(repairs(&metrics, "large", "fixed"), 1);

    // Every budget spent: two small and two large rounds fail, then the loop gives up.
    let shop = Shop::new(ConfirmPolicy::Never).await;
    shop.small_says(&[PLAN, &sql("SELEC 1"), &sql("SELEC 2")]);
    shop.large_says(&[&sql("SELEC 0"), &sql("SELEC 3"), &sql("SELEC 4")]);
    assert!(matches!(run(&shop).await, Err(AgentError::RepairBudgetExhausted { .. })));
    let metrics = snapshot(&snapshotter);
    assert_eq!(repairs(&metrics, "small", "failed"), 2);
    assert_eq!(repairs(&metrics, "large", "failed"), 2);
    assert_eq!(repairs(&metrics, "large", "fixed"), 0);
    assert_eq!(repairs(&metrics, "large", "budget_exhausted"), 1);
}

#[tokio::test]
async fn a_statement_stopped_at_the_time_limit_is_a_sandbox_timeout() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);
    let config = AgentConfig {
        confirm: ConfirmPolicy::Never,
        exec_timeout_ms: 50,
        budgets: RepairBudgets { rules: 0, small: 0, large: 0 },
        ..AgentConfig::default()
    };
    let shop = Shop::with(config, std::sync::Arc::new(PlanCache::default()), "").await;
    shop.small_says(&[PLAN]);
    // Twelve copies of the four orders: 4^12 (16.7 million) combinations to count.
    let copies: Vec<String> = (0..12).map(|i| format!("orders AS x{i}")).collect();
    let slow = GOOD_SQL.replace(
        "WHERE c.country = 'France'",
        &format!("WHERE c.country = 'France' AND (SELECT COUNT(*) FROM {}) > 0", copies.join(", ")),
    );
    shop.large_says(&[&sql(&slow)]);
    let error = run(&shop).await.unwrap_err();
    assert!(
        matches!(error, AgentError::NotRetryable { source: Some(tandem_exec::ExecError::Timeout { .. }), .. }),
        "{error:?}"
    );
    let metrics = snapshot(&snapshotter);
    assert_eq!(counter(&metrics, names::SANDBOX_TIMEOUTS_TOTAL, &[("dialect", "sqlite")]), 1);
}
