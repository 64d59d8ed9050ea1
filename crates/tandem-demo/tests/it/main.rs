//! Integration tests: the generated script builds a sound SQLite database that answers its
//! own questions.

use std::collections::HashSet;

use rusqlite::Connection;
use tandem_demo::{COMMENTS_TABLE, DEFAULT_SEED, Warehouse, generate};

/// Runs a warehouse's script into a fresh in-memory database with foreign keys enforced;
/// the error names the failing statement.
fn load(warehouse: &Warehouse) -> Result<Connection, String> {
    let db = Connection::open_in_memory().map_err(|e| e.to_string())?;
    db.pragma_update(None, "foreign_keys", true).map_err(|e| e.to_string())?;
    db.execute_batch("BEGIN").map_err(|e| e.to_string())?;
    for (i, statement) in warehouse.statements.iter().enumerate() {
        db.execute_batch(statement).map_err(|e| {
            let head: String = statement.chars().take(300).collect();
            format!("statement {i} failed: {e}\n{head}")
        })?;
    }
    db.execute_batch("COMMIT").map_err(|e| e.to_string())?;
    Ok(db)
}

fn count(db: &Connection, sql: &str) -> rusqlite::Result<i64> {
    db.query_row(sql, [], |r| r.get(0))
}

#[test]
fn same_seed_same_output_other_seed_other_data() {
    let a = generate(7);
    let b = generate(7);
    assert_eq!(a, b);
    let c = generate(8);
    assert_ne!(a.statements, c.statements);
    let names = |w: &Warehouse| w.tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&c), "the schema does not depend on the seed");
    assert_eq!(a.questions, c.questions);
}

