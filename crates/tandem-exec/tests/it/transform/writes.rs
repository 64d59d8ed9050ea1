//! The write kinds previewed without a change and applied exactly once: create-as-select,
//! insert-select, upsert, replace, a view, and two appliers racing with one receipt.

use tandem_core::{Dialect, RepairTier};
use tandem_exec::{AuditStatus, ExecError};
use tandem_sql::{Expectations, TransformSpec, WriteKind};

use super::{Engine, audit_rows, method, request, sources, sql_name, state, valid};

pub async fn create_as_select(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("daily"), WriteKind::CreateAsSelect, sources(engine))
        .expecting(Expectations::default().unique(["day"]).not_null(["total"]).rows(Some(1), Some(10)));
    let sql = format!(
        "CREATE TABLE {} AS SELECT day, SUM(amount) AS total FROM {} GROUP BY day",
        sql_name(engine, "daily"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    assert_eq!(state(engine).await, before, "{}: the preview changed the database", engine.dialect());
    assert_eq!(preview.method, method(engine, true));
    assert_eq!((preview.rows_affected, preview.target_rows), (4, 4), "{preview:?}");
    let names: Vec<&str> = preview.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["day", "total"]);
    assert!(preview.columns.iter().all(|c| !c.type_name.is_empty()), "{:?}", preview.columns);
    assert_eq!(preview.sample.rows.len(), 4);
    assert!(!preview.sample.truncated);
    assert_eq!(preview.checks.len(), 3);
    assert!(preview.passed(), "{:?}", preview.checks);

    let record = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap();
    assert_eq!((record.status, record.rows_affected, record.actor.as_str()), (AuditStatus::Applied, 4, "alice"));
    assert_eq!(record.idempotency_key, preview.receipt.token());
    assert!(record.sql.contains("CREATE TABLE"), "{}", record.sql);
    assert!(!record.applied_at.is_empty());
    let after = engine.snapshot().await;
    let daily = after.iter().find(|(t, _)| t == "daily").unwrap();
    assert_eq!(daily.1.len(), 4, "{daily:?}");
    let audit = audit_rows(engine).await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(audit[0].contains(preview.receipt.token()) && audit[0].contains("approved"), "{audit:?}");

    // A retry with the same receipt (same idempotency key) is refused and changes nothing.
    let again = state(engine).await;
    let retry = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(retry, ExecError::AlreadyApplied { .. }), "{retry:?}");
    assert_eq!(retry.code(), "transform_already_applied");
    assert_eq!(state(engine).await, again);
}

pub async fn insert_select(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("summary"), WriteKind::InsertSelect, sources(engine))
        .expecting(Expectations::default().unique(["day"]).rows(Some(4), Some(4)));
    let sql = format!(
        "INSERT INTO {} (day, total) SELECT day, SUM(amount) FROM {} WHERE day > 2 GROUP BY day",
        sql_name(engine, "summary"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    assert_eq!(state(engine).await, before, "{}: the preview changed the database", engine.dialect());
    assert_eq!(preview.method, method(engine, false));
    assert_eq!((preview.rows_affected, preview.target_rows), (2, 4), "{preview:?}");
    assert!(preview.passed(), "{:?}", preview.checks);
    transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap();
    let summary = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(summary.len(), 4, "{summary:?}");
    let retry = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(retry, ExecError::AlreadyApplied { .. }), "{retry:?}");
    // Previewing the same insert again now breaks the target's key: a logic error (tier 2).
    let duplicate = transformer.preview(&transform).await.unwrap_err();
    assert_eq!(duplicate.code(), "db_constraint", "{duplicate:?}");
    assert_eq!(duplicate.repair_tier(), RepairTier::Large);
    let summary_again = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(summary_again, summary);
}

pub async fn upsert(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec =
        TransformSpec::new(engine.table("summary"), WriteKind::Upsert { key: vec!["day".into()] }, sources(engine))
            .expecting(Expectations::default().unique(["day"]).not_null(["total"]));
    let (summary, orders) = (sql_name(engine, "summary"), sql_name(engine, "orders"));
    let sql = match engine.dialect() {
        Dialect::Mysql => format!(
            "INSERT INTO {summary} (day, total) SELECT day, SUM(amount) FROM {orders} GROUP BY day \
             ON DUPLICATE KEY UPDATE total = VALUES(total)"
        ),
        // SQLite needs a WHERE before ON CONFLICT after a SELECT (its parser's ambiguity).
        _ => format!(
            "INSERT INTO {summary} (day, total) SELECT day, SUM(amount) FROM {orders} WHERE true GROUP BY day \
             ON CONFLICT (day) DO UPDATE SET total = excluded.total"
        ),
    };
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    assert_eq!(state(engine).await, before, "{}: the preview changed the database", engine.dialect());
    assert_eq!(preview.target_rows, 4);
    // MySQL counts an updated row twice.
    let expected = if engine.dialect() == Dialect::Mysql { 6 } else { 4 };
    assert_eq!(preview.rows_affected, expected, "{preview:?}");
    assert!(preview.passed(), "{:?}", preview.checks);
    let mut totals: Vec<String> = preview.sample.rows.iter().map(|r| format!("{r:?}")).collect();
    totals.sort();
    assert_eq!(totals.len(), 4);
    transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap();
    let after = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(after.len(), 4);
    assert!(after.iter().any(|r| r.contains("15")), "day 1 totals 15: {after:?}");
    let retry = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(retry, ExecError::AlreadyApplied { .. }), "{retry:?}");
    assert_eq!(audit_rows(engine).await.len(), 1);
}

