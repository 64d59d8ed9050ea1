//! Failing closed: every relation in every clause meets the catalog, syntax the validator does
//! not check is refused, functions pass only by allowlist, and validation stays linear in the
//! input's length. The cases are written per class of escape, not copied from any corpus.

use std::time::{Duration, Instant};

use tandem_core::Dialect::{self, Mysql, Postgres, Sqlite};
use tandem_core::{Catalog, Column, Table, TableName};
use tandem_sql::{Policy, validate};

/// Lower-case names, so that every case reads the same on every engine.
fn catalog() -> Catalog {
    let table = |name: &str, columns: &[(&str, &str)]| {
        Table::new(TableName::new(name), columns.iter().map(|(c, t)| Column::new(*c, *t)).collect())
    };
    Catalog::new(vec![
        table("singer", &[("singer_id", "int"), ("name", "text"), ("country", "text"), ("age", "int")]),
        table("stadium", &[("stadium_id", "int"), ("name", "text"), ("capacity", "int")]),
        table("concert", &[("concert_id", "int"), ("stadium_id", "int"), ("held_on", "date")]),
    ])
}

const ALL: &[Dialect] = &[Sqlite, Postgres, Mysql];

/// (dialects, SQL, a code the rejection must include).
const ESCAPES: &[(&[Dialect], &str, &str)] = &[
    // `TABLE name` wherever a query body may stand.
    (&[Postgres], "TABLE pg_authid", "syntax_error"),
    (&[Postgres], "SELECT * FROM (TABLE pg_authid) AS t", "unknown_table"),
    (&[Postgres], "WITH x AS (TABLE pg_catalog.pg_authid) SELECT * FROM x", "unknown_table"),
    (&[Postgres], "SELECT name FROM singer UNION ALL TABLE pg_shadow", "unknown_table"),
    (&[Postgres], "SELECT * FROM singer CROSS JOIN LATERAL (TABLE pg_roles) AS r", "unknown_table"),
    (&[Postgres], "SELECT name FROM singer WHERE name IN (TABLE pg_user)", "unknown_table"),
    (&[Postgres], "SELECT * FROM (TABLE other_schema.canary) AS c", "unknown_table"),
    // Clauses resolution used to skip.
    (
        &[Postgres],
        "SELECT DISTINCT ON ((SELECT rolpassword FROM pg_authid LIMIT 1)::int) name FROM singer",
        "unknown_table",
    ),
    (&[Postgres], "SELECT DISTINCT ON (nmae) name FROM singer", "unknown_column"),
    (&[Postgres], "SELECT name FROM singer TABLESAMPLE SYSTEM ((SELECT count(*) FROM pg_authid))", "unknown_table"),
    (&[Postgres], "SELECT name FROM singer TABLESAMPLE BERNOULLI ((SELECT 1 FROM pg_shadow LIMIT 1))", "unknown_table"),
    (
        &[Mysql],
        "SELECT * FROM JSON_TABLE((SELECT authentication_string FROM mysql.user LIMIT 1), '$' COLUMNS (a TEXT PATH '$')) AS j",
        "unsupported_syntax",
    ),
    (
        &[Mysql],
        "SELECT j.a FROM singer, JSON_TABLE(singer.name, '$' COLUMNS (a INT PATH '$')) AS j",
        "unsupported_syntax",
    ),
    (
        &[Postgres],
        "SELECT * FROM XMLTABLE('/r' PASSING (SELECT rolpassword FROM pg_authid) COLUMNS a text PATH 'a') AS x",
        "unsupported_syntax",
    ),
    // Functions outside the allowlist, scalar and in FROM.
    (&[Postgres], "SELECT table_to_xml('pg_authid', true, true, '')", "denied_function"),
    (&[Postgres], "SELECT schema_to_xml('pg_catalog', true, true, '')", "denied_function"),
    (&[Postgres], "SELECT database_to_xml(true, true, '')", "denied_function"),
    (&[Postgres], "SELECT table_to_xml_and_xmlschema('singer', true, true, '')", "denied_function"),
    (&[Postgres], "SELECT * FROM ts_stat('SELECT to_tsvector(rolpassword) FROM pg_authid')", "denied_function"),
    (&[Postgres], "SELECT * FROM pg_show_all_settings()", "denied_function"),
    (&[Postgres], "SELECT * FROM pg_catalog.pg_stat_get_activity(NULL)", "denied_function"),
    (&[Postgres], "SELECT pg_stat_get_backend_activity(1)", "denied_function"),
    (&[Postgres], "SELECT * FROM pg_hba_file_rules()", "denied_function"),
    (&[Postgres], "SELECT * FROM pg_show_all_file_settings()", "denied_function"),
    (&[Postgres], "SELECT * FROM pg_config()", "denied_function"),
    (&[Postgres], "SELECT current_setting('data_directory')", "denied_function"),
    (&[Postgres], "SELECT brin_summarize_new_values('singer_brin')", "denied_function"),
    (&[Postgres], "SELECT gin_clean_pending_list('singer_gin')", "denied_function"),
    (&[Postgres], "SELECT name FROM singer WHERE public.leak(name)", "denied_function"),
    (&[Postgres], "SELECT name FROM singer ORDER BY version()", "denied_function"),
    (&[Mysql], "SELECT MASTER_GTID_WAIT('0-1-100', 60)", "denied_function"),
    (&[Mysql], "SELECT name FROM singer WHERE test.leak(name) = 1", "denied_function"),
    (&[Sqlite], "SELECT * FROM pragma_table_info('singer')", "denied_function"),
    (&[Sqlite], "SELECT name FROM pragma_database_list()", "denied_function"),
    (&[Sqlite], "SELECT * FROM dbstat", "unknown_table"),
    (&[Sqlite], "SELECT sql FROM sqlite_schema", "unknown_table"),
    (&[Sqlite], "SELECT sql FROM main.sqlite_master", "unknown_table"),
    (ALL, "SELECT name FROM singer WHERE age > (SELECT count(*) FROM information_schema.tables)", "unknown_table"),
    // Another database's table under a catalog table's name, where the catalog has no schemas.
    (&[Mysql], "SELECT name FROM other_db.singer", "unknown_table"),
    (&[Postgres], "SELECT name FROM other_schema.singer", "unknown_table"),
    (&[Sqlite], "SELECT name FROM attached.singer", "unknown_table"),
    // Variables beside an open relation.
    (&[Mysql], "SELECT @@datadir FROM (SELECT 1) AS t", "unsupported_syntax"),
    (&[Mysql], "SELECT x FROM (SELECT @@global.secure_file_priv AS x) AS t", "unsupported_syntax"),
    (&[Mysql], "SELECT @v := name FROM singer", "unsupported_syntax"),
    (&[Mysql], "SELECT t.a FROM (SELECT @v AS a) AS t", "unsupported_syntax"),
];

