//! Runs an evaluation: prepares the databases, runs each question not yet in the predictions
//! file through the system under test with bounded parallelism, scores it against the gold
//! results, appends it to the file, and reports over everything the file holds.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use tandem_agent::{
    AgentConfig, Baseline, ConfirmPolicy, Deps, Event, EventSink, Outcome, Pipeline, PlanCache, Routing,
};
use tandem_core::RepairTier;
use tandem_exec::{Limits, Rows};
use tandem_llm::ChatModel;
use tandem_retrieval::{Embedder, IndexOptions, TokenCounter};
use tandem_sql::{Policy, validate};

use super::databases::{DbSource, OpenDatabase};
use super::hardness::hardness;
use super::meter::{Meter, Side};
use super::prepare::{Database, Indexing, Prepared, prepare};
use super::questions::EvalQuestion;
use super::record::{CatalogMode, Ending, Mode, Prediction, PredictionLog, Repairs, read_predictions};
use super::report::EvalReport;
use super::scoring::{gold_orders, results_match};
use crate::datasets::DatasetError;

/// How a run is set up.
#[derive(Debug, Clone)]
pub struct EvalConfig {
    pub mode: Mode,
    pub catalog: CatalogMode,
    /// The pipeline's settings; the run forces confirm policy `never` and the mode's routing.
    pub agent: AgentConfig,
    /// Questions in flight at once (the models' admission gates bound the model side).
    pub parallel: usize,
    /// The JSONL file predictions are appended to and resumed from.
    pub predictions_path: PathBuf,
    pub index: IndexOptions,
    /// Share the plan-keyed SQL cache across questions, as a deployment does.
    pub share_plan_cache: bool,
}

impl EvalConfig {
    pub fn new(mode: Mode, catalog: CatalogMode, predictions_path: impl Into<PathBuf>) -> Self {
        let agent = AgentConfig { max_rows: 10_000, max_result_bytes: 16 << 20, ..AgentConfig::default() };
        Self {
            mode,
            catalog,
            agent,
            parallel: 1,
            predictions_path: predictions_path.into(),
            index: IndexOptions::default(),
            share_plan_cache: true,
        }
    }

    fn agent_config(&self) -> AgentConfig {
        let routing = if self.mode == Mode::Cascade { Routing::Cascade } else { Routing::Large };
        let mut agent = AgentConfig { confirm: ConfirmPolicy::Never, routing, ..self.agent.clone() };
        if self.mode == Mode::SmallOnly {
            agent.large_prices = agent.small_prices;
        }
        agent
    }

    fn limits(&self) -> Limits {
        Limits {
            max_rows: usize::try_from(self.agent.max_rows).unwrap_or(usize::MAX),
            max_bytes: self.agent.max_result_bytes,
            timeout: Duration::from_millis(self.agent.exec_timeout_ms),
        }
    }
}

/// The capabilities a run uses, as trait objects.
#[derive(Clone)]
pub struct EvalDeps {
    pub small: Arc<dyn ChatModel>,
    pub large: Arc<dyn ChatModel>,
    pub opener: Arc<dyn OpenDatabase>,
    pub embedder: Option<Arc<dyn Embedder>>,
    pub counter: Arc<dyn TokenCounter>,
}

impl std::fmt::Debug for EvalDeps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvalDeps")
            .field("small", &self.small.name())
            .field("large", &self.large.name())
            .field("dense", &self.embedder.is_some())
            .finish_non_exhaustive()
    }
}

/// What a run reports while it goes.
#[derive(Debug)]
pub enum Progress<'a> {
    /// Opening and indexing one database.
    Opening {
        db_id: &'a str,
    },
    /// Questions start; `n_done` were already in the predictions file.
    Started {
        n_total: usize,
        n_done: usize,
    },
    Finished(&'a Prediction),
}

/// A finished run: the report and the predictions it covers, in question order.
#[derive(Debug)]
pub struct EvalRun {
    pub report: EvalReport,
    pub predictions: Vec<Prediction>,
}

