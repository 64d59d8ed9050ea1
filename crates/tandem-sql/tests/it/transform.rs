//! The transform policy: accepted shapes per write kind, and the attacks (writing a source,
//! dropping another table, escaping the target by qualification, quoting or look-alike names,
//! stacked statements, writes hidden in CTEs) with the code each must produce per dialect.

use tandem_core::Dialect::{self, Mysql, Postgres, Sqlite};
use tandem_core::{Catalog, Column, RepairTier, Table, TableKind, TableName};
use tandem_sql::{
    Policy, Rejection, StepKind, TransformSpec, ValidatedTransform, ViolationCode, WriteKind, apply_fixes,
    validate_transform,
};

const ALL: &[Dialect] = &[Sqlite, Postgres, Mysql];

fn catalog() -> Catalog {
    let table = |name: &str, columns: &[&str]| {
        Table::new(TableName::new(name), columns.iter().map(|c| Column::new(*c, "int")).collect())
    };
    let mut summary = table("summary", &["day", "total"]);
    summary.primary_key = vec!["day".into()];
    let mut report = table("v_report", &["day", "total"]);
    report.kind = TableKind::View;
    Catalog::new(vec![
        table("orders", &["id", "customer_id", "amount", "day"]),
        table("customers", &["id", "name", "country"]),
        table("audit_log", &["id", "note"]),
        summary,
        report,
    ])
}

fn sources() -> Vec<TableName> {
    vec![TableName::new("orders"), TableName::new("customers")]
}

fn new_table(name: &str) -> TransformSpec {
    TransformSpec::new(TableName::new(name), WriteKind::CreateAsSelect, sources())
}

fn insert() -> TransformSpec {
    TransformSpec::new(TableName::new("summary"), WriteKind::InsertSelect, sources())
}

fn upsert() -> TransformSpec {
    TransformSpec::new(TableName::new("summary"), WriteKind::Upsert { key: vec!["day".into()] }, sources())
}

fn replace() -> TransformSpec {
    TransformSpec::new(TableName::new("summary"), WriteKind::Replace, sources()).exists(true)
}

fn new_view() -> TransformSpec {
    new_table("v_daily").view()
}

fn replace_view() -> TransformSpec {
    TransformSpec::new(TableName::new("v_report"), WriteKind::Replace, sources()).view().exists(true)
}

fn run(dialect: Dialect, spec: &TransformSpec, sql: &str) -> Result<ValidatedTransform, Rejection> {
    validate_transform(sql, spec, &Policy::new(dialect), &catalog())
}

const DAILY: &str = "SELECT day, SUM(amount) AS total FROM orders GROUP BY day";

#[test]
fn accepted_shapes_per_write_kind() {
    let upsert_sql = |dialect: Dialect| match dialect {
        Mysql => format!("INSERT INTO summary (day, total) {DAILY} ON DUPLICATE KEY UPDATE total = VALUES(total)"),
        // SQLite needs a WHERE before ON CONFLICT after a SELECT (its parser's ambiguity).
        _ => "INSERT INTO summary (day, total) SELECT day, SUM(amount) FROM orders WHERE true GROUP BY day \
              ON CONFLICT (day) DO UPDATE SET total = excluded.total"
            .to_owned(),
    };
    for dialect in ALL.iter().copied() {
        let cases: Vec<(TransformSpec, String, Vec<StepKind>)> = vec![
            (new_table("daily"), format!("CREATE TABLE daily AS {DAILY}"), vec![StepKind::CreateTableAs]),
            (
                new_table("daily"),
                format!(
                    "CREATE TABLE daily (day INT PRIMARY KEY, total INT);\nINSERT INTO daily (day, total) {DAILY};"
                ),
                vec![StepKind::CreateTable, StepKind::Insert],
            ),
            (insert(), format!("INSERT INTO summary (day, total) {DAILY}"), vec![StepKind::Insert]),
            (upsert(), upsert_sql(dialect), vec![StepKind::Upsert]),
            (
                replace(),
                format!("DROP TABLE summary; CREATE TABLE summary AS {DAILY}"),
                vec![StepKind::DropTarget, StepKind::CreateTableAs],
            ),
            (
                replace(),
                format!("DELETE FROM summary; INSERT INTO summary {DAILY}"),
                vec![StepKind::DeleteAll, StepKind::Insert],
            ),
            (new_view(), format!("CREATE VIEW v_daily AS {DAILY}"), vec![StepKind::CreateView]),
            (
                replace_view(),
                format!("DROP VIEW v_report; CREATE VIEW v_report AS {DAILY}"),
                vec![StepKind::DropTarget, StepKind::CreateView],
            ),
            // Reading the target while filling it (an incremental load).
            (
                insert(),
                "INSERT INTO summary SELECT o.day, SUM(o.amount) FROM orders o \
                 WHERE o.day NOT IN (SELECT s.day FROM summary s) GROUP BY o.day"
                    .to_owned(),
                vec![StepKind::Insert],
            ),
        ];
        for (spec, sql, kinds) in cases {
            match run(dialect, &spec, &sql) {
                Ok(valid) => {
                    let got: Vec<StepKind> = valid.steps().iter().map(|s| s.kind()).collect();
                    assert_eq!(got, kinds, "{dialect}: {sql}");
                    assert!(valid.warnings().is_empty(), "{dialect}: {sql}: {:?}", valid.warnings());
                    assert!(valid.reads().contains(&TableName::new("orders")), "{dialect}: {sql}");
                    assert_eq!(valid.catalog_version(), catalog().version());
                    // The printed statements are valid SQL for the dialect again.
                    let again = valid.statements().collect::<Vec<_>>().join(";\n");
                    assert!(run(dialect, &spec, &again).is_ok(), "{dialect}: reprint of {sql}: {again}");
                }
                Err(rejection) => panic!("{dialect}: rejected {sql}: {rejection}"),
            }
        }
    }
    let replace_or = format!("CREATE OR REPLACE VIEW v_report AS {DAILY}");
    for dialect in [Postgres, Mysql] {
        let kinds: Vec<StepKind> =
            run(dialect, &replace_view(), &replace_or).unwrap().steps().iter().map(|s| s.kind()).collect();
        assert_eq!(kinds, [StepKind::ReplaceView], "{dialect}");
    }
}

