//! `tandem bench gateway`: what the gateway itself costs per request and how many questions a
//! second it sustains, with instant deterministic models behind real admission gates, a real
//! SQLite database, the real session service and the full HTTP stack (API key included).
//!
//! Overhead per question = the client-side latency of its four requests (ask, wait for the
//! plan, confirm, wait for the answer) − the models' time from the ledger − the executor's
//! time, measured one question at a time so each figure is that question's alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use serde_json::{Value, json};
use tandem_agent::session::{MemoryStore, Sessions};
use tandem_agent::{AgentConfig, ConfirmPolicy, Deps, Pipeline, PlanCache};
use tandem_core::{Catalog, Dialect};
use tandem_exec::{ExecError, Executor, IntrospectOptions, Limits, Rows};
use tandem_llm::admission::{AdmissionGate, GateConfig, GatedModel};
use tandem_llm::{ChatModel, ChatRequest, Completion, DeltaSink, FinishReason, LlmError, Timing, Usage};
use tandem_retrieval::{IndexOptions, Retriever};
use tandem_sql::ValidatedSql;
use tokio::sync::oneshot;

use crate::config::{ApiKeyConfig, ServerConfig};
use crate::error::ServerError;
use crate::server::Server;
use crate::sessions::SessionsService;

const KEY: &str = "bench-key";
const N_CUSTOMERS: u32 = 2_000;

#[derive(Debug, Clone)]
pub struct GatewayBenchOptions {
    /// Questions run one at a time for the latency figures.
    pub n_questions: usize,
    /// Clients running questions at once in the throughput phase.
    pub concurrency: usize,
    /// How long the throughput phase runs.
    pub duration: Duration,
}

impl Default for GatewayBenchOptions {
    fn default() -> Self {
        Self { n_questions: 300, concurrency: 32, duration: Duration::from_secs(10) }
    }
}

