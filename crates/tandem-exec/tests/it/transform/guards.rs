//! What stops an apply: policy attacks (refused by the validator), failed quality checks, a
//! crash between preview and apply, stale or mismatched receipts, statement time limits; and
//! export, which is checked like apply.

use tandem_core::{Dialect, RepairTier};
use tandem_exec::{ExecError, PreviewReceipt, QualityCheck, StaleReason, TransformOptions};
use tandem_sql::{Expectations, TransformSpec, ValidatedTransform, WriteKind};

use super::{Engine, audit_rows, request, sources, sql_name, state, valid, validate};

/// Writing a source, dropping another table and escaping the target are refused before
/// anything runs, each with its code, and policy violations are not retried.
pub async fn attacks_are_rejected(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let before = state(engine).await;
    let (orders, summary, keep) = (sql_name(engine, "orders"), sql_name(engine, "summary"), sql_name(engine, "keep"));
    let insert = TransformSpec::new(engine.table("summary"), WriteKind::InsertSelect, sources(engine));
    let replace = TransformSpec::new(engine.table("summary"), WriteKind::Replace, sources(engine)).exists(true);
    let create = TransformSpec::new(engine.table("daily"), WriteKind::CreateAsSelect, sources(engine));
    let elsewhere =
        if engine.dialect() == Dialect::Sqlite { "temp.daily".to_owned() } else { "other_db.daily".to_owned() };
    let cases = [
        (&insert, format!("INSERT INTO {orders} SELECT * FROM {orders}"), "write_to_source"),
        (
            &insert,
            format!("INSERT INTO {summary} SELECT day, amount FROM {orders}; DELETE FROM {orders}"),
            "write_to_source",
        ),
        (
            &replace,
            format!("DROP TABLE {keep}; CREATE TABLE {summary} AS SELECT day, amount AS total FROM {orders}"),
            "drop_not_allowed",
        ),
        (
            &create,
            format!("CREATE TABLE {} AS SELECT day FROM {orders}; DROP TABLE {keep}", sql_name(engine, "daily")),
            "drop_not_allowed",
        ),
        (&create, format!("CREATE TABLE {elsewhere} AS SELECT day FROM {orders}"), "write_outside_target"),
        (&insert, format!("INSERT INTO {keep} SELECT day FROM {orders}"), "write_outside_target"),
    ];
    for (spec, sql, code) in cases {
        let rejection = validate(engine, &sql, spec, &catalog).unwrap_err();
        let codes: Vec<&str> = rejection.violations.iter().map(|v| v.code.as_str()).collect();
        assert!(codes.contains(&code), "{}: {sql}: {codes:?}", engine.dialect());
        assert_eq!(rejection.repair_tier(), RepairTier::NotRetryable, "{sql}");
    }
    assert_eq!(state(engine).await, before);
}

