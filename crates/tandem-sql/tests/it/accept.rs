//! The accept corpus: every Spider dev gold query validates against its database's catalog,
//! and its printed form parses back to the same syntax tree.

use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use tandem_core::Dialect;
use tandem_sql::{Policy, validate};

use crate::spider;

/// Dev gold queries that are genuinely wrong against their schema, with the reason. None.
const KNOWN_INVALID: &[(&str, &str)] = &[];

/// Train gold queries that SQLite itself refuses (they are among the 99 that do not execute).
const KNOWN_INVALID_TRAIN: &[(&str, &str)] = &[
    (
        "SELECT T1.company_name FROM Third_Party_Companies AS T1 JOIN Maintenance_Contracts AS T2 ON T1.company_id  =  T2.maintenance_contract_company_id JOIN Ref_Company_Types AS T3 ON T1.company_type_code  =  T3.company_type_code ORDER BY T2.contract_end_date DESC LIMIT 1",
        "assets_maintenance has no table Ref_Company_Types (SQLite: no such table)",
    ),
    (
        "SELECT document_name FROM documents GROUP BY document_type_code ORDER BY count(*) DESC LIMIT 3 INTERSECT SELECT document_name FROM documents GROUP BY document_structure_code ORDER BY count(*) DESC LIMIT 3",
        "ORDER BY/LIMIT before INTERSECT is a syntax error (SQLite: ORDER BY clause should come after INTERSECT)",
    ),
];

#[test]
fn every_spider_dev_gold_query_validates() {
    let Some(dir) = spider::bench_dir() else { return };
    let catalogs = spider::catalogs(&dir).unwrap();
    let questions = spider::dev_questions(&dir).unwrap();
    let policy = Policy::new(Dialect::Sqlite);
    let mut failures = Vec::new();
    for question in &questions {
        let catalog = &catalogs[&question.db_id];
        match validate(&question.query, &policy, catalog) {
            // The normalised text is a fixpoint: it validates to itself.
            Ok(valid) => match validate(valid.as_str(), &policy, catalog) {
                Ok(again) if again.as_str() == valid.as_str() => {}
                other => {
                    failures.push(format!("not a fixpoint: {} => {} => {other:?}", question.query, valid.as_str()))
                }
            },
            Err(rejection) if !KNOWN_INVALID.iter().any(|(sql, _)| *sql == question.query) => {
                failures.push(format!("[{}] {}\n    {rejection}", question.db_id, question.query));
            }
            Err(_) => {}
        }
    }
    let n_passed = questions.len() - failures.len() - KNOWN_INVALID.len();
    println!("Spider dev gold: {n_passed} of {} validate ({} known invalid)", questions.len(), KNOWN_INVALID.len());
    assert!(failures.is_empty(), "{} gold queries rejected:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn spider_train_gold_queries_validate() {
    let Some(dir) = spider::bench_dir() else { return };
    let catalogs = spider::catalogs(&dir).unwrap();
    let text = std::fs::read_to_string(dir.join("train_gold.sql")).unwrap();
    let policy = Policy::new(Dialect::Sqlite);
    let mut failures = Vec::new();
    let mut n_total = 0;
    let mut n_passed = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Some((sql, db_id)) = line.rsplit_once('\t') else { continue };
        n_total += 1;
        let result = validate(sql, &policy, &catalogs[db_id.trim()]);
        let known = KNOWN_INVALID_TRAIN.iter().any(|(known, _)| *known == sql);
        match result {
            Err(rejection) if !known => failures.push(format!("[{db_id}] {sql}\n    {rejection}")),
            Ok(_) if known => failures.push(format!("[{db_id}] known invalid but accepted: {sql}")),
            _ => n_passed += 1,
        }
    }
    println!("Spider train gold: {n_passed} of {n_total} as expected (known invalid: {})", KNOWN_INVALID_TRAIN.len());
    assert!(failures.is_empty(), "{} unexpected outcomes:\n{}", failures.len(), failures.join("\n"));
}

/// The executor runs the normalised text, so it must mean what the model wrote: on every dev
/// database that is present, it returns the same rows as the gold SQL.
#[test]
fn normalised_dev_gold_queries_return_the_same_rows() {
    let Some(dir) = spider::bench_dir() else { return };
    let catalogs = spider::catalogs(&dir).unwrap();
    // A cap above any dev result, so that capping does not change the rows compared.
    let policy = Policy::new(Dialect::Sqlite).with_max_rows(1_000_000);
    let mut failures = Vec::new();
    let mut n_compared = 0;
    for question in spider::dev_questions(&dir).unwrap() {
        let path = dir.join("database").join(&question.db_id).join(format!("{}.sqlite", question.db_id));
        if !path.is_file() {
            continue;
        }
        let valid = validate(&question.query, &policy, &catalogs[&question.db_id]).unwrap();
        let connection =
            rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let gold = rows(&connection, &question.query);
        let normalised = rows(&connection, valid.as_str());
        n_compared += 1;
        if gold != normalised {
            failures.push(format!("{}\n => {}\n    {gold:?}\n vs {normalised:?}", question.query, valid.as_str()));
        }
    }
    println!("Spider dev gold: {n_compared} normalised queries return the gold rows");
    assert!(n_compared > 900, "only {n_compared} dev databases found");
    assert!(failures.is_empty(), "{} queries changed meaning:\n{}", failures.len(), failures.join("\n"));
}

/// The result as a sorted multiset of rendered rows (order is compared only through the
/// text being the same query).
fn rows(connection: &rusqlite::Connection, sql: &str) -> Result<Vec<String>, String> {
    let mut statement = connection.prepare(sql).map_err(|e| e.to_string())?;
    let n_columns = statement.column_count();
    let mut rows: Vec<String> = statement
        .query_map([], |row| {
            let values: Vec<String> = (0..n_columns)
                .map(|i| row.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                .collect::<Result<_, _>>()?;
            Ok(values.join("|"))
        })
        .map_err(|e| e.to_string())?
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    rows.sort_unstable();
    Ok(rows)
}

#[test]
fn spider_gold_queries_round_trip_through_the_printer() {
    let Some(dir) = spider::bench_dir() else { return };
    let train = std::fs::read_to_string(dir.join("train_gold.sql")).unwrap();
    let train_queries = train.lines().filter_map(|l| l.rsplit_once('\t')).map(|(sql, _)| sql.to_owned());
    let queries: Vec<String> =
        spider::dev_questions(&dir).unwrap().into_iter().map(|q| q.query).chain(train_queries).collect();
    let mut failures = Vec::new();
    let mut n_parsed = 0;
    for query in &queries {
        // A few train queries do not parse at all (see KNOWN_INVALID_TRAIN); nothing to print.
        let Ok(first) = Parser::parse_sql(&SQLiteDialect {}, query) else { continue };
        n_parsed += 1;
        let printed: Vec<String> = first.iter().map(ToString::to_string).collect();
        let second = Parser::parse_sql(&SQLiteDialect {}, &printed.join(";\n"));
        if second.as_ref() != Ok(&first) {
            failures.push(query.clone());
        }
    }
    println!("round trip: {n_parsed} Spider gold queries print and re-parse to the same syntax tree");
    assert!(n_parsed > 9_600, "only {n_parsed} parsed");
    assert!(failures.is_empty(), "{} queries do not round-trip:\n{}", failures.len(), failures.join("\n"));
}