/// Milliseconds at the 50th, 99th percentile and the maximum.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Percentiles {
    fn of(mut samples: Vec<f64>) -> Self {
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
            samples.get(index).copied().unwrap_or_default()
        };
        Self { p50_ms: at(0.5), p99_ms: at(0.99), max_ms: samples.last().copied().unwrap_or_default() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewayReport {
    pub n_questions: usize,
    /// POST /api/sessions (store the turn, start planning, answer 202).
    pub ask: Percentiles,
    /// POST /api/sessions/{id}/confirm.
    pub confirm: Percentiles,
    /// GET /api/sessions/{id} with one page of rows.
    pub read: Percentiles,
    /// A whole question's requests, minus model and database time.
    pub overhead_per_question: Percentiles,
    /// The same divided by the question's four requests.
    pub overhead_per_request: Percentiles,
    /// Model time per question from the ledger (instant models: the gate and call plumbing).
    pub model: Percentiles,
    pub database: Percentiles,
    pub concurrency: usize,
    pub duration_s: f64,
    pub questions_per_s: f64,
    pub requests_per_s: f64,
    /// Question latency (ask to answer) while `concurrency` clients run.
    pub question_under_load: Percentiles,
    pub n_failed: usize,
}

/// Runs the benchmark on `database`, which holds [`database_script`] (the caller picks the
/// engine; the CLI uses SQLite).
pub async fn gateway(options: &GatewayBenchOptions, database: Arc<dyn Executor>) -> Result<GatewayReport, ServerError> {
    let fail = |detail: String| ServerError::Io(std::io::Error::other(detail));
    let executor = Arc::new(TimedExecutor { inner: database, nanos: AtomicU64::new(0) });
    let catalog = Arc::new(executor.introspect(&IntrospectOptions::default()).await.map_err(|e| fail(e.to_string()))?);
    let gate = GateConfig { max_in_flight: 64, max_queue: 4_096, ..GateConfig::default() };
    let deps = Deps {
        small: Arc::new(GatedModel::new(
            Arc::new(InstantModel::Planner),
            Arc::new(AdmissionGate::new("bench-small", gate.clone())),
        )),
        large: Arc::new(GatedModel::new(
            Arc::new(InstantModel::Writer),
            Arc::new(AdmissionGate::new("bench-large", gate)),
        )),
        executor: executor.clone(),
        index: Retriever::new(IndexOptions::default()).index(&catalog),
        cache: Arc::new(PlanCache::default()),
    };
    let agent = AgentConfig { confirm: ConfirmPolicy::Always, ..AgentConfig::default() };
    let sessions = Sessions::new(Pipeline::new(deps, agent), Arc::new(MemoryStore::new()));
    let service = Arc::new(SessionsService::new(sessions, executor.clone(), Limits::default()));
    let config = ServerConfig {
        bind: "127.0.0.1:0".into(),
        api_keys: vec![ApiKeyConfig {
            name: "bench".into(),
            sha256: Some(crate::key_digest_hex(KEY)),
            key: None,
            requests_per_minute: u32::MAX / 2,
            max_concurrent: 10_000,
        }],
        ..ServerConfig::default()
    };
    let server = Server::new(service, config)?;
    let listener = server.bind().await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tandem_llm::task::spawn(
        "bench-server",
        server.run(listener, async move {
            let _ = stopped.await;
        }),
    );
    let client = Bench { http: Client::builder(TokioExecutor::new()).build(HttpConnector::new()), base };

    // Warm up, then one question at a time.
    for i in 0..20 {
        client.question(100 + i % N_CUSTOMERS).await?;
    }
    let mut samples = Samples::default();
    for i in 0..options.n_questions {
        let before = executor.nanos.load(Ordering::Relaxed);
        let q = client.question(100 + (i as u32 * 7) % N_CUSTOMERS).await?;
        let db_ms = (executor.nanos.load(Ordering::Relaxed) - before) as f64 / 1e6;
        let overhead = (q.requests_ms - q.model_ms - db_ms).max(0.0);
        samples.ask.push(q.ask_ms);
        samples.confirm.push(q.confirm_ms);
        samples.read.push(q.read_ms);
        samples.model.push(q.model_ms);
        samples.database.push(db_ms);
        samples.overhead.push(overhead);
        samples.per_request.push(overhead / 4.0);
    }

    // Throughput: `concurrency` clients for `duration`.
    let started = Instant::now();
    let deadline = started + options.duration;
    let workers = (0..options.concurrency).map(|w| {
        let client = client.clone();
        async move {
            let mut latencies = Vec::new();
            let mut failed = 0;
            let mut i = w as u32;
            while Instant::now() < deadline {
                let t = Instant::now();
                match client.question(100 + (i * 13) % N_CUSTOMERS).await {
                    Ok(_) => latencies.push(t.elapsed().as_secs_f64() * 1e3),
                    Err(_) => failed += 1,
                }
                i += options.concurrency as u32;
            }
            (latencies, failed)
        }
    });
    let results = futures::future::join_all(workers).await;
    let elapsed = started.elapsed().as_secs_f64();
    let n_failed = results.iter().map(|(_, f)| f).sum();
    let latencies: Vec<f64> = results.into_iter().flat_map(|(l, _)| l).collect();
    let n_done = latencies.len();
    let _ = stop.send(());
    let _ = served.await;
    Ok(GatewayReport {
        n_questions: options.n_questions,
        ask: Percentiles::of(samples.ask),
        confirm: Percentiles::of(samples.confirm),
        read: Percentiles::of(samples.read),
        overhead_per_question: Percentiles::of(samples.overhead),
        overhead_per_request: Percentiles::of(samples.per_request),
        model: Percentiles::of(samples.model),
        database: Percentiles::of(samples.database),
        concurrency: options.concurrency,
        duration_s: elapsed,
        questions_per_s: n_done as f64 / elapsed,
        requests_per_s: (n_done * 5) as f64 / elapsed,
        question_under_load: Percentiles::of(latencies),
        n_failed,
    })
}

#[derive(Default)]
struct Samples {
    ask: Vec<f64>,
    confirm: Vec<f64>,
    read: Vec<f64>,
    model: Vec<f64>,
    database: Vec<f64>,
    overhead: Vec<f64>,
    per_request: Vec<f64>,
}

/// The bench's database: customers and their orders.
pub fn database_script() -> Vec<String> {
    let mut statements = vec![
        "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL)".to_owned(),
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(id), amount REAL NOT NULL)".to_owned(),
        "CREATE INDEX orders_customer ON orders (customer_id)".to_owned(),
    ];
    for id in 100..100 + N_CUSTOMERS {
        statements.push(format!("INSERT INTO customer VALUES ({id}, 'c{id}', 'FR')"));
        statements.push(format!("INSERT INTO orders VALUES ({id}, {id}, {}.5)", id % 97));
    }
    statements
}

/// What one question measured.
struct Question {
    ask_ms: f64,
    confirm_ms: f64,
    read_ms: f64,
    /// All four requests' latencies added.
    requests_ms: f64,
    model_ms: f64,
}

#[derive(Clone)]
struct Bench {
    http: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

impl Bench {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<(Value, f64), ServerError> {
        let fail = |detail: String| ServerError::Io(std::io::Error::other(detail));
        let payload = body.map(|b| b.to_string()).unwrap_or_default();
        let request = axum::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {KEY}"))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(payload)))
            .map_err(|e| fail(e.to_string()))?;
        let started = Instant::now();
        let response = self.http.request(request).await.map_err(|e| fail(e.to_string()))?;
        let status = response.status();
        let bytes = response.into_body().collect().await.map_err(|e| fail(e.to_string()))?.to_bytes();
        let elapsed = started.elapsed().as_secs_f64() * 1e3;
        if !status.is_success() {
            return Err(fail(format!("{method} {path}: {status} {}", String::from_utf8_lossy(&bytes))));
        }
        let value = serde_json::from_slice(&bytes).map_err(|e| fail(e.to_string()))?;
        Ok((value, elapsed))
    }

