//! Whole runs: scoring, the JSONL file and resuming, the report's shape, the baseline and the
//! merged catalog's routing.

use tandem_eval::eval::{
    CatalogMode, Ending, Hardness, Mode, Prediction, markdown_header, markdown_row, read_predictions,
};

use crate::fixture::{Bench, plan, question, scripted, sql};

#[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[tokio::test]
async fn tiered_run_scores_writes_jsonl_and_reports() {
    let bench = Bench::new();
    let config = bench.config(Mode::Tiered, CatalogMode::PerDb, "tiered.jsonl");
    let small = scripted("small", &[plan(&["customer"]), plan(&["singer"])]);
    let large = scripted(
        "large",
        &[
            sql("SELECT COUNT(*) AS n FROM customer WHERE country = 'France'"),
            sql("SELECT name FROM singer ORDER BY age DESC"),
        ],
    );
    let run = bench.run(&config, &small, &large, &bench.questions).await;
    let report = &run.report;
    assert_eq!((report.n_questions, report.n_skipped, report.n_scored, report.n_correct), (2, 1, 2, 1));
    assert_eq!(report.execution_accuracy, 0.5);
    assert_eq!(report.large_calls_per_question, 1.0);
    assert_eq!(report.large_calls_per_answered, 1.0);
    assert_eq!(report.small_calls_per_question, 1.0);
    assert!(report.full_schema_prompt_tokens_per_question > 0.0);
    assert_eq!(report.share_answered_without_large, 0.0);
    let easy = report.by_hardness.iter().find(|h| h.hardness == Hardness::Easy).unwrap();
    assert_eq!((easy.n_scored, easy.n_correct), (2, 1));

    let written = lines(&config.predictions_path);
    assert_eq!(written.len(), 2);
    for key in ["id", "db_id", "mode", "catalog", "hardness", "ending", "predicted_sql", "correct", "ledger", "repairs"]
    {
        assert!(written[0].get(key).is_some(), "missing `{key}` in {}", written[0]);
    }
    assert_eq!(written[0]["mode"], "tiered");
    assert_eq!(written[0]["catalog"], "per-db");
    assert_eq!(written[1]["correct"], false, "descending order against an ordered gold");
    assert_eq!(written[0]["ledger"]["large"]["n_calls"], 1);

    let table = format!("{}\n{}", markdown_header(), markdown_row(report));
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 3);
    let n_cells = |line: &str| line.matches('|').count();
    assert!(rows.iter().all(|r| n_cells(r) == n_cells(rows[0])), "{table}");
    assert!(rows[2].starts_with("| tiered | per-db | 2 | 0.500 (1/2) |"), "{table}");
    let json = serde_json::to_value(report).unwrap();
    assert_eq!(json["by_hardness"][0]["hardness"], "easy");
    assert!(json["latency_ms_p95"].as_f64().unwrap() >= json["latency_ms_p50"].as_f64().unwrap());
}

#[tokio::test]
async fn resuming_skips_done_ids_and_survives_a_cut_line() {
    let bench = Bench::new();
    let config = bench.config(Mode::Tiered, CatalogMode::PerDb, "resume.jsonl");
    let first = &bench.questions[..1];
    let small = scripted("small", &[plan(&["customer"])]);
    let large = scripted("large", &[sql("SELECT count(*) FROM customer WHERE country = 'France'")]);
    assert_eq!(bench.run(&config, &small, &large, first).await.report.n_correct, 1);

    // An interrupted write leaves half a line; models with no replies prove nothing reruns.
    let mut text = std::fs::read_to_string(&config.predictions_path).unwrap();
    text.push_str("{\"id\": \"q2\", \"db_");
    std::fs::write(&config.predictions_path, text).unwrap();
    let (silent_small, silent_large) = (scripted("small", &[]), scripted("large", &[]));
    let again = bench.run(&config, &silent_small, &silent_large, first).await;
    assert_eq!((again.report.n_questions, again.report.n_correct), (1, 1));
    assert!(silent_small.requests().is_empty() && silent_large.requests().is_empty());

    let small = scripted("small", &[plan(&["singer"])]);
    let large = scripted("large", &[sql("SELECT name FROM singer ORDER BY age")]);
    let all = bench.run(&config, &small, &large, &bench.questions).await;
    assert_eq!((all.report.n_questions, all.report.n_correct), (2, 2));
    assert_eq!(small.requests().len(), 1, "only q2 ran");
    let ids: Vec<String> = read_predictions(&config.predictions_path, Mode::Tiered, CatalogMode::PerDb)
        .unwrap()
        .into_iter()
        .map(|p: Prediction| p.id)
        .collect();
    assert_eq!(ids, ["q1", "q2"]);
    assert!(read_predictions(&config.predictions_path, Mode::Cascade, CatalogMode::PerDb).is_err(), "another mode");
}

