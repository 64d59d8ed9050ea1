//! The MySQL/MariaDB sandbox end to end on the real server: a database per test.

use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;
use tandem_core::{Dialect, TableKind, TableName};
use tandem_exec::{ExecError, Executor, IntrospectOptions, Limits, MysqlConfig, MysqlExecutor, Value};

use crate::support::{mysql_url, unavailable, unique, validated, with_database};

struct Database {
    admin: mysql_async::Conn,
    name: String,
}

impl Database {
    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    async fn create() -> Option<Self> {
        let mut admin = match mysql_async::Conn::from_url(mysql_url()).await {
            Ok(connection) => connection,
            Err(error) => {
                unavailable("MySQL", &error);
                return None;
            }
        };
        let name = unique("tandem_it");
        for statement in [
            format!("CREATE DATABASE {name}"),
            format!("USE {name}"),
            "CREATE TABLE region (code VARCHAR(8) PRIMARY KEY COMMENT 'Short code', label VARCHAR(40) NOT NULL) \
             ENGINE=InnoDB COMMENT='Sales regions'"
                .to_owned(),
            "CREATE TABLE orders (region VARCHAR(8) NOT NULL, order_no INT NOT NULL, amount DECIMAL(10,2), placed DATE, \
             PRIMARY KEY (region, order_no), FOREIGN KEY (region) REFERENCES region(code)) ENGINE=InnoDB"
                .to_owned(),
            "CREATE TABLE order_note (note_id INT AUTO_INCREMENT PRIMARY KEY, region VARCHAR(8), order_no INT, body TEXT, \
             FOREIGN KEY fk_order (region, order_no) REFERENCES orders(region, order_no)) ENGINE=InnoDB"
                .to_owned(),
            "CREATE VIEW region_totals AS SELECT region, SUM(amount) AS total FROM orders GROUP BY region".to_owned(),
            "INSERT INTO region VALUES ('EU', 'Europe'), ('NA', 'North America')".to_owned(),
            "INSERT INTO orders WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 300) \
             SELECT IF(i % 3 = 0, 'NA', 'EU'), i, i * 1.25, DATE '2024-01-01' + INTERVAL i DAY FROM g"
                .to_owned(),
            "ANALYZE TABLE region, orders, order_note".to_owned(),
        ] {
            admin.query_drop(statement).await.unwrap();
        }
        Some(Self { admin, name })
    }

    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    async fn executor(&self) -> MysqlExecutor {
        MysqlExecutor::connect(&MysqlConfig::new(with_database(&mysql_url(), &self.name))).await.unwrap()
    }

    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    async fn drop(mut self) {
        self.admin.query_drop(format!("DROP DATABASE {}", self.name)).await.unwrap();
    }
}

#[tokio::test]
async fn introspects_keys_comments_views_estimates_and_samples() {
    let Some(database) = Database::create().await else { return };
    let executor = database.executor().await;
    let catalog = executor.introspect(&IntrospectOptions::default()).await.unwrap();
    let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(names, ["order_note", "orders", "region", "region_totals"]);

    let orders = catalog.table(None, "orders").unwrap();
    assert_eq!(orders.primary_key, ["region", "order_no"]);
    assert!(orders.row_estimate.is_some());
    let types: Vec<&str> = orders.columns.iter().map(|c| c.data_type.as_str()).collect();
    assert_eq!(types, ["varchar(8)", "int(11)", "decimal(10,2)", "date"]);
    assert!(!orders.columns[0].nullable && orders.columns[2].nullable);
    assert_eq!(orders.column("region").unwrap().samples, ["EU", "NA"]);

    let note = catalog.table(None, "order_note").unwrap();
    assert_eq!(note.foreign_keys.len(), 1);
    assert_eq!(note.foreign_keys[0].columns, ["region", "order_no"]);
    assert_eq!(note.foreign_keys[0].referenced_columns, ["region", "order_no"]);
    assert_eq!(note.foreign_keys[0].referenced_table, TableName::qualified(database.name.clone(), "orders"));

    let region = catalog.table(None, "region").unwrap();
    assert_eq!(region.comment.as_deref(), Some("Sales regions"));
    assert_eq!(region.column("code").unwrap().comment.as_deref(), Some("Short code"));
    let view = catalog.table(None, "region_totals").unwrap();
    assert_eq!((view.kind, view.comment.as_deref()), (TableKind::View, None));

    let named =
        IntrospectOptions { schemas: vec![database.name.clone()], sampling: None, ..IntrospectOptions::default() };
    assert_eq!(executor.introspect(&named).await.unwrap().tables.len(), 4);
    database.drop().await;
}

#[tokio::test]
async fn runs_validated_sql_with_caps_and_time_limits() {
    let Some(database) = Database::create().await else { return };
    let executor = database.executor().await;
    let catalog = executor.introspect(&IntrospectOptions::default()).await.unwrap();
    let sql = validated(
        "SELECT r.label, COUNT(*) AS n, SUM(o.amount) AS total, MIN(o.placed) AS first \
         FROM orders o JOIN region r ON r.code = o.region GROUP BY r.label ORDER BY r.label",
        Dialect::Mysql,
        &catalog,
    );
    let rows = executor.execute(&sql, &Limits::default()).await.unwrap();
    assert_eq!(
        rows.rows[0],
        vec![
            Value::Text("Europe".into()),
            Value::Int(200),
            Value::Text("37500.00".into()),
            Value::Text("2024-01-02".into()),
        ]
    );

    let all = validated("SELECT * FROM orders", Dialect::Mysql, &catalog);
    let capped = executor.execute(&all, &Limits { max_rows: 7, ..Limits::default() }).await.unwrap();
    assert_eq!((capped.rows.len(), capped.truncated), (7, true));

    let bomb =
        validated("SELECT COUNT(*) FROM orders a, orders b, orders c, orders d, orders e", Dialect::Mysql, &catalog);
    let limits = Limits { timeout: Duration::from_millis(300), ..Limits::default() };
    let started = Instant::now();
    let result = executor.execute(&bomb, &limits).await;
    assert!(matches!(result, Err(ExecError::Timeout { .. })), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    database.drop().await;
}

#[tokio::test]
async fn unreachable_servers_are_connection_errors() {
    let config = MysqlConfig {
        connect_timeout: Duration::from_millis(500),
        ..MysqlConfig::new("mysql://nobody@127.0.0.1:1/none")
    };
    let error = MysqlExecutor::connect(&config).await.unwrap_err();
    assert_eq!(error.code(), "db_connection");
    assert!(error.is_retryable());
    let bad = MysqlExecutor::connect(&MysqlConfig::new("notaurl")).await.unwrap_err();
    assert_eq!(bad.code(), "db_config");
}