#[test]
fn qualified_and_mixed_case_targets() {
    let mart = TransformSpec::new(TableName::qualified("mart", "daily"), WriteKind::CreateAsSelect, sources());
    assert!(run(Postgres, &mart, &format!("CREATE TABLE mart.daily AS {DAILY}")).is_ok());
    // Unqualified, the search path decides where it lands: a fix writes it as declared.
    let rejection = run(Postgres, &mart, &format!("CREATE TABLE daily AS {DAILY}")).unwrap_err();
    assert_fixed_to(&rejection, &format!("CREATE TABLE daily AS {DAILY}"), "CREATE TABLE mart.daily AS");
    let mixed = new_table("Daily");
    let sql = format!("CREATE TABLE Daily AS {DAILY}");
    let rejection = run(Postgres, &mixed, &sql).unwrap_err();
    assert_fixed_to(&rejection, &sql, "CREATE TABLE \"Daily\" AS");
    assert!(run(Sqlite, &mixed, &sql).is_ok(), "SQLite folds ASCII case");
    assert!(run(Postgres, &new_table("daily"), &format!("CREATE TABLE DAILY AS {DAILY}")).is_ok());
}

fn assert_fixed_to(rejection: &Rejection, sql: &str, prefix: &str) {
    assert!(rejection.has(ViolationCode::TargetNotAsDeclared), "{rejection}");
    assert_eq!(rejection.repair_tier(), RepairTier::Rules, "{rejection}");
    let fixed = apply_fixes(sql, rejection.fixes()).unwrap();
    assert!(fixed.starts_with(prefix), "{fixed}");
}