#[test]
fn every_escape_class_is_refused() {
    let mut failures = Vec::new();
    for (dialects, sql, code) in ESCAPES {
        for dialect in *dialects {
            match validate(sql, &Policy::new(*dialect), &catalog()) {
                Ok(valid) => failures.push(format!("{dialect}: accepted {sql}\n    as {}", valid.as_str())),
                Err(rejection) if !rejection.violations.iter().any(|v| v.code.as_str() == *code) => {
                    failures.push(format!("{dialect}: {sql}\n    expected {code}, got {rejection}"));
                }
                Err(_) => {}
            }
        }
    }
    assert!(failures.is_empty(), "{} escapes not refused:\n{}", failures.len(), failures.join("\n"));
}

/// One sample per construct (expression, FROM item and clause kinds of sqlparser's tree): what
/// the validator checks is accepted, anything else is `unsupported_syntax`. Together with the
/// exhaustive matches in the syntax pass, a construct cannot be trusted by omission.
const CONSTRUCTS: &[(Dialect, &str, bool)] = &[
    (Postgres, "SELECT singer_id, name, age FROM singer UNION TABLE stadium", true),
    (Postgres, "SELECT * FROM (TABLE singer) AS s", true),
    (Postgres, "SELECT DISTINCT ON (country) name FROM singer ORDER BY country, age", true),
    (Postgres, "SELECT name FROM singer TABLESAMPLE SYSTEM (10)", true),
    (
        Postgres,
        "SELECT s.name FROM singer AS s CROSS JOIN LATERAL (SELECT count(*) AS n FROM concert c WHERE c.stadium_id = s.name) AS k",
        true,
    ),
    (Postgres, "SELECT x FROM generate_series(1, 3) AS g(x)", true),
    (Postgres, "SELECT ARRAY[age, 1], name ILIKE 'a%', name ~ 'x', age IS DISTINCT FROM 3 FROM singer", true),
    (
        Postgres,
        "SELECT count(*) FILTER (WHERE age > 30), percentile_cont(0.5) WITHIN GROUP (ORDER BY age) FROM singer",
        true,
    ),
    (Postgres, "SELECT name FROM singer WHERE age = ANY (SELECT capacity FROM stadium)", true),
    (
        Postgres,
        "SELECT EXTRACT(YEAR FROM held_on), CAST(concert_id AS text), held_on AT TIME ZONE 'UTC' FROM concert",
        true,
    ),
    (Postgres, "SELECT country, count(*) FROM singer GROUP BY ROLLUP (country)", true),
    (Postgres, "SELECT pg_catalog.lower(name) FROM singer", true),
    (Mysql, "SELECT name FROM singer WHERE MATCH (name) AGAINST ('x')", true),
    (Mysql, "SELECT IF(age > 30, 'old', 'young'), DATE_FORMAT(NOW(), '%Y') FROM singer", true),
    (Sqlite, "SELECT value FROM singer, json_each(singer.name)", true),
    (
        Sqlite,
        "SELECT strftime('%Y', held_on), julianday('now') - julianday(held_on), iif(concert_id > 1, 1, 0) FROM concert",
        true,
    ),
    (Sqlite, "SELECT * FROM (VALUES (1, 2)) AS v", true),
    (Sqlite, "SELECT main.singer.name FROM main.singer", true),
    (Postgres, "SELECT 1 OPERATOR(pg_catalog.+) 1", false),
    (Postgres, "SELECT name FROM singer WHERE age = $1", false),
    (Mysql, "SELECT name FROM singer PARTITION (p0)", false),
    (Mysql, "SELECT SQL_CALC_FOUND_ROWS name FROM singer", false),
    (Mysql, "SELECT * FROM singer, JSON_TABLE('[1]', '$[*]' COLUMNS (a INT PATH '$')) AS j", false),
];

