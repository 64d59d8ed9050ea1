//! The behaviour every [`SessionStore`] must have, as one check its tests call against a
//! fresh, empty store (feature `testing`).

use super::record::{AnswerColumn, AnswerRecord, SessionId, TurnError, TurnRecord, TurnStatus};
use super::store::{SessionStore, StoreError};
use crate::plan::Plan;
use crate::stage::Stage;

/// Panics (it is a test helper) with the first broken promise.
#[expect(clippy::expect_used, reason = "a test helper reports a broken contract by panicking")]
pub async fn check_store(store: &dyn SessionStore) {
    let session = SessionId::random();
    let mut first = TurnRecord::new(session.clone(), 0, "How many singers?", "ab".repeat(32));
    store.insert(&first).await.expect("inserting a new turn");
    assert!(
        matches!(store.insert(&first).await, Err(StoreError::Duplicate { .. })),
        "a second insert of the same turn must be refused"
    );

    // A full record survives the round trip, unicode and all.
    first.revision = 1;
    first.status = TurnStatus::Answered;
    let mut plan = Plan::new();
    plan.tables = vec!["singer".to_owned()];
    plan.assumptions = vec!["naïve «quotes» — 歌手".to_owned()];
    first.plan = Some(plan);
    first.trace = vec![Stage::Planned, Stage::AwaitingConfirmation, Stage::Confirmed, Stage::Answered];
    first.ledger.small.n_calls = 1;
    first.answer = Some(AnswerRecord {
        sql: "SELECT count(*) FROM singer".to_owned(),
        columns: vec![AnswerColumn { name: "count(*)".to_owned(), type_name: "INTEGER".to_owned() }],
        rows: vec![vec![serde_json::json!(6)], vec![serde_json::Value::Null]],
        truncated: false,
        from_cache: false,
        notes: Vec::new(),
    });
    store.update(&first).await.expect("updating from revision 0 to 1");
    let stored = store.turns(&session).await.expect("reading turns");
    assert_eq!(stored, vec![first.clone()], "a turn must read back as written");

    // Compare-and-swap: a write based on an old revision loses.
    let stale = first.clone();
    assert!(matches!(store.update(&stale).await, Err(StoreError::Conflict { .. })), "revision 1 again must conflict");
    let mut skipping = first.clone();
    skipping.revision = 5;
    assert!(matches!(store.update(&skipping).await, Err(StoreError::Conflict { .. })), "skipping revisions conflicts");
    let mut missing = first.clone();
    missing.turn = 9;
    assert!(matches!(store.update(&missing).await, Err(StoreError::Missing { .. })), "an unknown turn is missing");

    // Turns come back in order, per session, and unknown sessions are empty.
    let mut second = TurnRecord::new(session.clone(), 1, "And in France?", "ab".repeat(32));
    second.status = TurnStatus::Running;
    let mut other = TurnRecord::new(SessionId::random(), 0, "Other", "cd".repeat(32));
    other.status = TurnStatus::Failed;
    other.error = Some(TurnError { code: "model_failed".to_owned(), message: "boom".to_owned() });
    store.insert(&other).await.expect("inserting another session");
    store.insert(&second).await.expect("inserting a follow-up");
    let turns = store.turns(&session).await.expect("reading turns");
    assert_eq!(turns.iter().map(|t| t.turn).collect::<Vec<_>>(), vec![0, 1]);
    assert_eq!(store.turns(&other.session).await.expect("reading").len(), 1);
    assert!(store.turns(&SessionId::random()).await.expect("reading an unknown session").is_empty());

    // Only planning and running turns are unfinished.
    let unfinished = store.unfinished().await.expect("listing unfinished turns");
    assert!(unfinished.iter().any(|t| t.session == session && t.turn == 1), "a running turn is unfinished");
    assert!(
        unfinished.iter().all(|t| t.status.is_busy()),
        "settled or waiting turns are not unfinished: {unfinished:?}"
    );
}