    async fn question(&self, customer: u32) -> Result<Question, ServerError> {
        let question = format!("How many orders has customer {customer}?");
        let (turn, ask_ms) = self.call("POST", "/api/sessions", Some(json!({ "question": question }))).await?;
        let id = turn["session"].as_str().unwrap_or_default().to_owned();
        let (_, plan_ms) = self.call("GET", &format!("/api/sessions/{id}/settled"), None).await?;
        let (_, confirm_ms) = self.call("POST", &format!("/api/sessions/{id}/confirm"), Some(json!({}))).await?;
        let (answered, answer_ms) = self.call("GET", &format!("/api/sessions/{id}/settled"), None).await?;
        if answered["status"] != "answered" {
            return Err(ServerError::Io(std::io::Error::other(format!("question not answered: {answered}"))));
        }
        let (_, read_ms) = self.call("GET", &format!("/api/sessions/{id}"), None).await?;
        let ledger = &answered["ledger"];
        let model_ms = ledger["small"]["wall_ms"].as_f64().unwrap_or_default()
            + ledger["large"]["wall_ms"].as_f64().unwrap_or_default();
        Ok(Question { ask_ms, confirm_ms, read_ms, requests_ms: ask_ms + plan_ms + confirm_ms + answer_ms, model_ms })
    }
}

/// Sums the time spent in `execute`.
#[derive(Debug)]
struct TimedExecutor {
    inner: Arc<dyn Executor>,
    nanos: AtomicU64,
}

#[async_trait]
impl Executor for TimedExecutor {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }

    async fn execute(&self, sql: &ValidatedSql, limits: &Limits) -> Result<Rows, ExecError> {
        let started = Instant::now();
        let rows = self.inner.execute(sql, limits).await;
        self.nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        rows
    }

    async fn introspect(&self, options: &IntrospectOptions) -> Result<Catalog, ExecError> {
        self.inner.introspect(options).await
    }
}

/// Instant models for the bench's schema: the planner reads the customer id from the
/// question, the writer from its prompt.
#[derive(Debug)]
enum InstantModel {
    Planner,
    Writer,
}

fn customer_id(request: &ChatRequest) -> Option<u32> {
    let text = &request.messages.last()?.content;
    let at = text.rfind("customer ")? + "customer ".len();
    text.get(at..)?.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

#[async_trait]
impl ChatModel for InstantModel {
    fn name(&self) -> &str {
        match self {
            InstantModel::Planner => "instant-planner",
            InstantModel::Writer => "instant-writer",
        }
    }

    async fn complete(&self, request: &ChatRequest, on_delta: DeltaSink<'_>) -> Result<Completion, LlmError> {
        let id =
            customer_id(request).ok_or_else(|| LlmError::Backend { detail: "no customer id in the prompt".into() })?;
        let text = match self {
            InstantModel::Planner => json!({
                "version": 1, "tables": ["customer", "orders"],
                "columns": [{ "table": "customer", "column": "name" }],
                "filters": [{ "column": { "table": "customer", "column": "id" }, "op": "eq", "value": id.to_string() }],
                "measures": [{ "aggregate": "count", "alias": "n_orders" }],
                "group_by": [{ "table": "customer", "column": "name" }],
                "complexity": "simple"
            })
            .to_string(),
            InstantModel::Writer => json!({ "sql": format!(
                "SELECT c.name, COUNT(*) AS n_orders FROM customer AS c JOIN orders AS o ON o.customer_id = c.id WHERE c.id = {id} GROUP BY c.name"
            )})
            .to_string(),
        };
        on_delta(&text);
        Ok(Completion {
            usage: Usage {
                prompt_tokens: self.estimate_prompt_tokens(request),
                cached_prompt_tokens: 0,
                completion_tokens: 40,
            },
            text,
            finish_reason: FinishReason::Stop,
            timing: Timing::default(),
            model: self.name().to_owned(),
        })
    }
}

/// The report as a Markdown table, for people.
pub fn markdown(report: &GatewayReport) -> String {
    let row =
        |name: &str, p: &Percentiles| format!("| {name} | {:.3} | {:.3} | {:.3} |\n", p.p50_ms, p.p99_ms, p.max_ms);
    let mut out = format!(
        "One question at a time ({} questions; instant models, SQLite, API key on):\n\n| per request | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|\n",
        report.n_questions
    );
    out += &row("POST /api/sessions (ask)", &report.ask);
    out += &row("POST …/confirm", &report.confirm);
    out += &row("GET /api/sessions/{id} (read)", &report.read);
    out += &row("gateway overhead per request", &report.overhead_per_request);
    out += &row("gateway overhead per question (4 requests)", &report.overhead_per_question);
    out += &row("model time per question", &report.model);
    out += &row("database time per question", &report.database);
    out += &format!(
        "\nSustained, {} clients for {:.1} s: {:.0} questions/s, {:.0} requests/s; question latency p50 {:.1} ms, p99 {:.1} ms; {} failed.\n",
        report.concurrency,
        report.duration_s,
        report.questions_per_s,
        report.requests_per_s,
        report.question_under_load.p50_ms,
        report.question_under_load.p99_ms,
        report.n_failed,
    );
    out
}
