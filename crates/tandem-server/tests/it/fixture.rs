//! A shop database in SQLite, the real pipeline and session service over it with scripted
//! models behind real admission gates, and the server on a random port; optionally with
//! transforms (previewed on a copy of the file, applied to it on approval).

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use reqwest::StatusCode;
use serde_json::Value;
use tandem_agent::session::{MemoryStore, Sessions};
use tandem_agent::{AgentConfig, ConfirmPolicy, Deps, Pipeline, PlanCache};
use tandem_exec::{
    Executor, IntrospectOptions, Limits, SqliteExecutor, SqliteOptions, SqliteTransformer, TransformOptions,
    create_sqlite_from_script,
};
use tandem_llm::admission::{AdmissionGate, GateConfig, GateSnapshot, GatedModel};
use tandem_llm::testing::{ScriptedModel, Step};
use tandem_llm::{ChatModel, ChatRequest, Completion, DeltaSink, FinishReason, LlmError, Timing, Usage};
use tandem_retrieval::{IndexOptions, Retriever};
use tandem_server::sessions::SessionsService;
use tandem_server::{ApiKeyConfig, Server, ServerConfig};
use tokio::sync::oneshot;

pub const PLAN: &str = r#"{"version": 1, "tables": ["customer", "orders", "product"],
 "columns": [{"table": "customer", "column": "name"}],
 "filters": [{"column": {"table": "customer", "column": "country"}, "op": "eq", "value": "France"}],
 "group_by": [{"table": "customer", "column": "name"}],
 "measures": [{"aggregate": "sum", "column": {"table": "orders", "column": "amount"}, "alias": "total"}],
 "order_by": [{"expr": "customer.name"}],
 "open_questions": ["Paid orders only, or all orders?"],
 "complexity": "simple"}"#;

pub const GOOD_SQL: &str = "SELECT c.name, SUM(o.amount) AS total FROM customer AS c JOIN orders AS o ON o.customer_id = c.id WHERE c.country = 'France' GROUP BY c.name ORDER BY c.name";

pub const QUESTION: &str = "What is the total order amount per customer in France?";

pub const KEY: &str = "test-key-0123456789";

/// A transform request the rules classify without a model call.
pub const TRANSFORM: &str = "Create a table customer_totals with the total order amount per customer";

/// The small model's transform plan, with `expect` as its quality expectations.
pub fn transform_plan(expect: &str) -> String {
    format!(
        r#"{{"version": 1, "tables": ["customer", "orders"], "columns": [], "filters": [], "complexity": "simple",
        "transform": {{"target": "customer_totals", "write": "create_as_select", "expect": {expect}}}}}"#
    )
}

pub const TOTALS_SQL: &str = "CREATE TABLE customer_totals AS SELECT c.name, SUM(o.amount) AS total FROM customer AS c \
                              JOIN orders AS o ON o.customer_id = c.id GROUP BY c.name";

/// Customers with orders: the rows `TOTALS_SQL` writes.
pub const N_TOTALS: u64 = 153;

pub fn sql(text: &str) -> String {
    serde_json::json!({ "sql": text }).to_string()
}

fn script() -> Vec<String> {
    let mut statements: Vec<String> = [
        "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL)",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(id), amount REAL NOT NULL, status TEXT NOT NULL)",
        "CREATE TABLE product (id INTEGER PRIMARY KEY, title TEXT NOT NULL, price REAL NOT NULL)",
        "INSERT INTO customer VALUES (1, 'Amélie', 'France'), (2, 'Bruno', 'France'), (3, 'Carla', 'Italy')",
        "INSERT INTO orders VALUES (1, 1, 10.5, 'paid'), (2, 1, 4.5, 'paid'), (3, 2, 7.0, 'open'), (4, 3, 99.0, 'paid')",
        "INSERT INTO product VALUES (1, 'lamp', 20.0)",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    // Customers 100.. each have (id - 99) orders of 1.0, for the concurrency test.
    for id in 100..250 {
        statements.push(format!("INSERT INTO customer VALUES ({id}, 'c{id}', 'Spain')"));
        for n in 0..(id - 99) {
            statements.push(format!("INSERT INTO orders VALUES ({}, {id}, 1.0, 'paid')", id * 1000 + n));
        }
    }
    statements
}

