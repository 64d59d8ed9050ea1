//! A small shop database (customers, orders, products) plus a canary table that no
//! large-model prompt may ever contain, and a pipeline wired to scripted models.

use std::path::Path;
use std::sync::Arc;

use tandem_agent::{AgentConfig, ConfirmPolicy, Deps, Pipeline, PlanCache};
use tandem_exec::{Executor, IntrospectOptions, SqliteExecutor, SqliteOptions, create_sqlite_from_script};
use tandem_llm::testing::ScriptedModel;
use tandem_retrieval::{IndexOptions, Retriever};

pub const CANARY: &str = "canary_payroll";

pub const PLAN: &str = r#"{"version": 1, "tables": ["customer", "orders"],
 "columns": [{"table": "customer", "column": "name"}],
 "filters": [{"column": {"table": "customer", "column": "country"}, "op": "eq", "value": "France"}],
 "group_by": [{"table": "customer", "column": "name"}],
 "measures": [{"aggregate": "sum", "column": {"table": "orders", "column": "amount"}, "alias": "total"}],
 "order_by": [{"expr": "customer.name"}],
 "complexity": "simple"}"#;

pub const GOOD_SQL: &str = "SELECT c.name, SUM(o.amount) AS total FROM customer AS c JOIN orders AS o ON o.customer_id = c.id WHERE c.country = 'France' GROUP BY c.name ORDER BY c.name";

pub const QUESTION: &str = "What is the total order amount per customer in France?";

pub fn sql(text: &str) -> String {
    serde_json::json!({ "sql": text }).to_string()
}

pub struct Shop {
    pub small: Arc<ScriptedModel>,
    pub large: Arc<ScriptedModel>,
    pub pipeline: Pipeline,
    pub cache: Arc<PlanCache>,
    /// Holds the database file for the shop's lifetime.
    pub _dir: tempfile::TempDir,
}

fn script(extra: &str) -> Vec<String> {
    let mut statements: Vec<String> = [
        "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL)",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(id), amount REAL NOT NULL, status TEXT NOT NULL)",
        "CREATE TABLE product (id INTEGER PRIMARY KEY, title TEXT NOT NULL, price REAL NOT NULL)",
        "CREATE TABLE canary_payroll (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(id), salary REAL)",
        "INSERT INTO customer VALUES (1, 'Amélie', 'France'), (2, 'Bruno', 'France'), (3, 'Carla', 'Italy')",
        "INSERT INTO orders VALUES (1, 1, 10.5, 'paid'), (2, 1, 4.5, 'paid'), (3, 2, 7.0, 'open'), (4, 3, 99.0, 'paid')",
        "INSERT INTO product VALUES (1, 'lamp', 20.0)",
        "INSERT INTO canary_payroll VALUES (1, 1, 5000.0)",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    if !extra.is_empty() {
        statements.push(extra.to_owned());
    }
    statements
}

impl Shop {
    pub async fn new(confirm: ConfirmPolicy) -> Self {
        Self::with(AgentConfig { confirm, ..AgentConfig::default() }, Arc::new(PlanCache::default()), "").await
    }

    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    /// A shop with `config`, sharing `cache`; `extra` is one more DDL statement (a changed
    /// catalog for the cache-invalidation test).
    pub async fn with(config: AgentConfig, cache: Arc<PlanCache>, extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.sqlite");
        create_sqlite_from_script(&path, &script(extra)).unwrap();
        let executor = open(&path);
        let catalog = Arc::new(executor.introspect(&IntrospectOptions::default()).await.unwrap());
        let index = Retriever::new(IndexOptions::default()).index(&catalog);
        let small = Arc::new(ScriptedModel::new("small"));
        let large = Arc::new(ScriptedModel::new("large"));
        let deps = Deps {
            small: small.clone(),
            large: large.clone(),
            executor: Arc::new(executor),
            index,
            cache: cache.clone(),
        };
        Self { small, large, pipeline: Pipeline::new(deps, config), cache, _dir: dir }
    }

    /// A shop whose pipeline may write tables: transforms preview on a copy of the file and
    /// apply to it on approval.
    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    pub async fn transforming(confirm: ConfirmPolicy) -> Self {
        let mut shop = Self::new(confirm).await;
        let transformer =
            tandem_exec::SqliteTransformer::open(shop.path(), tandem_exec::TransformOptions::default()).unwrap();
        shop.pipeline = shop.pipeline.clone().with_transformer(Arc::new(transformer));
        shop
    }

    /// The shop's database file.
    pub fn path(&self) -> std::path::PathBuf {
        self._dir.path().join("shop.sqlite")
    }

    /// Rows of `query` on the database as it is now (a fresh catalog, so new tables resolve).
    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    pub async fn query(&self, query: &str) -> Vec<Vec<tandem_exec::Value>> {
        let executor = open(&self.path());
        let catalog = executor.introspect(&IntrospectOptions::default()).await.unwrap();
        let valid =
            tandem_sql::validate(query, &tandem_sql::Policy::new(tandem_core::Dialect::Sqlite), &catalog).unwrap();
        executor.execute(&valid, &tandem_exec::Limits::default()).await.unwrap().rows
    }

    /// Whether the database has the table now.
    #[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
    pub async fn has_table(&self, name: &str) -> bool {
        let catalog = open(&self.path()).introspect(&IntrospectOptions::default()).await.unwrap();
        catalog.table(None, name).is_some()
    }

    pub fn small_says(&self, replies: &[&str]) {
        for reply in replies {
            self.small.push(tandem_llm::testing::Step::Reply((*reply).to_owned()));
        }
    }

    pub fn large_says(&self, replies: &[&str]) {
        for reply in replies {
            self.large.push(tandem_llm::testing::Step::Reply((*reply).to_owned()));
        }
    }

    /// Every large-model prompt so far, as one text per request.
    pub fn large_prompts(&self) -> Vec<String> {
        self.large
            .requests()
            .iter()
            .map(|r| r.messages.iter().map(|m| m.content.as_str()).collect::<Vec<_>>().join("\n"))
            .collect()
    }
}

#[expect(clippy::unwrap_used, reason = "a test fixture: failing loudly is the point")]
fn open(path: &Path) -> SqliteExecutor {
    SqliteExecutor::open(path, &SqliteOptions::default()).unwrap()
}
