//! The gateway benchmark runs end to end on a small workload (figures are the command's job,
//! `tandem bench gateway`; this only checks that every question is answered and counted).

use std::time::Duration;

use tandem_server::bench::{GatewayBenchOptions, gateway};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_bench_answers_every_question() {
    let dir = tempfile::tempdir().unwrap();
    let options = GatewayBenchOptions { n_questions: 10, concurrency: 4, duration: Duration::from_millis(500) };
    let path = dir.path().join("bench.sqlite");
    tandem_exec::create_sqlite_from_script(&path, &tandem_server::bench::database_script()).unwrap();
    let database = tandem_exec::SqliteExecutor::open(&path, &tandem_exec::SqliteOptions::default()).unwrap();
    let report = gateway(&options, std::sync::Arc::new(database)).await.unwrap();
    eprintln!("{}", serde_json::to_string_pretty(&report).unwrap());
    assert_eq!(report.n_failed, 0);
    assert_eq!(report.n_questions, 10);
    assert!(report.questions_per_s > 0.0);
    assert!(report.overhead_per_question.p50_ms > 0.0);
    assert!(report.ask.p99_ms >= report.ask.p50_ms);
}