/// Which models the shop's pipeline gets.
pub enum Models {
    /// Replies in order, shared by all sessions.
    Scripted,
    /// Replies computed from each request, so concurrent sessions cannot get each other's.
    Echo,
}

pub struct Shop {
    pub small: Arc<ScriptedModel>,
    pub large: Arc<ScriptedModel>,
    pub gates: [Arc<AdmissionGate>; 2],
    pub service: Arc<SessionsService>,
    pub base: String,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<Result<(), tandem_server::ServerError>>>,
    dir: tempfile::TempDir,
}

/// The process-wide Prometheus recorder (a recorder can be installed once per process).
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new().install_recorder().unwrap();
            tandem_llm::admission::metric_names::describe();
            tandem_server::metric_names::describe();
            tandem_agent::telemetry::describe();
            handle
        })
        .clone()
}

pub fn keyed(per_minute: u32, max_concurrent: u32) -> ServerConfig {
    ServerConfig {
        api_keys: vec![ApiKeyConfig {
            name: "tester".into(),
            sha256: Some(tandem_server::key_digest_hex(KEY)),
            key: None,
            requests_per_minute: per_minute,
            max_concurrent,
        }],
        ..open()
    }
}

pub fn open() -> ServerConfig {
    ServerConfig {
        bind: "127.0.0.1:0".into(),
        max_body_bytes: 16 * 1024,
        request_timeout_ms: 20_000,
        ..ServerConfig::default()
    }
}

/// Sends with the test key; the status and the body as JSON (or as a string when it is not).
pub async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.bearer_auth(KEY).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub async fn post(shop: &Shop, path: &str, body: Value) -> (StatusCode, Value) {
    send(shop.client.post(shop.url(path)).json(&body)).await
}

pub async fn get(shop: &Shop, path: &str) -> (StatusCode, Value) {
    send(shop.client.get(shop.url(path))).await
}

/// The stable error code of an error body ("" when there is none).
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

impl Shop {
    pub async fn start(config: ServerConfig, models: Models) -> Self {
        Self::build(config, models, false).await
    }

    /// A shop whose pipeline may write tables, with scripted models.
    pub async fn transforming(config: ServerConfig) -> Self {
        Self::build(config, Models::Scripted, true).await
    }

