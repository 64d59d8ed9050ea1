//! Sessions over the shop fixture: every status transition, bad input, cancel at every
//! stage, restart recovery from the store, a changed catalog, follow-ups and concurrency.

use std::sync::Arc;
use std::time::Duration;

use tandem_agent::session::{MemoryStore, SessionError, SessionStore, Sessions, TurnStatus};
use tandem_agent::{AgentConfig, ConfirmPolicy, Event, PlanCache, PlanEdit, SessionId, Stage};
use tandem_llm::testing::Step;

use crate::fixture::{GOOD_SQL, PLAN, QUESTION, Shop, sql};

fn sessions(shop: &Shop, store: &Arc<MemoryStore>) -> Sessions {
    Sessions::new(shop.pipeline.clone(), store.clone())
}

fn slow(reply: &str) -> Step {
    Step::After(Duration::from_secs(60), Box::new(Step::Reply(reply.to_owned())))
}

/// Waits (in real time, bounded) until `condition` holds.
#[expect(clippy::panic, reason = "a test helper: timing out fails the test")]
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn a_question_goes_from_planning_through_confirmation_to_an_answer() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    let store = Arc::new(MemoryStore::new());
    let sessions = sessions(&shop, &store);
    let mut events = sessions.subscribe();
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);

    let started = sessions.start(QUESTION).await.unwrap();
    assert_eq!(started.status, TurnStatus::Planning);
    let waiting = sessions.wait_settled(&started.session).await.unwrap();
    assert_eq!(waiting.status, TurnStatus::AwaitingConfirmation);
    assert_eq!(waiting.plan.as_ref().unwrap().tables, ["customer", "orders"]);
    assert_eq!(waiting.trace, [Stage::Planned, Stage::AwaitingConfirmation]);
    assert!(waiting.revision >= 1);
    assert!(shop.large.requests().is_empty(), "no large-model call before confirmation");

    let running = sessions.confirm(&started.session, Vec::new()).await.unwrap();
    assert_eq!(running.status, TurnStatus::Running);
    let answered = sessions.wait_settled(&started.session).await.unwrap();
    assert_eq!(answered.status, TurnStatus::Answered, "{:?}", answered.error);
    let answer = answered.answer.as_ref().unwrap();
    assert_eq!(
        answer.rows,
        vec![
            vec![serde_json::json!("Amélie"), serde_json::json!(15.0)],
            vec![serde_json::json!("Bruno"), serde_json::json!(7.0)]
        ]
    );
    assert_eq!(answer.columns.len(), 2);
    assert_eq!(answered.ledger.large.n_calls, 1);
    assert_eq!(answered.trace.last(), Some(&Stage::Answered));
    assert_eq!(store.turns(&started.session).await.unwrap(), vec![answered.clone()], "the store has the final state");

    let mut statuses = Vec::new();
    let mut stages = Vec::new();
    while let Ok(event) = events.try_recv() {
        assert_eq!(event.session, started.session);
        match event.event {
            Event::TurnStatus { status } => statuses.push(status),
            Event::StageStarted { stage } => stages.push(stage),
            _ => {}
        }
    }
    assert_eq!(statuses, [TurnStatus::AwaitingConfirmation, TurnStatus::Running, TurnStatus::Answered]);
    assert!(stages.contains(&Stage::Planned) && stages.contains(&Stage::Generated), "{stages:?}");
}

#[tokio::test]
async fn the_never_policy_runs_straight_through() {
    let shop = Shop::new(ConfirmPolicy::Never).await;
    let sessions = sessions(&shop, &Arc::new(MemoryStore::new()));
    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let id = sessions.start(QUESTION).await.unwrap().session;
    let answered = sessions.wait_settled(&id).await.unwrap();
    assert_eq!(answered.status, TurnStatus::Answered);
    assert_eq!(answered.trace[..2], [Stage::Planned, Stage::Confirmed]);
}