#[test]
fn script_loads_with_foreign_keys_enforced() {
    let warehouse = generate(DEFAULT_SEED);
    let db = load(&warehouse).unwrap();
    let mut check = db.prepare("PRAGMA foreign_key_check").expect("prepare");
    let violations: Vec<String> = check
        .query_map([], |r| {
            Ok(format!(
                "{} row {:?} -> {}",
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?
            ))
        })
        .expect("query")
        .map(|r| r.expect("row"))
        .take(10)
        .collect();
    assert!(violations.is_empty(), "{violations:#?}");

    let n_tables = count(&db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").unwrap();
    assert_eq!(usize::try_from(n_tables).unwrap(), warehouse.tables.len() + 1, "tables plus the comments table");
    assert!((450..=600).contains(&warehouse.tables.len()), "{} tables", warehouse.tables.len());

    for t in &warehouse.tables {
        let rows = count(&db, &format!("SELECT COUNT(*) FROM {}", t.name)).unwrap();
        assert_eq!(usize::try_from(rows).unwrap(), t.n_rows, "{}", t.name);
    }
    let comments = count(&db, &format!("SELECT COUNT(*) FROM {COMMENTS_TABLE} WHERE column_name IS NULL")).unwrap();
    assert_eq!(usize::try_from(comments).unwrap(), warehouse.tables.len());
}

#[test]
fn core_tables_have_coherent_data() {
    let warehouse = generate(DEFAULT_SEED);
    let db = load(&warehouse).unwrap();
    for (table, at_least) in [
        ("crm_customer", 200),
        ("prd_product", 50),
        ("sales_order", 1900),
        ("sales_order_line", 3000),
        ("hr_employee", 150),
        ("hr_department", 10),
        ("geo_country", 20),
        ("geo_region", 5),
        ("ship_shipment", 1500),
        ("fin_invoice", 1500),
        ("fin_payment", 1000),
        ("sup_ticket", 800),
        ("pay_payslip", 1500),
        ("crm_opportunity", 300),
        ("proj_timesheet_entry", 500),
    ] {
        let n = count(&db, &format!("SELECT COUNT(*) FROM {table}")).unwrap();
        assert!(n >= at_least, "{table} has {n} rows, expected at least {at_least}");
    }
    // Order totals equal their lines less the promotion discount plus tax.
    let mismatched = count(
        &db,
        "SELECT COUNT(*) FROM sales_order o WHERE ABS(o.subtotal_amount - \
         (SELECT SUM(l.line_amount) FROM sales_order_line l WHERE l.order_id = o.order_id)) > 0.01 \
         OR ABS(o.total_amount - (o.subtotal_amount - o.discount_amount + o.tax_amount)) > 0.01",
    )
    .unwrap();
    assert_eq!(mismatched, 0);
    // Every shipped order has exactly one shipment and one invoice of the same amount.
    let unshipped = count(
        &db,
        "SELECT COUNT(*) FROM sales_order o WHERE o.order_status IN ('Shipped', 'Delivered', 'Returned') \
         AND (SELECT COUNT(*) FROM ship_shipment s WHERE s.order_id = o.order_id) <> 1",
    )
    .unwrap();
    assert_eq!(unshipped, 0);
    let wrong_invoice = count(
        &db,
        "SELECT COUNT(*) FROM fin_invoice i JOIN sales_order o ON o.order_id = i.order_id \
         WHERE ABS(i.invoice_amount - o.total_amount) > 0.01 OR i.customer_id <> o.customer_id",
    )
    .unwrap();
    assert_eq!(wrong_invoice, 0);
    let before_hire = count(&db,
        "SELECT COUNT(*) FROM sales_order o JOIN hr_employee e ON e.employee_id = o.sales_rep_id WHERE o.order_date < e.hire_date",
    ).unwrap();
    assert_eq!(before_hire, 0, "orders are credited only to reps employed at the time");
}

#[test]
fn comments_are_documented_and_stored() {
    let warehouse = generate(DEFAULT_SEED);
    let order = warehouse.table("sales_order").expect("sales_order");
    assert!(order.comment.contains("order"));
    let customer = order.columns.iter().find(|c| c.name == "customer_id").expect("customer_id");
    assert_eq!(customer.references, Some(("crm_customer".to_owned(), "customer_id".to_owned())));
    assert!(!customer.comment.is_empty());
    let db = load(&warehouse).unwrap();
    let ddl: String =
        db.query_row("SELECT sql FROM sqlite_master WHERE name = 'sales_order'", [], |r| r.get(0)).expect("ddl");
    assert!(ddl.contains("-- Customer who placed the order."), "{ddl}");
    let stored: String = db
        .query_row(
            &format!(
                "SELECT comment FROM {COMMENTS_TABLE} WHERE table_name = 'sales_order' AND column_name = 'customer_id'"
            ),
            [],
            |r| r.get(0),
        )
        .expect("comment");
    assert_eq!(stored, customer.comment);
}

#[test]
fn questions_name_existing_tables() {
    let warehouse = generate(DEFAULT_SEED);
    assert!(warehouse.questions.len() >= 30, "{} questions", warehouse.questions.len());
    let tables: HashSet<&str> = warehouse.tables.iter().map(|t| t.name.as_str()).collect();
    let mut ids = HashSet::new();
    for q in &warehouse.questions {
        assert!(ids.insert(q.id.as_str()), "duplicate id {}", q.id);
        assert!(!q.tables.is_empty(), "{}", q.id);
        let words: HashSet<String> =
            q.gold_sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map(str::to_lowercase).collect();
        for t in &q.tables {
            assert!(tables.contains(t.as_str()), "{}: unknown table {t}", q.id);
            assert!(words.contains(t.as_str()), "{}: {t} listed but not used", q.id);
        }
        for word in &words {
            if tables.contains(word.as_str()) {
                assert!(q.tables.contains(word), "{}: uses {word} but does not list it", q.id);
            }
        }
    }
}

/// Every gold query runs and returns rows, for several seeds.
#[test]
fn gold_queries_answer_for_several_seeds() {
    for seed in [DEFAULT_SEED, 1, 2, 3, 4, 5] {
        let warehouse = generate(seed);
        let db = load(&warehouse).unwrap();
        for q in &warehouse.questions {
            let mut statement = db.prepare(&q.gold_sql).unwrap_or_else(|e| panic!("{}: {e}\n{}", q.id, q.gold_sql));
            let n_columns = statement.column_count();
            let rows: Vec<Vec<rusqlite::types::Value>> = statement
                .query_map([], |r| (0..n_columns).map(|i| r.get(i)).collect())
                .unwrap_or_else(|e| panic!("{}: {e}", q.id))
                .map(|r| r.expect("row"))
                .collect();
            assert!(!rows.is_empty(), "seed {seed}, {}: no rows\n{}", q.id, q.gold_sql);
            // A single aggregate must not be NULL or zero: the question has a real answer.
            if let [only] = rows.as_slice()
                && let [value] = only.as_slice()
            {
                let trivial = matches!(value, rusqlite::types::Value::Null)
                    || matches!(value, rusqlite::types::Value::Integer(0))
                    || matches!(value, rusqlite::types::Value::Real(r) if *r == 0.0);
                assert!(!trivial, "seed {seed}, {}: trivial answer {value:?}", q.id);
            }
        }
    }
}

#[test]
fn warehouse_has_enterprise_scale() {
    let warehouse = generate(DEFAULT_SEED);
    let populated = warehouse.tables.iter().filter(|t| t.n_rows > 0).count();
    assert!(populated >= 80, "{populated} tables hold rows");
    assert!(warehouse.n_rows() >= 20_000, "{} rows", warehouse.n_rows());
    let customer_tables = warehouse.tables.iter().filter(|t| t.name.contains("customer")).count();
    assert!(customer_tables >= 10, "retrieval needs distractors that share vocabulary");
    let started = std::time::Instant::now();
    let _ = generate(DEFAULT_SEED + 1);
    eprintln!(
        "{} tables ({populated} with rows), {} rows, {} statements, {} questions; generated in {:?} (debug)",
        warehouse.tables.len(),
        warehouse.n_rows(),
        warehouse.statements.len(),
        warehouse.questions.len(),
        started.elapsed()
    );
}
