//! A huge value never reaches the process: `SELECT repeat('x', 300000000)` through the
//! PostgreSQL sandbox raises peak RSS by at most 64 MB (the byte cap is 4 MB), because the
//! row is measured on the server and its value sent as NULL.
//!
//! Its own test binary, with one test, so nothing else running in the process moves the
//! peak it reads.

use tandem_core::{Catalog, Dialect};
use tandem_exec::{Executor, Limits, PostgresConfig, PostgresExecutor};
use tandem_sql::Policy;

#[expect(clippy::disallowed_methods, reason = "tests read their server URLs from the environment")]
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Peak resident set size (`VmHWM`) in kB.
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_300_mb_value_does_not_raise_peak_memory() {
    let url = env("TANDEM_TEST_PG_URL").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let executor = match PostgresExecutor::connect(&PostgresConfig::new(url)).await {
        Ok(executor) => executor,
        Err(error) => {
            assert!(env("TANDEM_REQUIRE_ALL").is_none(), "PostgreSQL is required but unreachable: {error}");
            eprintln!("skipping: PostgreSQL unreachable: {error}");
            return;
        }
    };
    let sql =
        tandem_sql::validate("SELECT repeat('x', 300000000)", &Policy::new(Dialect::Postgres), &Catalog::default())
            .unwrap_or_else(|rejection| panic!("the validator refused the statement: {rejection:?}"));
    let limits = Limits::default();
    assert_eq!(limits.max_bytes, 4 << 20);
    // Warm up the connection and the statement path with a small value, then start the
    // measurement from here: writing 5 to clear_refs resets the peak to the current RSS
    // (where the kernel allows it; otherwise the peak since start, smaller still, is the base).
    let small = tandem_sql::validate("SELECT repeat('x', 10)", &Policy::new(Dialect::Postgres), &Catalog::default())
        .unwrap_or_else(|rejection| panic!("the validator refused the statement: {rejection:?}"));
    assert_eq!(executor.execute(&small, &limits).await.unwrap().rows.len(), 1);
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = peak_rss_kb();
    let rows = executor.execute(&sql, &limits).await.unwrap();
    let grown_kb = peak_rss_kb().saturating_sub(before);
    assert!(rows.rows.is_empty() && rows.truncated, "the oversized row ends the result: {rows:?}");
    assert_eq!(rows.columns[0].name, "repeat");
    eprintln!("peak RSS grew by {grown_kb} kB for a 300 MB value under a 4 MB cap");
    assert!(grown_kb <= 64 << 10, "peak RSS grew by {grown_kb} kB");
}