/// (dialects, spec, SQL, the code it must produce). Every case is a policy violation: the
/// rejection must also be not retryable.
type Attack = (&'static [Dialect], fn() -> TransformSpec, &'static str, &'static str);

const ATTACKS: &[Attack] = &[
    // Writing a source, however it is reached.
    (ALL, insert, "INSERT INTO orders SELECT * FROM orders", "write_to_source"),
    (ALL, insert, "UPDATE orders SET amount = 0", "write_to_source"),
    (ALL, replace, "DELETE FROM orders; INSERT INTO summary SELECT day, amount FROM orders", "write_to_source"),
    (ALL, replace, "DELETE FROM summary; INSERT INTO customers SELECT * FROM customers", "write_to_source"),
    (&[Postgres, Mysql], insert, "TRUNCATE TABLE orders", "write_to_source"),
    (ALL, insert, "ALTER TABLE orders ADD COLUMN x INT", "write_to_source"),
    (&[Mysql], insert, "INSERT INTO `orders` SELECT * FROM orders", "write_to_source"),
    (&[Postgres], || new_table("daily"), "CREATE TABLE daily (x INT) INHERITS (orders)", "write_to_source"),
    // Writing any other table.
    (ALL, insert, "INSERT INTO audit_log SELECT id, 'x' FROM orders", "write_outside_target"),
    (
        ALL,
        || new_table("daily"),
        "CREATE TABLE daily AS SELECT 1 AS x; CREATE TABLE daily2 AS SELECT 1 AS x",
        "write_outside_target",
    ),
    // Dropping another table, or dropping when the plan does not say replace.
    (ALL, replace, "DROP TABLE customers; CREATE TABLE summary AS SELECT day FROM orders", "drop_not_allowed"),
    (ALL, replace, "DROP TABLE summary, orders; CREATE TABLE summary AS SELECT day FROM orders", "drop_not_allowed"),
    (
        ALL,
        || new_table("daily"),
        "DROP TABLE IF EXISTS daily; CREATE TABLE daily AS SELECT day FROM orders",
        "drop_not_allowed",
    ),
    (ALL, insert, "DROP TABLE summary", "drop_not_allowed"),
    (
        &[Postgres],
        replace,
        "DROP TABLE summary CASCADE; CREATE TABLE summary AS SELECT day FROM orders",
        "drop_not_allowed",
    ),
    (
        &[Postgres, Mysql],
        replace,
        "DROP SCHEMA public; CREATE TABLE summary AS SELECT day FROM orders",
        "drop_not_allowed",
    ),
    (ALL, replace, "DROP INDEX idx; CREATE TABLE summary AS SELECT day FROM orders", "drop_not_allowed"),
    // Escaping the target by qualification.
    (ALL, || new_table("daily"), "CREATE TABLE other.daily AS SELECT day FROM orders", "write_outside_target"),
    (&[Postgres], || new_table("daily"), "CREATE TABLE public.daily AS SELECT day FROM orders", "write_outside_target"),
    (&[Sqlite], || new_table("daily"), "CREATE TABLE temp.daily AS SELECT day FROM orders", "write_outside_target"),
    (
        &[Postgres],
        || new_table("daily"),
        "CREATE TABLE db.public.daily AS SELECT day FROM orders",
        "write_outside_target",
    ),
    // … by quoting.
    (
        &[Sqlite, Postgres],
        || new_table("daily"),
        "CREATE TABLE \"daily \" AS SELECT day FROM orders",
        "write_outside_target",
    ),
    (&[Mysql], || new_table("daily"), "CREATE TABLE `daily ` AS SELECT day FROM orders", "write_outside_target"),
    (&[Sqlite, Postgres], insert, "INSERT INTO \"orders\" SELECT * FROM orders", "write_to_source"),
    // … by look-alike names (Cyrillic a, zero-width space, full-width letters).
    (ALL, || new_table("daily"), "CREATE TABLE dаily AS SELECT day FROM orders", "write_outside_target"),
    (
        &[Sqlite, Postgres],
        || new_table("daily"),
        "CREATE TABLE \"dai\u{200B}ly\" AS SELECT day FROM orders",
        "write_outside_target",
    ),
    (
        &[Sqlite, Postgres],
        insert,
        "INSERT INTO \"ｓｕｍｍａｒｙ\" SELECT day, amount FROM orders",
        "write_outside_target",
    ),
    // Stacked statements.
    (ALL, || new_table("daily"), "CREATE TABLE daily AS SELECT day FROM orders; DROP TABLE orders", "drop_not_allowed"),
    (ALL, insert, "INSERT INTO summary SELECT day, amount FROM orders; DELETE FROM orders", "write_to_source"),
    (ALL, insert, "BEGIN; INSERT INTO summary SELECT day, amount FROM orders; COMMIT", "session_statement"),
    (
        &[Mysql],
        insert,
        "INSERT INTO summary SELECT day, amount FROM orders /*!50000 ; DROP TABLE orders */",
        "drop_not_allowed",
    ),
    // Writes hidden in CTEs.
    (
        &[Postgres],
        insert,
        "WITH d AS (DELETE FROM orders RETURNING day, amount) INSERT INTO summary SELECT day, amount FROM d",
        "write_to_source",
    ),
    (
        &[Postgres],
        insert,
        "INSERT INTO summary WITH d AS (DELETE FROM orders RETURNING day, amount) SELECT day, amount FROM d",
        "write_to_source",
    ),
    (
        &[Postgres],
        || new_table("daily"),
        "CREATE TABLE daily AS WITH u AS (UPDATE customers SET name = 'x' RETURNING id) SELECT id FROM u",
        "write_to_source",
    ),
    // Other DDL.
    (
        ALL,
        || new_table("daily"),
        "CREATE TABLE daily AS SELECT day FROM orders; CREATE INDEX i ON daily (day)",
        "ddl_statement",
    ),
    (&[Postgres, Mysql], insert, "GRANT ALL ON orders TO public", "ddl_statement"),
    (&[Postgres], insert, "CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql", "ddl_statement"),
    // The query denylist, anywhere.
    (&[Postgres], || new_table("daily"), "CREATE TABLE daily AS SELECT pg_sleep(10) AS x", "denied_function"),
    (
        &[Postgres],
        || new_table("daily"),
        "CREATE TABLE daily (id INT DEFAULT nextval('s')); INSERT INTO daily SELECT id FROM orders",
        "denied_function",
    ),
    (&[Sqlite], || new_table("daily"), "CREATE TABLE daily AS SELECT readfile('/etc/passwd') AS x", "denied_function"),
    (&[Mysql], insert, "INSERT INTO summary SELECT day, SLEEP(5) FROM orders", "denied_function"),
    (
        &[Postgres],
        upsert,
        "INSERT INTO summary SELECT day, amount FROM orders ON CONFLICT (day) DO UPDATE SET total = pg_sleep(1)",
        "denied_function",
    ),
    (&[Postgres], || new_table("daily"), "CREATE TABLE daily AS SELECT * FROM orders FOR UPDATE", "locking_clause"),
    // Declarations that contradict the catalog.
    (ALL, || new_table("summary"), "CREATE TABLE summary AS SELECT day FROM orders", "target_exists"),
    (ALL, || new_table("ordеrs"), "CREATE TABLE ordеrs AS SELECT day FROM orders", "invalid_transform_spec"),
];

#[test]
fn attacks_are_rejected_with_their_code_and_never_retried() {
    let mut failures = Vec::new();
    let mut n_cases = 0;
    for (dialects, spec, sql, code) in ATTACKS {
        for dialect in *dialects {
            n_cases += 1;
            match run(*dialect, &spec(), sql) {
                Ok(valid) => failures.push(format!("{dialect}: accepted {sql} as {valid}")),
                Err(rejection) => {
                    let codes: Vec<_> = rejection.violations.iter().map(|v| v.code.as_str()).collect();
                    if !codes.contains(code) || rejection.repair_tier() != RepairTier::NotRetryable {
                        failures.push(format!("{dialect}: {sql}\n    expected {code}, got {rejection}"));
                    }
                }
            }
        }
    }
    println!("transform attack corpus: {n_cases} cases");
    assert!(failures.is_empty(), "{} attack cases failed:\n{}", failures.len(), failures.join("\n"));
}

/// Mistakes a model can repair: (dialects, spec, SQL, code, tier).
#[test]
fn repairable_mistakes_route_to_the_models() {
    let cases: &[Attack] = &[
        (ALL, upsert, "INSERT INTO summary SELECT day, amount FROM orders", "transform_shape"),
        (
            &[Postgres, Sqlite],
            upsert,
            "INSERT INTO summary SELECT day, amount FROM orders WHERE true ON CONFLICT (total) DO NOTHING",
            "upsert_key_mismatch",
        ),
        (
            &[Postgres],
            upsert,
            "INSERT INTO summary SELECT day, amount FROM orders ON CONFLICT ON CONSTRAINT summary_pkey DO NOTHING",
            "upsert_key_mismatch",
        ),
        (&[Sqlite], upsert, "INSERT OR REPLACE INTO summary SELECT day, amount FROM orders", "transform_shape"),
        (&[Mysql], upsert, "REPLACE INTO summary SELECT day, amount FROM orders", "transform_shape"),
        (
            &[Postgres, Sqlite],
            insert,
            "INSERT INTO summary SELECT day, amount FROM orders WHERE true ON CONFLICT (day) DO NOTHING",
            "transform_shape",
        ),
        (ALL, || new_table("daily"), "INSERT INTO daily SELECT day FROM orders", "transform_shape"),
        // Harmless stacking is a shape mistake; stacking that writes elsewhere is an attack above.
        (ALL, insert, "INSERT INTO summary SELECT day, amount FROM orders; SELECT 1", "transform_shape"),
        (
            ALL,
            insert,
            "INSERT INTO summary SELECT day, amount FROM orders; INSERT INTO summary SELECT day, amount FROM orders",
            "transform_shape",
        ),
        (
            ALL,
            replace,
            "DELETE FROM summary; DELETE FROM summary; DELETE FROM summary; INSERT INTO summary SELECT day, amount FROM orders",
            "transform_shape",
        ),
        (ALL, || new_table("daily"), "SELECT day FROM orders", "transform_shape"),
        (
            ALL,
            replace,
            "DELETE FROM summary WHERE day = 1; INSERT INTO summary SELECT day, amount FROM orders",
            "transform_shape",
        ),
        (ALL, || new_table("daily"), "CREATE TABLE daily AS SELECT dya FROM orders", "unknown_column"),
        (ALL, insert, "INSERT INTO summary (day, totl) SELECT day, amount FROM orders", "unknown_column"),
        (ALL, || new_table("daily"), "CREATE TABLE daily AS SELECT day FROM ordrs", "unknown_table"),
        (ALL, || new_table("daily"), "CREATE TABLE daily AS SELECT day FROM", "syntax_error"),
        (ALL, replace_view, "DROP TABLE v_report; CREATE VIEW v_report AS SELECT day FROM orders", "transform_shape"),
    ];
    for (dialects, spec, sql, code) in cases {
        for dialect in *dialects {
            let rejection = run(*dialect, &spec(), sql).err().unwrap_or_else(|| panic!("{dialect}: accepted {sql}"));
            assert!(rejection.has(code_of(code)), "{dialect}: {sql}: expected {code}, got {rejection}");
            assert_ne!(rejection.repair_tier(), RepairTier::NotRetryable, "{dialect}: {sql}: {rejection}");
        }
    }
}

fn code_of(name: &str) -> ViolationCode {
    ViolationCode::ALL.into_iter().find(|c| c.as_str() == name).unwrap()
}

#[test]
fn mysql_upsert_key_must_be_the_primary_key() {
    let wrong =
        TransformSpec::new(TableName::new("summary"), WriteKind::Upsert { key: vec!["total".into()] }, sources());
    let sql = "INSERT INTO summary SELECT day, amount FROM orders ON DUPLICATE KEY UPDATE total = VALUES(total)";
    assert!(run(Mysql, &wrong, sql).unwrap_err().has(ViolationCode::UpsertKeyMismatch));
}

#[test]
fn reads_outside_the_sources_are_warnings() {
    let sql =
        "INSERT INTO summary SELECT o.day, COUNT(a.id) FROM orders o JOIN audit_log a ON a.id = o.id GROUP BY o.day";
    let valid = run(Postgres, &insert(), sql).unwrap();
    let codes: Vec<_> = valid.warnings().iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["table_outside_plan"]);
}