/// A replace (DROP and CREATE of an existing table) and a new view: DDL that MySQL previews on
/// temporary tables and applies outside one transaction.
pub async fn replace_and_view(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let (summary, orders) = (sql_name(engine, "summary"), sql_name(engine, "orders"));
    let spec = TransformSpec::new(engine.table("summary"), WriteKind::Replace, sources(engine))
        .exists(true)
        .expecting(Expectations::default().unique(["day"]).rows(Some(4), Some(4)));
    let sql = format!(
        "DROP TABLE {summary}; CREATE TABLE {summary} AS SELECT day, SUM(amount) AS total FROM {orders} GROUP BY day"
    );
    let replace = valid(engine, &sql, &spec, &catalog);
    let view_spec = TransformSpec::new(engine.table("v_daily"), WriteKind::CreateAsSelect, sources(engine))
        .view()
        .expecting(Expectations::default().rows(Some(4), Some(4)).not_null(["total"]));
    let sql = format!(
        "CREATE VIEW {} AS SELECT day, SUM(amount) AS total FROM {orders} GROUP BY day",
        sql_name(engine, "v_daily")
    );
    let view = valid(engine, &sql, &view_spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let replaced = transformer.preview(&replace).await.unwrap();
    let viewed = transformer.preview(&view).await.unwrap();
    assert_eq!(state(engine).await, before, "{}: a preview changed the database", engine.dialect());
    for preview in [&replaced, &viewed] {
        assert_eq!(preview.method, method(engine, true));
        assert_eq!(preview.target_rows, 4, "{preview:?}");
        assert!(preview.passed(), "{:?}", preview.checks);
    }
    transformer.apply(&replace, &replaced.receipt, &request(&catalog)).await.unwrap();
    let summary_rows = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(summary_rows.len(), 4, "{summary_rows:?}");
    // The replace changed the catalog (summary lost its key), so the view's receipt is stale
    // against the new catalog and must be previewed again.
    let catalog = engine.catalog().await;
    let stale = transformer.apply(&view, &viewed.receipt, &request(&catalog)).await.unwrap_err();
    assert!(stale.needs_preview(), "{stale:?}");
    let view = valid(engine, &view.statements().collect::<Vec<_>>().join(";\n"), &view_spec, &catalog);
    let viewed = transformer.preview(&view).await.unwrap();
    let record = transformer.apply(&view, &viewed.receipt, &request(&catalog)).await.unwrap();
    assert_eq!(record.status, AuditStatus::Applied);
    let v_daily = engine.snapshot().await.into_iter().find(|(t, _)| t == "v_daily").unwrap().1;
    assert_eq!(v_daily.len(), 4);
    assert_eq!(audit_rows(engine).await.len(), 2);
}

/// Two appliers racing with one receipt (two processes, say): exactly one applies.
pub async fn concurrent_applies_apply_once(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("summary"), WriteKind::InsertSelect, sources(engine));
    let sql = format!(
        "INSERT INTO {} (day, total) SELECT day, SUM(amount) FROM {} WHERE day > 2 GROUP BY day",
        sql_name(engine, "summary"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let (first, second) = (engine.transformer(engine.options()).await, engine.transformer(engine.options()).await);
    let preview = first.preview(&transform).await.unwrap();
    let request = request(&catalog);
    let (a, b) = tokio::join!(
        first.apply(&transform, &preview.receipt, &request),
        second.apply(&transform, &preview.receipt, &request)
    );
    let outcomes = [a.map(|_| ()), b.map(|_| ())];
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    assert!(outcomes.iter().any(|o| matches!(o, Err(ExecError::AlreadyApplied { .. }))), "{outcomes:?}");
    let summary = engine.snapshot().await.into_iter().find(|(t, _)| t == "summary").unwrap().1;
    assert_eq!(summary.len(), 4, "applied once: {summary:?}");
    assert_eq!(audit_rows(engine).await.len(), 1);
}
