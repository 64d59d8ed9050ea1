//! The accept corpus: every Spider dev gold query validates against its database's catalog,
//! and its printed form parses back to the same syntax tree.

use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use tandem_core::Dialect;
use tandem_sql::{Policy, validate};

use crate::spider;

/// Gold queries that are genuinely wrong against their schema, with the reason.
const KNOWN_INVALID: &[(&str, &str)] = &[];

#[test]
fn every_spider_dev_gold_query_validates() {
    let Some(dir) = spider::bench_dir() else { return };
    let catalogs = spider::catalogs(&dir).unwrap();
    let questions = spider::dev_questions(&dir).unwrap();
    let policy = Policy::new(Dialect::Sqlite);
    let mut failures = Vec::new();
    for question in &questions {
        let catalog = &catalogs[&question.db_id];
        if let Err(rejection) = validate(&question.query, &policy, catalog) {
            if !KNOWN_INVALID.iter().any(|(sql, _)| *sql == question.query) {
                failures.push(format!("[{}] {}\n    {rejection}", question.db_id, question.query));
            }
        }
    }
    let n_passed = questions.len() - failures.len() - KNOWN_INVALID.len();
    println!("Spider dev gold: {n_passed} of {} validate ({} known invalid)", questions.len(), KNOWN_INVALID.len());
    assert!(failures.is_empty(), "{} gold queries rejected:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn spider_dev_gold_queries_round_trip_through_the_printer() {
    let Some(dir) = spider::bench_dir() else { return };
    let mut failures = Vec::new();
    for question in spider::dev_questions(&dir).unwrap() {
        let first = Parser::parse_sql(&SQLiteDialect {}, &question.query).unwrap();
        let printed: Vec<String> = first.iter().map(ToString::to_string).collect();
        let second = Parser::parse_sql(&SQLiteDialect {}, &printed.join(";\n"));
        if second.as_ref() != Ok(&first) {
            failures.push(question.query);
        }
    }
    assert!(failures.is_empty(), "{} queries do not round-trip:\n{}", failures.len(), failures.join("\n"));
}