/// Runs `questions` (see the module docs). Questions whose database `source` lacks are
/// skipped and counted.
pub async fn run_eval(
    config: &EvalConfig,
    deps: &EvalDeps,
    questions: &[EvalQuestion],
    source: &DbSource,
    on_progress: &(dyn Fn(Progress<'_>) + Send + Sync),
) -> Result<EvalRun, DatasetError> {
    let done = read_predictions(&config.predictions_path, config.mode, config.catalog)?;
    let done_ids: HashSet<&str> = done.iter().map(|p| p.id.as_str()).collect();
    let mut present = HashSet::new();
    for db_id in questions.iter().map(|q| q.db_id.as_str()).collect::<BTreeSet<_>>() {
        if source.locate(db_id)?.is_some() {
            present.insert(db_id);
        }
    }
    let wanted: Vec<&EvalQuestion> = questions.iter().filter(|q| present.contains(q.db_id.as_str())).collect();
    let n_skipped = questions.len() - wanted.len();
    let todo: Vec<&EvalQuestion> = wanted.iter().copied().filter(|q| !done_ids.contains(q.id.as_str())).collect();
    let mut fresh = Vec::new();
    if !todo.is_empty() {
        let db_ids: BTreeSet<String> = todo.iter().map(|q| q.db_id.clone()).collect();
        let indexing = Indexing {
            embedder: deps.embedder.clone(),
            counter: Arc::clone(&deps.counter),
            options: config.index.clone(),
        };
        let opening = |db_id: &str| on_progress(Progress::Opening { db_id });
        let prepared = prepare(config.catalog, &db_ids, source, deps.opener.as_ref(), &indexing, &opening).await?;
        let log = PredictionLog::append_to(&config.predictions_path)?;
        on_progress(Progress::Started { n_total: wanted.len(), n_done: wanted.len() - todo.len() });
        let cache = Arc::new(PlanCache::default());
        let mut finished = futures::stream::iter(todo)
            .map(|question| {
                let cache = if config.share_plan_cache { Arc::clone(&cache) } else { Arc::new(PlanCache::default()) };
                evaluate(question, config, deps, &prepared, cache)
            })
            .buffer_unordered(config.parallel.max(1));
        while let Some(prediction) = finished.next().await {
            log.write(&prediction)?;
            on_progress(Progress::Finished(&prediction));
            fresh.push(prediction);
        }
    }
    let mut predictions: Vec<Prediction> = Vec::with_capacity(wanted.len());
    for question in &wanted {
        if let Some(p) = fresh.iter().chain(&done).find(|p| p.id == question.id) {
            predictions.push(p.clone());
        }
    }
    let report = EvalReport::from_predictions(config.mode, config.catalog, &predictions, n_skipped);
    Ok(EvalRun { report, predictions })
}

/// What the system under test produced for one question.
struct Attempt {
    ending: Ending,
    sql: Option<String>,
    rows: Option<Rows>,
    error: Option<String>,
    repairs: Repairs,
    cache_hit: bool,
}

async fn evaluate(
    question: &EvalQuestion,
    config: &EvalConfig,
    deps: &EvalDeps,
    prepared: &Prepared,
    cache: Arc<PlanCache>,
) -> Prediction {
    let mut prediction = Prediction {
        id: question.id.clone(),
        db_id: question.db_id.clone(),
        mode: config.mode,
        catalog: config.catalog,
        question: question.prompt_text(),
        hardness: question.gold_sql.first().and_then(|sql| hardness(sql)),
        ending: Ending::Failed,
        error: None,
        predicted_sql: None,
        n_rows: None,
        correct: None,
        gold_error: None,
        ledger: tandem_agent::Ledger::default(),
        repairs: Repairs::default(),
        full_schema_prompt_tokens: 0,
        cache_hit: false,
        latency_ms: 0.0,
    };
    let (Some(database), Some(target)) = (prepared.databases.get(&question.db_id), prepared.target(&question.db_id))
    else {
        prediction.error = Some(format!("database `{}` was not prepared", question.db_id));
        return prediction;
    };
    let agent = config.agent_config();
    let catalog = Arc::clone(target.index.catalog());
    let text = question.prompt_text();
    prediction.full_schema_prompt_tokens =
        Baseline::new(Arc::clone(&deps.large), Arc::clone(&target.executor), Arc::clone(&catalog), agent.clone())
            .prompt_tokens(&text);
    let (gold, gold_error) = run_gold(question, database, config).await;
    prediction.gold_error = gold_error;

    let meter = Meter::default();
    let small = meter.wrap(Arc::clone(&deps.small), Side::Small, agent.small_prices);
    let large = match config.mode {
        Mode::SmallOnly => meter.wrap(Arc::clone(&deps.small), Side::Small, agent.small_prices),
        _ => meter.wrap(Arc::clone(&deps.large), Side::Large, agent.large_prices),
    };
    let started = Instant::now();
    let attempt = match config.mode {
        Mode::LargeFullSchema => {
            match Baseline::new(large, Arc::clone(&target.executor), catalog, agent).ask(&text).await {
                Ok(answer) => Attempt {
                    ending: Ending::Answered,
                    sql: Some(answer.sql),
                    rows: Some(answer.rows),
                    error: None,
                    repairs: Repairs { large: answer.n_repairs, ..Repairs::default() },
                    cache_hit: false,
                },
                Err(error) => failed(&error, Repairs::default()),
            }
        }
        Mode::Tiered | Mode::SmallOnly | Mode::Cascade => {
            let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
            let deps = Deps { small, large, executor: Arc::clone(&target.executor), index: target.index, cache };
            let pipeline = Pipeline::new(deps, agent).with_events(EventSink::new(sender));
            let outcome = pipeline.ask(&text).await;
            drop(pipeline);
            let mut repairs = Repairs::default();
            while let Ok(event) = receiver.try_recv() {
                if let Event::RepairStarted { tier, .. } = event {
                    match tier {
                        RepairTier::Rules => repairs.rules += 1,
                        RepairTier::Small => repairs.small += 1,
                        RepairTier::Large | RepairTier::NotRetryable => repairs.large += 1,
                    }
                }
            }
            match outcome {
                Ok(Outcome::Answered(answer)) => Attempt {
                    ending: Ending::Answered,
                    sql: Some(answer.sql),
                    rows: Some(answer.rows),
                    error: None,
                    repairs,
                    cache_hit: answer.from_cache,
                },
                Ok(Outcome::Previewed(preview)) => Attempt {
                    error: Some(format!(
                        "the question was read as a transform writing `{}`",
                        preview.validated().target()
                    )),
                    ..failed_with(repairs)
                },
                Ok(Outcome::NeedsMoreSchema(more)) => Attempt {
                    ending: Ending::NeedsMoreSchema,
                    error: Some(format!("the large model still asks for {}", more.requested.join(", "))),
                    ..failed_with(repairs)
                },
                Err(error) => failed(&error, repairs),
            }
        }
    };
    prediction.latency_ms = started.elapsed().as_secs_f64() * 1_000.0;
    prediction.ledger = meter.ledger();
    prediction.ending = attempt.ending;
    prediction.error = attempt.error;
    prediction.predicted_sql = attempt.sql;
    prediction.repairs = attempt.repairs;
    prediction.cache_hit = attempt.cache_hit;
    prediction.n_rows = attempt.rows.as_ref().map(|r| r.rows.len());
    if !gold.is_empty() {
        prediction.correct = Some(
            attempt
                .rows
                .as_ref()
                .is_some_and(|rows| gold.iter().any(|(want, ordered)| results_match(rows, want, *ordered))),
        );
    }
    tracing::info!(id = %prediction.id, correct = ?prediction.correct, ending = ?prediction.ending, "evaluated");
    prediction
}

fn failed_with(repairs: Repairs) -> Attempt {
    Attempt { ending: Ending::Failed, sql: None, rows: None, error: None, repairs, cache_hit: false }
}

fn failed(error: &dyn std::error::Error, repairs: Repairs) -> Attempt {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    Attempt { error: Some(text), ..failed_with(repairs) }
}

/// Results of the gold queries that ran (with whether each orders its rows), and the first
/// failure of one that did not.
async fn run_gold(
    question: &EvalQuestion,
    database: &Database,
    config: &EvalConfig,
) -> (Vec<(Rows, bool)>, Option<String>) {
    let policy = Policy::new(database.executor.dialect()).with_max_rows(config.agent.max_rows);
    let mut results = Vec::new();
    let mut first_error = None;
    for sql in &question.gold_sql {
        let outcome = match validate(sql, &policy, &database.catalog) {
            Ok(valid) => database.executor.execute(&valid, &config.limits()).await.map_err(|e| e.to_string()),
            Err(rejection) => Err(format!("the validator rejects the gold query: {rejection}")),
        };
        match outcome {
            Ok(rows) => results.push((rows, gold_orders(sql))),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    (results, first_error)
}