#[tokio::test]
async fn bad_input_gets_typed_errors_and_loses_nothing() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    let sessions = sessions(&shop, &Arc::new(MemoryStore::new()));
    assert!(matches!(sessions.start("  \n").await, Err(SessionError::EmptyQuestion)));
    let unknown = SessionId::random();
    for result in [sessions.latest(&unknown).await, sessions.cancel(&unknown).await] {
        assert_eq!(result.unwrap_err().code(), "unknown_session");
    }
    assert_eq!(sessions.confirm(&unknown, Vec::new()).await.unwrap_err().code(), "unknown_session");

    shop.small_says(&[PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let id = sessions.start(QUESTION).await.unwrap().session;
    let waiting = sessions.wait_settled(&id).await.unwrap();
    assert_eq!(sessions.follow_up(&id, "and in Italy?").await.unwrap_err().code(), "turn_in_progress");

    // An edit naming a missing table is refused; the plan waits, unchanged, and still works.
    let bad = vec![PlanEdit::AddTable { table: "no_such_table".into() }];
    let error = sessions.confirm(&id, bad).await.unwrap_err();
    assert_eq!(error.code(), "invalid_edit");
    assert!(error.to_string().contains("no_such_table"), "{error}");
    let still = sessions.latest(&id).await.unwrap();
    assert_eq!((still.status, still.plan.clone()), (TurnStatus::AwaitingConfirmation, waiting.plan.clone()));
    assert!(shop.large.requests().is_empty());

    sessions.confirm(&id, Vec::new()).await.unwrap();
    assert_eq!(sessions.confirm(&id, Vec::new()).await.unwrap_err().code(), "not_awaiting_confirmation");
    assert_eq!(sessions.wait_settled(&id).await.unwrap().status, TurnStatus::Answered);
    assert_eq!(sessions.cancel(&id).await.unwrap_err().code(), "already_settled");
    assert_eq!(shop.large.requests().len(), 1, "a double confirm runs the question once");
}

#[tokio::test]
async fn a_failing_planner_fails_the_turn_with_a_code() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    let sessions = sessions(&shop, &Arc::new(MemoryStore::new()));
    // No replies scripted: the small model fails.
    let id = sessions.start(QUESTION).await.unwrap().session;
    let failed = sessions.wait_settled(&id).await.unwrap();
    assert_eq!(failed.status, TurnStatus::Failed);
    assert_eq!(failed.error.unwrap().code, "model_failed");
    assert_eq!(failed.trace.last(), Some(&Stage::Failed));
}

#[tokio::test]
async fn cancel_works_while_planning_waiting_and_running() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    let sessions = sessions(&shop, &Arc::new(MemoryStore::new()));

    // While the small model is still writing the plan.
    shop.small.push(slow(PLAN));
    let planning = sessions.start(QUESTION).await.unwrap().session;
    eventually("the planner is called", || shop.small.requests().len() == 1).await;
    assert_eq!(sessions.cancel(&planning).await.unwrap().status, TurnStatus::Cancelled);

    // At the confirm gate.
    shop.small_says(&[PLAN]);
    let waiting = sessions.start(QUESTION).await.unwrap().session;
    sessions.wait_settled(&waiting).await.unwrap();
    let cancelled = sessions.cancel(&waiting).await.unwrap();
    assert_eq!(cancelled.status, TurnStatus::Cancelled);
    assert_eq!(cancelled.trace.last(), Some(&Stage::Cancelled));
    assert_eq!(sessions.confirm(&waiting, Vec::new()).await.unwrap_err().code(), "not_awaiting_confirmation");

    // While the large model writes the SQL: the call is dropped, and nothing answers later.
    shop.small_says(&[PLAN]);
    shop.large.push(slow(&sql(GOOD_SQL)));
    let running = sessions.start(QUESTION).await.unwrap().session;
    sessions.wait_settled(&running).await.unwrap();
    sessions.confirm(&running, Vec::new()).await.unwrap();
    eventually("the large model is called", || shop.large.requests().len() == 1).await;
    assert_eq!(sessions.cancel(&running).await.unwrap().status, TurnStatus::Cancelled);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after = sessions.latest(&running).await.unwrap();
    assert_eq!(after.status, TurnStatus::Cancelled);
    assert!(after.answer.is_none());
    assert_eq!(shop.large.requests().len(), 1, "no large call for the cancelled questions");
}

#[tokio::test]
async fn a_restarted_process_resumes_every_unfinished_turn_from_the_store() {
    let store = Arc::new(MemoryStore::new());
    let before = Shop::new(ConfirmPolicy::Always).await;
    let first = sessions(&before, &store);

    // One turn waits for confirmation, one is running, one is planning, when the process stops.
    before.small_says(&[PLAN, PLAN]);
    let waiting = first.start(QUESTION).await.unwrap().session;
    first.wait_settled(&waiting).await.unwrap();
    let running = first.start(QUESTION).await.unwrap().session;
    first.wait_settled(&running).await.unwrap();
    before.large.push(slow(&sql(GOOD_SQL)));
    first.confirm(&running, Vec::new()).await.unwrap();
    eventually("the large model is called", || before.large.requests().len() == 1).await;
    before.small.push(slow(PLAN));
    let planning = first.start(QUESTION).await.unwrap().session;
    eventually("the planner is called", || before.small.requests().len() == 3).await;
    first.shutdown();
    drop(first);

    let after = Shop::new(ConfirmPolicy::Always).await;
    let second = sessions(&after, &store);
    after.small_says(&[PLAN]);
    after.large_says(&[&sql(GOOD_SQL), &sql(GOOD_SQL)]);
    let recent = second.resume_unfinished(Duration::from_secs(3_600)).await.unwrap();
    assert_eq!(recent, 0, "turns written a moment ago may belong to a live replica");
    assert_eq!(second.resume_unfinished(Duration::ZERO).await.unwrap(), 2);
    assert_eq!(second.wait_settled(&running).await.unwrap().status, TurnStatus::Answered);
    assert_eq!(second.wait_settled(&planning).await.unwrap().status, TurnStatus::AwaitingConfirmation);
    // The waiting turn needed no resuming: confirming it in the new process just works.
    second.confirm(&waiting, Vec::new()).await.unwrap();
    let answered = second.wait_settled(&waiting).await.unwrap();
    assert_eq!(answered.status, TurnStatus::Answered, "{:?}", answered.error);
    assert!(answered.answer.unwrap().from_cache, "the same confirmed plan reuses the resumed turn's SQL");
    assert_eq!(after.large.requests().len(), 1);
    // Nothing is left unfinished.
    assert_eq!(second.resume_unfinished(Duration::ZERO).await.unwrap(), 0);
}

