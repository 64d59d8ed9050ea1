//! Server URLs, unique names and skip-or-fail for the real-server tests.
//!
//! Servers come from `TANDEM_TEST_PG_URL` and `TANDEM_TEST_MYSQL_URL`. An unreachable server
//! skips the test with a printed reason, unless `TANDEM_REQUIRE_ALL` is set.

use std::sync::atomic::{AtomicUsize, Ordering};

use tandem_core::{Catalog, Dialect};
use tandem_sql::{Policy, ValidatedSql};

#[expect(clippy::disallowed_methods, reason = "tests read their server URLs from the environment")]
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub fn pg_url() -> String {
    env("TANDEM_TEST_PG_URL").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

pub fn mysql_url() -> String {
    env("TANDEM_TEST_MYSQL_URL").unwrap_or_else(|| "mysql://root@127.0.0.1:3306/test".to_owned())
}

/// A name no other test (or earlier run) uses.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Skips (printing why) or, under `TANDEM_REQUIRE_ALL`, fails.
#[expect(clippy::print_stderr, reason = "a skipped test says why")]
pub fn unavailable(engine: &str, error: &dyn std::fmt::Display) {
    assert!(env("TANDEM_REQUIRE_ALL").is_none(), "{engine} is required (TANDEM_REQUIRE_ALL) but unreachable: {error}");
    eprintln!("skipping: {engine} unreachable: {error}");
}

/// `url` with its database replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let (head, query) = match url.find('?') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    let base = match head[authority_start..].find('/') {
        Some(i) => &head[..authority_start + i],
        None => head,
    };
    format!("{base}/{database}{query}")
}

/// Validates `sql` the way the pipeline does; a rejection fails the test.
#[expect(clippy::panic, reason = "a test helper: failing loudly is the point")]
pub fn validated(sql: &str, dialect: Dialect, catalog: &Catalog) -> ValidatedSql {
    match tandem_sql::validate(sql, &Policy::new(dialect), catalog) {
        Ok(validated) => validated,
        Err(rejection) => panic!("validator rejected {sql}: {rejection:?}"),
    }
}