#[tokio::test]
async fn any_gold_counts_and_numbers_compare_by_value() {
    let bench = Bench::new();
    let config = bench.config(Mode::Tiered, CatalogMode::PerDb, "gold.jsonl");
    let questions = [
        question("a", "shop", "How many orders?", &["SELECT count(*) FROM orders"]),
        question(
            "b",
            "music",
            "Names of the singers?",
            &["SELECT name FROM singer WHERE age > 100", "SELECT name FROM singer"],
        ),
    ];
    let small = scripted("small", &[plan(&["orders"]), plan(&["singer"])]);
    // 2.0 against the gold's 2; the names in another order than the table's (gold unordered).
    let large =
        scripted("large", &[sql("SELECT count(*) * 1.0 FROM orders"), sql("SELECT name FROM singer ORDER BY name")]);
    let run = bench.run(&config, &small, &large, &questions).await;
    assert_eq!(run.predictions.iter().map(|p| p.correct).collect::<Vec<_>>(), [Some(true), Some(true)]);
}

#[tokio::test]
async fn the_baseline_sees_the_whole_schema_and_repairs_alone() {
    let bench = Bench::new();
    let config = bench.config(Mode::LargeFullSchema, CatalogMode::PerDb, "baseline.jsonl");
    let small = scripted("small", &[]);
    let large = scripted(
        "large",
        &[sql("SELECT count(*) FROM customers"), sql("SELECT count(*) FROM customer WHERE country = 'France'")],
    );
    let run = bench.run(&config, &small, &large, &bench.questions[..1]).await;
    let prediction = &run.predictions[0];
    assert_eq!(prediction.correct, Some(true));
    assert_eq!((prediction.repairs.large, prediction.repairs.small), (1, 0));
    assert_eq!(prediction.ledger.large.n_calls, 2);
    assert!(small.requests().is_empty());
    assert!(large.requests()[0].messages[1].content.contains("orders"), "the whole schema, not a slice");
}

#[tokio::test]
async fn merged_catalog_routes_each_query_to_its_database() {
    let bench = Bench::new();
    let config = bench.config(Mode::Tiered, CatalogMode::Merged, "merged.jsonl");
    let small = scripted("small", &[plan(&["shop.customer"]), plan(&["music.singer"])]);
    let large = scripted(
        "large",
        &[
            sql("SELECT count(*) FROM shop.customer WHERE country = 'France'"),
            sql("SELECT s.name FROM music.singer AS s ORDER BY s.age"),
        ],
    );
    let run = bench.run(&config, &small, &large, &bench.questions).await;
    let verdicts: Vec<(Ending, Option<bool>)> = run.predictions.iter().map(|p| (p.ending, p.correct)).collect();
    assert_eq!(verdicts, [(Ending::Answered, Some(true)), (Ending::Answered, Some(true))], "{:?}", run.predictions);
    let prompt = &large.requests()[0].messages[1].content;
    assert!(prompt.contains("customer") && !prompt.contains("singer"), "plan-scoped: {prompt}");
    // The databases cannot be joined, so the planner too sees one database, though the whole
    // catalog would fit its budget.
    let planner_prompt = &small.requests()[0].messages[1].content;
    assert!(planner_prompt.contains("customer") && !planner_prompt.contains("singer"), "{planner_prompt}");
    let baseline_prompt = run.predictions[0].full_schema_prompt_tokens;
    assert!(baseline_prompt > 0, "the counterfactual covers the merged catalog");
}