#[tokio::test]
async fn a_changed_catalog_sends_a_stored_plan_back_for_review() {
    let store = Arc::new(MemoryStore::new());
    let before = Shop::new(ConfirmPolicy::Always).await;
    let first = sessions(&before, &store);
    before.small_says(&[PLAN]);
    let id = first.start(QUESTION).await.unwrap().session;
    let waiting = first.wait_settled(&id).await.unwrap();
    drop(first);

    let config = AgentConfig { confirm: ConfirmPolicy::Always, ..AgentConfig::default() };
    let after =
        Shop::with(config, Arc::new(PlanCache::default()), "CREATE TABLE refund (id INTEGER PRIMARY KEY)").await;
    let second = sessions(&after, &store);
    assert_eq!(second.confirm(&id, Vec::new()).await.unwrap_err().code(), "plan_changed");
    let reviewed = second.latest(&id).await.unwrap();
    assert_eq!(reviewed.status, TurnStatus::AwaitingConfirmation);
    assert_ne!(reviewed.catalog_version, waiting.catalog_version);
    assert!(reviewed.plan.unwrap().assumptions.iter().any(|a| a.contains("catalog changed")));
    assert!(after.large.requests().is_empty(), "nothing runs on a plan nobody saw");

    after.large_says(&[&sql(GOOD_SQL)]);
    second.confirm(&id, Vec::new()).await.unwrap();
    assert_eq!(second.wait_settled(&id).await.unwrap().status, TurnStatus::Answered);
}

#[tokio::test]
async fn a_follow_up_starts_from_the_earlier_plan() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    let sessions = sessions(&shop, &Arc::new(MemoryStore::new()));
    shop.small_says(&[PLAN, PLAN]);
    shop.large_says(&[&sql(GOOD_SQL)]);
    let id = sessions.start(QUESTION).await.unwrap().session;
    sessions.wait_settled(&id).await.unwrap();
    sessions.confirm(&id, Vec::new()).await.unwrap();
    sessions.wait_settled(&id).await.unwrap();

    assert!(matches!(sessions.follow_up(&id, " ").await, Err(SessionError::EmptyQuestion)));
    let second = sessions.follow_up(&id, "And only paid orders?").await.unwrap();
    assert_eq!(second.turn, 1);
    assert_eq!(sessions.wait_settled(&id).await.unwrap().status, TurnStatus::AwaitingConfirmation);
    let prompt: String = shop.small.requests()[1].messages.iter().map(|m| m.content.clone()).collect();
    assert!(prompt.contains("Earlier question: What is the total order amount"), "{prompt}");
    assert!(prompt.contains("\"customer\""), "the earlier plan is in the prompt");
    assert_eq!(sessions.turns(&id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn many_concurrent_sessions_neither_cross_nor_get_lost() {
    let shop = Shop::new(ConfirmPolicy::Always).await;
    let sessions = sessions(&shop, &Arc::new(MemoryStore::new()));
    let n = 50;
    for _ in 0..n {
        shop.small_says(&[PLAN]);
        shop.large_says(&[&sql(GOOD_SQL)]);
    }
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(sessions.start(&format!("{QUESTION} ({i})")).await.unwrap().session);
    }
    let confirms = ids.iter().map(|id| {
        let sessions = sessions.clone();
        async move {
            sessions.wait_settled(id).await.unwrap();
            sessions.confirm(id, Vec::new()).await.unwrap();
            sessions.wait_settled(id).await.unwrap()
        }
    });
    let finished = futures::future::join_all(confirms).await;
    for (i, record) in finished.iter().enumerate() {
        assert_eq!(record.status, TurnStatus::Answered, "{:?}", record.error);
        assert_eq!(record.question, format!("{QUESTION} ({i})"), "no crossed sessions");
    }
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), n);
}