#[test]
fn retargeting_renames_the_target_only() {
    let spec = new_table("daily");
    let sql = format!("CREATE TABLE daily (day INT PRIMARY KEY, total INT); INSERT INTO daily (day, total) {DAILY}");
    let valid = run(Mysql, &spec, &sql).unwrap();
    let stage = TableName::new("tandem_stage");
    let staged: Vec<String> =
        valid.steps().iter().filter_map(|s| s.retargeted(valid.target(), &stage, true, Mysql)).collect();
    assert_eq!(staged[0], "CREATE TEMPORARY TABLE `tandem_stage` (day INT PRIMARY KEY, total INT)");
    assert!(staged[1].starts_with("INSERT INTO `tandem_stage` (day, total) SELECT"), "{}", staged[1]);
    assert!(staged[1].contains("FROM orders"), "{}", staged[1]);
    let view = run(Postgres, &new_view(), &format!("CREATE VIEW v_daily AS {DAILY}")).unwrap();
    let staged = view.steps()[0].retargeted(view.target(), &stage, true, Postgres).unwrap();
    assert!(staged.starts_with("CREATE TEMPORARY TABLE \"tandem_stage\" AS SELECT"), "{staged}");
}

#[test]
fn arbitrary_text_never_panics() {
    for sql in ["", ";", ";;;", "CREATE", "DROP TABLE", "INSERT INTO", "CREATE TABLE daily AS", "\u{0}", "'"] {
        for dialect in ALL {
            let _ = run(*dialect, &new_table("daily"), sql);
        }
    }
}

#[test]
fn steps_whose_printed_text_would_mean_something_else_are_refused() {
    // Printed as `'\' , pg_sleep(10) --'`, PostgreSQL would end the literal early and call
    // pg_sleep; the printed step must parse back to the checked one.
    let sql = r"CREATE TABLE daily AS SELECT day, '\'' , pg_sleep(10) --' AS note FROM orders";
    let rejection = run(Postgres, &new_table("daily"), sql).unwrap_err();
    assert!(rejection.has(ViolationCode::Unprintable), "{rejection}");
    assert!(
        run(Postgres, &new_table("daily"), "CREATE TABLE daily AS SELECT day, 'it''s' AS note FROM orders").is_ok()
    );
}
