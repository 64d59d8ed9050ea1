//! Validation cost must stay near linear in the input: long one-line queries, built here
//! rather than written into the corpus table, are accepted or rejected within a generous
//! bound. The bound is not a benchmark; it catches the regression where a one-line chain of
//! 200 `IN (SELECT …)` terms took close to a minute.

use std::time::{Duration, Instant};

use tandem_core::{Catalog, Column, Dialect, Table, TableName};
use tandem_sql::{Policy, validate};

/// Far above what any of these takes when validation is linear, far below the old cost.
const BOUND: Duration = Duration::from_secs(2);

fn catalog() -> Catalog {
    let int = |name: &str| Column::new(name, "integer");
    let text = |name: &str| Column::new(name, "text");
    Catalog::new(vec![
        Table::new(TableName::new("item"), vec![int("id"), text("name"), int("qty"), text("note")]),
        Table::new(TableName::new("secret"), vec![int("id"), text("token")]),
    ])
}

/// The long inputs, each on one line, with a label.
fn long_queries() -> Vec<(String, String)> {
    let in_chain: Vec<String> = (0..200).map(|k| format!("id IN (SELECT id FROM item WHERE qty = {k})")).collect();
    let exists_chain: Vec<String> =
        (0..200).map(|k| format!("EXISTS (SELECT 1 FROM secret s WHERE s.id = item.id + {k})")).collect();
    let in_list: Vec<String> = (0..12_000).map(|i| (i % 100).to_string()).collect();
    let text_list: Vec<String> = (0..8_000).map(|i| format!("'n{}'", i % 10)).collect();
    let or_chain: Vec<String> = (0..3_000).map(|i| format!("qty = {}", i % 100)).collect();
    let case_chain: String = (0..500).map(|i| format!(" WHEN qty = {i} THEN 'q{i}'")).collect();
    vec![
        ("200 `IN (SELECT …) OR` terms".to_owned(), format!("SELECT name FROM item WHERE {}", in_chain.join(" OR "))),
        (
            "200 `EXISTS (…) AND` terms".to_owned(),
            format!("SELECT name FROM item WHERE {}", exists_chain.join(" AND ")),
        ),
        ("a 12,000-item IN list".to_owned(), format!("SELECT name FROM item WHERE id IN ({})", in_list.join(", "))),
        ("an 8,000-string IN list".to_owned(), format!("SELECT id FROM item WHERE name IN ({})", text_list.join(","))),
        ("3,000 `= OR` terms".to_owned(), format!("SELECT name FROM item WHERE {}", or_chain.join(" OR "))),
        ("a 500-branch CASE".to_owned(), format!("SELECT CASE{case_chain} ELSE 'other' END AS q FROM item")),
    ]
}

/// Validates `sql` on a thread of its own, waiting at most `BOUND`: the verdict and the time,
/// or `None` when it had not finished (the thread is left to end with the test binary, so an
/// unbounded validation costs this test two seconds, not minutes).
fn timed(sql: &str, dialect: Dialect, catalog: &Catalog) -> Option<(String, Duration)> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let (sql, catalog) = (sql.to_owned(), catalog.clone());
    std::thread::spawn(move || {
        let started = Instant::now();
        let verdict = match validate(&sql, &Policy::new(dialect), &catalog) {
            Ok(_) => "accepted".to_owned(),
            Err(rejection) => {
                let codes: Vec<&str> = rejection.violations.iter().map(|v| v.code.as_str()).collect();
                format!("rejected {codes:?}")
            }
        };
        // The receiver is gone when the test stopped waiting; nothing is left to tell.
        let _ = sender.send((verdict, started.elapsed()));
    });
    receiver.recv_timeout(BOUND).ok()
}

#[test]
fn long_one_line_queries_validate_within_a_bound_on_every_dialect() {
    let catalog = catalog();
    let mut slow = Vec::new();
    for (label, sql) in long_queries() {
        assert!(!sql.contains('\n'), "{label} is not on one line");
        assert!(
            sql.len() < Policy::DEFAULT_MAX_SQL_BYTES,
            "{label} ({} bytes) would only test the length cap",
            sql.len()
        );
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            match timed(&sql, dialect, &catalog) {
                Some((verdict, elapsed)) => {
                    println!("{dialect} {label} ({} bytes): {verdict} in {elapsed:?}", sql.len())
                }
                None => {
                    println!("{dialect} {label} ({} bytes): not done after {BOUND:?}", sql.len());
                    slow.push(format!("{dialect} {label}"));
                    // Each abandoned validation keeps a core busy until the binary exits.
                    break;
                }
            }
        }
        if !slow.is_empty() {
            break;
        }
    }
    assert!(slow.is_empty(), "validation did not finish within {BOUND:?}: {}", slow.join(", "));
}
