//! The PostgreSQL sandbox end to end on the real server: a schema per test.

use std::time::{Duration, Instant};

use tandem_core::{Catalog, Dialect, TableKind, TableName};
use tandem_exec::{ExecError, Executor, IntrospectOptions, Limits, PostgresConfig, PostgresExecutor, Value};

use crate::support::{pg_url, unavailable, unique, validated};

struct Schema {
    admin: tokio_postgres::Client,
    name: String,
}

impl Schema {
    #[expect(clippy::disallowed_methods, reason = "the fixture's connection task needs a runtime task")]
    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    async fn create() -> Option<Self> {
        let (admin, connection) = match tokio_postgres::connect(&pg_url(), tokio_postgres::NoTls).await {
            Ok(pair) => pair,
            Err(error) => {
                unavailable("PostgreSQL", &error);
                return None;
            }
        };
        tokio::spawn(connection);
        let name = unique("tandem_it");
        admin
            .batch_execute(&format!(
                "CREATE SCHEMA {name};
                 SET search_path = {name};
                 CREATE TABLE region (code text PRIMARY KEY, label text NOT NULL);
                 COMMENT ON TABLE region IS 'Sales regions';
                 COMMENT ON COLUMN region.code IS 'Short code';
                 CREATE TABLE orders (
                   region text NOT NULL REFERENCES region(code),
                   order_no int NOT NULL,
                   amount numeric(10, 2),
                   placed date,
                   PRIMARY KEY (region, order_no));
                 CREATE TABLE order_note (
                   note_id serial PRIMARY KEY, region text, order_no int, body text,
                   FOREIGN KEY (region, order_no) REFERENCES orders(region, order_no));
                 CREATE VIEW region_totals AS SELECT region, sum(amount) AS total FROM orders GROUP BY region;
                 INSERT INTO region VALUES ('EU', 'Europe'), ('NA', 'North America');
                 INSERT INTO orders SELECT CASE WHEN g % 3 = 0 THEN 'NA' ELSE 'EU' END, g, g * 1.25, date '2024-01-01' + g
                   FROM generate_series(1, 300) g;
                 ANALYZE region; ANALYZE orders; ANALYZE order_note;"
            ))
            .await
            .unwrap();
        Some(Self { admin, name })
    }

    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    async fn executor(&self) -> PostgresExecutor {
        let config = PostgresConfig { search_path: Some(self.name.clone()), ..PostgresConfig::new(pg_url()) };
        PostgresExecutor::connect(&config).await.unwrap()
    }

    fn options(&self) -> IntrospectOptions {
        IntrospectOptions { schemas: vec![self.name.clone()], ..IntrospectOptions::default() }
    }

    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    async fn drop(self) {
        self.admin.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name)).await.unwrap();
    }
}

#[tokio::test]
async fn introspects_keys_comments_views_estimates_and_samples() {
    let Some(schema) = Schema::create().await else { return };
    let executor = schema.executor().await;
    let catalog: Catalog = executor.introspect(&schema.options()).await.unwrap();
    let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(names, ["order_note", "orders", "region", "region_totals"]);
    assert!(catalog.tables.iter().all(|t| t.name.schema.as_deref() == Some(schema.name.as_str())));

    let orders = catalog.table(None, "orders").unwrap();
    assert_eq!(orders.primary_key, ["region", "order_no"]);
    assert_eq!(orders.row_estimate, Some(300));
    let types: Vec<&str> = orders.columns.iter().map(|c| c.data_type.as_str()).collect();
    assert_eq!(types, ["text", "integer", "numeric(10,2)", "date"]);
    assert!(!orders.columns[0].nullable && orders.columns[2].nullable);
    assert_eq!(orders.column("region").unwrap().samples, ["EU", "NA"], "low cardinality keeps every value");
    assert_eq!(orders.column("amount").unwrap().samples.len(), 3);

    let note = catalog.table(None, "order_note").unwrap();
    assert_eq!(note.foreign_keys.len(), 1);
    assert_eq!(note.foreign_keys[0].columns, ["region", "order_no"]);
    assert_eq!(note.foreign_keys[0].referenced_columns, ["region", "order_no"]);
    assert_eq!(note.foreign_keys[0].referenced_table, TableName::qualified(schema.name.clone(), "orders"));
    assert_eq!(note.row_estimate, Some(0));

    let region = catalog.table(None, "region").unwrap();
    assert_eq!(region.comment.as_deref(), Some("Sales regions"));
    assert_eq!(region.column("code").unwrap().comment.as_deref(), Some("Short code"));
    let view = catalog.table(None, "region_totals").unwrap();
    assert_eq!((view.kind, view.row_estimate), (TableKind::View, None));

    assert_eq!(executor.introspect(&schema.options()).await.unwrap(), catalog, "introspection is deterministic");
    drop(executor);
    schema.drop().await;
}

#[tokio::test]
async fn runs_validated_sql_with_caps_and_time_limits() {
    let Some(schema) = Schema::create().await else { return };
    let executor = schema.executor().await;
    let catalog = executor.introspect(&schema.options()).await.unwrap();
    let sql = validated(
        "SELECT r.label, count(*) AS n, sum(o.amount) AS total, min(o.placed) AS first \
         FROM orders o JOIN region r ON r.code = o.region GROUP BY r.label ORDER BY r.label",
        Dialect::Postgres,
        &catalog,
    );
    let rows = executor.execute(&sql, &Limits::default()).await.unwrap();
    let types: Vec<&str> = rows.columns.iter().map(|c| c.type_name.as_str()).collect();
    assert_eq!(types, ["text", "int8", "numeric", "date"]);
    assert_eq!(
        rows.rows[0],
        vec![
            Value::Text("Europe".into()),
            Value::Int(200),
            Value::Text("37500.00".into()),
            Value::Text("2024-01-02".into()),
        ]
    );

    let all = validated("SELECT * FROM orders", Dialect::Postgres, &catalog);
    let capped = executor.execute(&all, &Limits { max_rows: 7, ..Limits::default() }).await.unwrap();
    assert_eq!((capped.rows.len(), capped.truncated), (7, true));

    let bomb =
        validated("SELECT count(*) FROM orders a, orders b, orders c, orders d, orders e", Dialect::Postgres, &catalog);
    let limits = Limits { timeout: Duration::from_millis(300), ..Limits::default() };
    let started = Instant::now();
    let result = executor.execute(&bomb, &limits).await;
    assert!(matches!(result, Err(ExecError::Timeout { .. })), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    drop(executor);
    schema.drop().await;
}

#[tokio::test]
async fn unreachable_servers_are_connection_errors() {
    let config = PostgresConfig {
        connect_timeout: Duration::from_millis(500),
        ..PostgresConfig::new("postgres://nobody@127.0.0.1:1/none")
    };
    let error = PostgresExecutor::connect(&config).await.unwrap_err();
    assert_eq!(error.code(), "db_connection");
    assert!(error.is_retryable());
    assert_eq!(error.repair_tier(), tandem_core::RepairTier::NotRetryable);
    let bad = PostgresExecutor::connect(&PostgresConfig::new("postgres://h:notaport/db")).await.unwrap_err();
    assert_eq!(bad.code(), "db_config");
}