#[test]
fn each_construct_is_checked_or_refused() {
    let mut failures = Vec::new();
    for (dialect, sql, supported) in CONSTRUCTS {
        let outcome = validate(sql, &Policy::new(*dialect), &catalog());
        let ok = match (&outcome, supported) {
            (Ok(_), true) => true,
            (Err(rejection), false) => rejection.has(tandem_sql::ViolationCode::UnsupportedSyntax),
            _ => false,
        };
        if !ok {
            failures.push(format!("{dialect}: {sql}\n    expected supported={supported}, got {outcome:?}"));
        }
    }
    assert!(failures.is_empty(), "{} constructs misjudged:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn table_bodies_read_what_they_name() {
    let valid = validate("SELECT * FROM (TABLE singer) AS s", &Policy::new(Postgres), &catalog()).unwrap();
    assert_eq!(valid.tables(), [TableName::new("singer")]);
    let valid = validate("WITH c AS (SELECT * FROM concert) TABLE c", &Policy::new(Postgres), &catalog()).unwrap();
    assert_eq!(valid.tables(), [TableName::new("concert")], "a CTE of that name comes first");
}

/// Validation is linear in the input: the one-line shapes that used to take tens of seconds.
/// The bound is generous (the machine is shared); `tandem bench validate` measures the figure.
#[test]
fn long_one_line_inputs_validate_in_linear_time() {
    let chain = format!(
        "SELECT name FROM singer WHERE {} age = 0",
        "singer_id IN (SELECT stadium_id FROM stadium WHERE capacity > 1) OR ".repeat(200)
    );
    let list = format!(
        "SELECT name FROM singer WHERE age IN ({})",
        (0..12_000).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    );
    for (what, sql) in [("k=200 IN-subquery chain", chain), ("12,000-item IN list", list)] {
        for dialect in ALL {
            let started = Instant::now();
            let outcome = validate(&sql, &Policy::new(*dialect), &catalog());
            let elapsed = started.elapsed();
            println!("{dialect} {what} ({} bytes): {elapsed:?}", sql.len());
            assert!(outcome.is_ok(), "{dialect} {what}: {outcome:?}");
            assert!(elapsed < Duration::from_secs(1), "{dialect} {what} took {elapsed:?}");
        }
    }
}