/// Failed checks are reported by the preview and block apply; checks that pass in the
/// preview but fail on the data at apply time (it moved) block it too.
pub async fn failed_checks_block_apply(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("by_region"), WriteKind::CreateAsSelect, sources(engine)).expecting(
        Expectations::default().unique(["region"]).not_null(["region"]).rows(Some(100), None).not_null(["nope"]),
    );
    let sql = format!(
        "CREATE TABLE {} AS SELECT region, day, amount FROM {}",
        sql_name(engine, "by_region"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    assert!(!preview.passed());
    let failed: Vec<(&str, u64)> = preview.failed_checks().map(|c| (c.check.code(), c.observed)).collect();
    // Two regions repeat; one NULL region; 8 rows, not 100; no column `nope`.
    assert_eq!(failed, [("unique", 2), ("not_null", 1), ("not_null", 0), ("row_count", 8)], "{:?}", preview.checks);
    assert!(preview.checks.iter().any(|c| c.detail.contains("no column `nope`")), "{:?}", preview.checks);
    let error = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(error, ExecError::QualityCheckFailed { .. }), "{error:?}");
    assert_eq!(error.repair_tier(), RepairTier::Large, "a failed quality check is a tier-2 logic error");
    assert!(error.to_string().contains("occur more than once"), "{error}");
    let exported = transformer.export(&transform, &preview.receipt, &request(&catalog)).unwrap_err();
    assert!(matches!(exported, ExecError::QualityCheckFailed { .. }));
    assert_eq!(state(engine).await, before);

    // Passing in the preview, failing at apply: another writer added a row meanwhile.
    let spec = TransformSpec::new(engine.table("summary"), WriteKind::InsertSelect, sources(engine))
        .expecting(Expectations::default().rows(None, Some(4)));
    let sql = format!(
        "INSERT INTO {} (day, total) SELECT day, SUM(amount) FROM {} WHERE day > 2 GROUP BY day",
        sql_name(engine, "summary"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let preview = transformer.preview(&transform).await.unwrap();
    assert!(preview.passed(), "{:?}", preview.checks);
    engine.admin(&format!("INSERT INTO {} VALUES (9, 9)", sql_name(engine, "summary"))).await;
    let moved = state(engine).await;
    let error = transformer.apply(&transform, &preview.receipt, &request(&catalog)).await.unwrap_err();
    let ExecError::QualityCheckFailed { failed } = &error else { panic!("{error:?}") };
    assert_eq!((failed[0].check.code(), failed[0].observed), ("row_count", 5));
    assert!(matches!(failed[0].check, QualityCheck::RowCount { .. }));
    assert_eq!(state(engine).await, moved, "the failed apply rolled back");
    assert!(audit_rows(engine).await.is_empty());
}

/// A crash between preview and apply changes nothing; the approved receipt, persisted, still
/// applies after a restart; a receipt whose tables or catalog moved is refused as stale.
pub async fn crash_between_preview_and_apply(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let before = state(engine).await;
    let spec = TransformSpec::new(engine.table("daily"), WriteKind::CreateAsSelect, sources(engine));
    let sql = format!(
        "CREATE TABLE {} AS SELECT day, SUM(amount) AS total FROM {} GROUP BY day",
        sql_name(engine, "daily"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let persisted = {
        let transformer = engine.transformer(engine.options()).await;
        let preview = transformer.preview(&transform).await.unwrap();
        preview.receipt.encode()
        // The transformer and its connections go away here, as in a crash.
    };
    assert_eq!(state(engine).await, before, "nothing changed between preview and apply");
    let restarted = engine.transformer(engine.options()).await;
    let receipt = PreviewReceipt::decode(&persisted).unwrap();
    let record = restarted.apply(&transform, &receipt, &request(&catalog)).await.unwrap();
    assert_eq!(record.preview_token, receipt.token());
    let retry = restarted.apply(&transform, &receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(retry, ExecError::AlreadyApplied { .. }), "{retry:?}");

    // A receipt for another transform is refused.
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("weekly"), WriteKind::CreateAsSelect, sources(engine));
    let sql = format!(
        "CREATE TABLE {} AS SELECT region, SUM(amount) AS total FROM {} GROUP BY region",
        sql_name(engine, "weekly"),
        sql_name(engine, "orders")
    );
    let weekly = valid(engine, &sql, &spec, &catalog);
    let mismatch = restarted.apply(&weekly, &receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(mismatch, ExecError::ReceiptMismatch { what: "transform" }), "{mismatch:?}");
    assert!(mismatch.needs_preview());

    // The source changes shape after the preview: the live database says the receipt is stale
    // even when the caller's catalog has not caught up yet; and a newer catalog says so too.
    let preview = restarted.preview(&weekly).await.unwrap();
    engine.admin(&format!("ALTER TABLE {} ADD COLUMN note VARCHAR(10)", sql_name(engine, "orders"))).await;
    let moved = state(engine).await;
    let stale = restarted.apply(&weekly, &preview.receipt, &request(&catalog)).await.unwrap_err();
    assert!(matches!(stale, ExecError::StalePreview { reason: StaleReason::SchemaChanged }), "{stale:?}");
    assert!(stale.needs_preview());
    let newer = engine.catalog().await;
    let stale = restarted.apply(&weekly, &preview.receipt, &request(&newer)).await.unwrap_err();
    assert!(matches!(stale, ExecError::StalePreview { reason: StaleReason::CatalogVersion { .. } }), "{stale:?}");
    assert_eq!(state(engine).await, moved);
}

/// A statement past its time limit stops, as a typed timeout, and leaves nothing behind.
pub async fn statement_time_limit(engine: &dyn Engine) {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("slow"), WriteKind::CreateAsSelect, sources(engine));
    let sql = format!(
        "CREATE TABLE {} AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
         SELECT COUNT(*) AS c FROM n a, n b, n c",
        sql_name(engine, "slow")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let options = TransformOptions { timeout: std::time::Duration::from_millis(300), ..engine.options() };
    let transformer = engine.transformer(options).await;
    let before = state(engine).await;
    let started = std::time::Instant::now();
    let error = transformer.preview(&transform).await.unwrap_err();
    assert!(matches!(error, ExecError::Timeout { .. }), "{}: {error:?}", engine.dialect());
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(error.repair_tier(), RepairTier::NotRetryable);
    assert_eq!(state(engine).await, before);
}

/// Export checks the receipt like apply and renders one transaction with the audit insert.
pub async fn export(engine: &dyn Engine) -> Option<(ValidatedTransform, String)> {
    let catalog = engine.catalog().await;
    let spec = TransformSpec::new(engine.table("daily"), WriteKind::CreateAsSelect, sources(engine))
        .expecting(Expectations::default().unique(["day"]));
    let sql = format!(
        "CREATE TABLE {} AS SELECT day, SUM(amount) AS total FROM {} GROUP BY day",
        sql_name(engine, "daily"),
        sql_name(engine, "orders")
    );
    let transform = valid(engine, &sql, &spec, &catalog);
    let transformer = engine.transformer(engine.options()).await;
    let before = state(engine).await;
    let preview = transformer.preview(&transform).await.unwrap();
    let migration = transformer.export(&transform, &preview.receipt, &request(&catalog)).unwrap();
    assert_eq!(state(engine).await, before, "export writes nothing");
    assert!(migration.file_name.ends_with("_daily_create_as_select.sql"), "{}", migration.file_name);
    for part in
        ["CREATE TABLE", "INSERT INTO", preview.receipt.token(), "COMMIT;", "-- Quality checks", "approved by: alice"]
    {
        assert!(migration.sql.contains(part), "{part} missing from:\n{}", migration.sql);
    }
    Some((transform, migration.sql))
}