    async fn build(config: ServerConfig, models: Models, transforms: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.sqlite");
        create_sqlite_from_script(&path, &script()).unwrap();
        let executor: Arc<dyn Executor> = Arc::new(open_db(&path));
        let catalog = Arc::new(executor.introspect(&IntrospectOptions::default()).await.unwrap());
        let index = Retriever::new(IndexOptions::default()).index(&catalog);
        let small = Arc::new(ScriptedModel::new("small"));
        let large = Arc::new(ScriptedModel::new("large"));
        let (small_inner, large_inner): (Arc<dyn ChatModel>, Arc<dyn ChatModel>) = match models {
            Models::Scripted => (small.clone(), large.clone()),
            Models::Echo => (Arc::new(Echo::Planner), Arc::new(Echo::Writer)),
        };
        let gate_config = GateConfig {
            max_in_flight: 4,
            max_queue: 512,
            queue_deadline: Duration::from_secs(60),
            ..GateConfig::default()
        };
        let gates = [
            Arc::new(AdmissionGate::new("test-small", gate_config.clone())),
            Arc::new(AdmissionGate::new("test-large", gate_config)),
        ];
        let deps = Deps {
            small: Arc::new(GatedModel::new(small_inner, gates[0].clone())),
            large: Arc::new(GatedModel::new(large_inner, gates[1].clone())),
            executor: executor.clone(),
            index,
            cache: Arc::new(PlanCache::default()),
        };
        let agent = AgentConfig { confirm: ConfirmPolicy::Always, ..AgentConfig::default() };
        let mut pipeline = Pipeline::new(deps, agent);
        if transforms {
            let transformer = SqliteTransformer::open(&path, TransformOptions::default()).unwrap();
            pipeline = pipeline.with_transformer(Arc::new(transformer));
        }
        let sessions = Sessions::new(pipeline, Arc::new(MemoryStore::new()));
        let service = Arc::new(SessionsService::new(sessions, executor, Limits::default()));
        let server = Server::new(service.clone(), config).unwrap().with_prometheus(prometheus());
        let listener = server.bind().await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        #[expect(clippy::disallowed_methods, reason = "the server runs beside the test on its runtime")]
        let served = tokio::spawn(server.run(listener, async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Self { small, large, gates, service, base, client, stop: Some(stop), served: Some(served), dir }
    }

    /// The shop's database file.
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("shop.sqlite")
    }

    /// Rows of `query` on the file as it is now (a fresh catalog, so new tables resolve).
    pub async fn query(&self, query: &str) -> Vec<Vec<tandem_exec::Value>> {
        let executor = open_db(&self.path());
        let catalog = executor.introspect(&IntrospectOptions::default()).await.unwrap();
        let policy = tandem_sql::Policy::new(tandem_core::Dialect::Sqlite);
        let valid = tandem_sql::validate(query, &policy, &catalog).unwrap();
        executor.execute(&valid, &Limits::default()).await.unwrap().rows
    }

    /// Whether the file holds a table of that name.
    pub async fn has_table(&self, name: &str) -> bool {
        let executor = open_db(&self.path());
        let catalog = executor.introspect(&IntrospectOptions::default()).await.unwrap();
        catalog.tables.iter().any(|t| t.name.name == name)
    }

    pub fn small_says(&self, replies: &[&str]) {
        for reply in replies {
            self.small.push(Step::Reply((*reply).to_owned()));
        }
    }

    pub fn large_says(&self, replies: &[&str]) {
        for reply in replies {
            self.large.push(Step::Reply((*reply).to_owned()));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn snapshots(&self) -> [GateSnapshot; 2] {
        [self.gates[0].snapshot(), self.gates[1].snapshot()]
    }

    /// Stops the server gracefully and waits for `run` to return.
    pub async fn stop(&mut self) -> Result<(), tandem_server::ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.served.take() {
            Some(served) => tokio::time::timeout(Duration::from_secs(20), served).await.unwrap().unwrap(),
            None => Ok(()),
        }
    }
}

fn open_db(path: &Path) -> SqliteExecutor {
    SqliteExecutor::open(path, &SqliteOptions::default()).unwrap()
}

/// Deterministic models for concurrency: the planner reads the customer id from the question
/// ("How many orders has customer 123?") and the writer reads it back from its prompt.
#[derive(Debug)]
pub enum Echo {
    Planner,
    Writer,
}

fn customer_id(request: &ChatRequest) -> Option<u32> {
    let text = &request.messages.last()?.content;
    let at = text.rfind("customer ")? + "customer ".len();
    text[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

#[async_trait]
impl ChatModel for Echo {
    fn name(&self) -> &str {
        match self {
            Echo::Planner => "echo-planner",
            Echo::Writer => "echo-writer",
        }
    }

    async fn complete(&self, request: &ChatRequest, on_delta: DeltaSink<'_>) -> Result<Completion, LlmError> {
        let id =
            customer_id(request).ok_or_else(|| LlmError::Backend { detail: "no customer id in the prompt".into() })?;
        let text = match self {
            Echo::Planner => format!(
                r#"{{"version": 1, "tables": ["customer", "orders"], "columns": [{{"table": "customer", "column": "name"}}],
                "filters": [{{"column": {{"table": "customer", "column": "id"}}, "op": "eq", "value": "{id}"}}],
                "measures": [{{"aggregate": "count", "alias": "n_orders"}}], "group_by": [{{"table": "customer", "column": "name"}}],
                "complexity": "simple"}}"#
            ),
            Echo::Writer => sql(&format!(
                "SELECT c.name, COUNT(*) AS n_orders FROM customer AS c JOIN orders AS o ON o.customer_id = c.id WHERE c.id = {id} GROUP BY c.name"
            )),
        };
        // Yield once so concurrent sessions interleave.
        tokio::task::yield_now().await;
        on_delta(&text);
        Ok(Completion {
            usage: Usage {
                prompt_tokens: self.estimate_prompt_tokens(request),
                cached_prompt_tokens: 0,
                completion_tokens: 20,
            },
            text,
            finish_reason: FinishReason::Stop,
            timing: Timing::default(),
            model: self.name().to_owned(),
        })
    }
}
