//! Real-server fixtures for unit tests that must reach below the validator (the raw guarded
//! paths are private, so these tests live in the crate).
//!
//! Servers come from `TANDEM_TEST_PG_URL` and `TANDEM_TEST_MYSQL_URL`. An unreachable server
//! skips the test with a printed reason, unless `TANDEM_REQUIRE_ALL` is set.

use std::sync::atomic::{AtomicUsize, Ordering};

#[expect(clippy::disallowed_methods, reason = "tests read their server URLs from the environment")]
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

pub(crate) fn pg_url() -> String {
    env("TANDEM_TEST_PG_URL").unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

pub(crate) fn mysql_url() -> String {
    env("TANDEM_TEST_MYSQL_URL").unwrap_or_else(|| "mysql://root@127.0.0.1:3306/test".to_owned())
}

/// A name no other test (or earlier run) uses.
pub(crate) fn unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn unavailable(engine: &str, error: &dyn std::fmt::Display) {
    assert!(env("TANDEM_REQUIRE_ALL").is_none(), "{engine} is required (TANDEM_REQUIRE_ALL) but unreachable: {error}");
    eprintln!("skipping: {engine} unreachable: {error}");
}

/// An administrative PostgreSQL connection for fixtures, or `None` to skip.
#[expect(clippy::disallowed_methods, reason = "the fixture's connection task needs a runtime task")]
pub(crate) async fn pg_admin() -> Option<tokio_postgres::Client> {
    match tokio_postgres::connect(&pg_url(), tokio_postgres::NoTls).await {
        Ok((client, connection)) => {
            tokio::spawn(connection);
            Some(client)
        }
        Err(error) => {
            unavailable("PostgreSQL", &error);
            None
        }
    }
}

/// An administrative MySQL connection for fixtures, or `None` to skip.
pub(crate) async fn mysql_admin() -> Option<mysql_async::Conn> {
    match mysql_async::Conn::from_url(mysql_url()).await {
        Ok(connection) => Some(connection),
        Err(error) => {
            unavailable("MySQL", &error);
            None
        }
    }
}

/// `url` with its database replaced by `database`.
pub(crate) fn with_database(url: &str, database: &str) -> String {
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

#[test]
fn database_replacement() {
    assert_eq!(with_database("mysql://root@h:3306/test", "x"), "mysql://root@h:3306/x");
    assert_eq!(with_database("mysql://root@h:3306", "x"), "mysql://root@h:3306/x");
    assert_eq!(with_database("mysql://root@h/test?a=1", "x"), "mysql://root@h/x?a=1");
}
