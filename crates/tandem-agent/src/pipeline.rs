//! The pipeline API a CLI or server drives: plan a question, confirm it (or let the policy),
//! run it to an answer.
//!
//! Confirmation is a type: [`Pipeline::run`] takes only a [`ConfirmedQuestion`], which only
//! [`Pipeline::confirm`] (a person's decision) or [`Pipeline::proceed`] (a plan the policy
//! already confirmed) can make, so no path reaches the large model with an unconfirmed plan.

use std::sync::Arc;
use std::time::Instant;

use tandem_core::{Catalog, CatalogVersion};
use tandem_exec::{ApplyRequest, Executor, Migration, Rows, Transformer};
use tandem_llm::ChatModel;
use tandem_retrieval::{SchemaIndex, SchemaSlice};
use tandem_sql::{PlanFilter, Policy, Scope};

use crate::cache::PlanCache;
use crate::check::{recheck_plan, resolve_table};
use crate::config::{AgentConfig, ConfirmPolicy, Routing};
use crate::edit::{PlanEdit, apply_edits};
use crate::error::AgentError;
use crate::events::{Event, EventSink};
use crate::ledger::Ledger;
use crate::plan::{Complexity, FilterOp, Plan, PlanHash};
use crate::planner::{EarlierTurn, PlannerSettings, write_plan};
use crate::prompt::{Conversation, counterfactual_full_schema_request, scope_tables};
use crate::repair::{FirstSql, Run, RunOutcome};
use crate::stage::Stage;
use crate::transform::run::TransformRun;
use crate::transform::{Applied, Intent, TransformPreview, classify, ground, settle, spec_for, transform_problems};

/// The capabilities a pipeline holds, as trait objects only.
#[derive(Debug, Clone)]
pub struct Deps {
    pub small: Arc<dyn ChatModel>,
    pub large: Arc<dyn ChatModel>,
    pub executor: Arc<dyn Executor>,
    /// The schema index of the catalog questions run against.
    pub index: Arc<SchemaIndex>,
    /// Shared across pipelines so a refreshed catalog finds (and drops) the old entries.
    pub cache: Arc<PlanCache>,
}

/// Cheap to clone: the capabilities are shared, so a server clones one per session to give it
/// its own event sink.
#[derive(Debug, Clone)]
pub struct Pipeline {
    deps: Deps,
    config: AgentConfig,
    events: EventSink,
    /// Writes previewed transforms; without one, requests that write are refused.
    transformer: Option<Arc<dyn Transformer>>,
}

/// A planned question: the plan, the slice it came from, and where the gate left it.
#[derive(Debug, Clone)]
pub struct PlannedQuestion {
    question: String,
    plan: Plan,
    slice: SchemaSlice,
    stage: Stage,
    trace: Vec<Stage>,
    ledger: Ledger,
    catalog_version: CatalogVersion,
}

impl PlannedQuestion {
    pub fn question(&self) -> &str {
        &self.question
    }
    pub fn plan(&self) -> &Plan {
        &self.plan
    }
    pub fn slice(&self) -> &SchemaSlice {
        &self.slice
    }
    pub fn stage(&self) -> Stage {
        self.stage
    }
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
    /// The stages passed so far.
    pub fn trace(&self) -> &[Stage] {
        &self.trace
    }
    /// The catalog version the plan was checked against, for sessions that outlive a refresh.
    pub fn catalog_version(&self) -> CatalogVersion {
        self.catalog_version
    }
    /// Whether a person must decide before the question can run.
    pub fn needs_confirmation(&self) -> bool {
        self.stage == Stage::AwaitingConfirmation
    }
}

/// A person's decision at the confirm gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approve, after applying these edits (none to approve as is).
    Approve(Vec<PlanEdit>),
    Cancel,
}

/// A question whose plan is confirmed. No public constructor: see the module docs.
#[derive(Debug, Clone)]
pub struct ConfirmedQuestion(PlannedQuestion);

impl ConfirmedQuestion {
    pub fn plan(&self) -> &Plan {
        &self.0.plan
    }
}

/// How a confirmed question ended, short of an error.
#[derive(Debug)]
pub enum Outcome {
    Answered(Answer),
    /// A transform ran in the sandbox: its preview waits for [`Pipeline::apply`],
    /// [`Pipeline::export`], or nothing (a cancel writes nothing).
    Previewed(Box<TransformPreview>),
    /// The large model needs tables outside the plan: here is the plan with them added (those
    /// that exist), back at the confirm gate.
    NeedsMoreSchema(MoreSchema),
}

#[derive(Debug)]
pub struct Answer {
    pub question: String,
    pub plan: Plan,
    pub plan_hash: PlanHash,
    /// The SQL that ran, as validated (normalised, row cap applied).
    pub sql: String,
    pub rows: Rows,
    pub ledger: Ledger,
    pub from_cache: bool,
    /// Every stage the question passed through, in order.
    pub trace: Vec<Stage>,
    /// Caveats for the person (an empty result that repairs could not change).
    pub notes: Vec<String>,
}

#[derive(Debug)]
pub struct MoreSchema {
    pub requested: Vec<String>,
    pub reason: String,
    pub planned: PlannedQuestion,
}

impl Pipeline {
    pub fn new(deps: Deps, config: AgentConfig) -> Self {
        Self { deps, config, events: EventSink::none(), transformer: None }
    }

    /// Enables transforms: requests that write a table or view are previewed through
    /// `transformer` and applied only by [`Pipeline::apply`].
    pub fn with_transformer(mut self, transformer: Arc<dyn Transformer>) -> Self {
        self.transformer = Some(transformer);
        self
    }

    /// Whether requests that write tables are enabled.
    pub fn transforms_enabled(&self) -> bool {
        self.transformer.is_some()
    }

    pub fn with_events(mut self, events: EventSink) -> Self {
        self.events = events;
        self
    }

    pub fn config(&self) -> &AgentConfig {
        &self.config
    }

    pub fn catalog(&self) -> &Arc<Catalog> {
        self.deps.index.catalog()
    }

    /// Retrieves the slice and asks the small model for a plan; then the confirm gate decides
    /// whether a person must look at it. Never calls the large model.
    pub async fn plan(&self, question: &str) -> Result<PlannedQuestion, AgentError> {
        self.plan_turn(question, None).await
    }

    /// Plans a question that follows up on an earlier one ("and only for 2014?"): the small
    /// model sees the earlier question and plan and edits it, and retrieval also looks for the
    /// earlier plan's tables. Never calls the large model.
    pub async fn plan_follow_up(
        &self,
        question: &str,
        earlier_question: &str,
        earlier_plan: &Plan,
    ) -> Result<PlannedQuestion, AgentError> {
        self.plan_turn(question, Some(EarlierTurn { question: earlier_question, plan: earlier_plan })).await
    }

    async fn plan_turn(&self, question: &str, earlier: Option<EarlierTurn<'_>>) -> Result<PlannedQuestion, AgentError> {
        if question.trim().is_empty() {
            return Err(AgentError::EmptyQuestion);
        }
        let started = Instant::now();
        self.events.send(Event::StageStarted { stage: Stage::Planned });
        let query = match earlier {
            Some(earlier) => format!("{question} {}", earlier.plan.tables.join(" ")),
            None => question.to_owned(),
        };
        let mut ledger = Ledger::default();
        let intent = classify(self.deps.small.as_ref(), question, &self.config.small_prices, &mut ledger).await?;
        if intent == Intent::Transform && self.transformer.is_none() {
            return Err(AgentError::TransformsDisabled);
        }
        let slice = self.deps.index.retrieve(&query, self.config.slice_budget_tokens);
        let settings = PlannerSettings {
            max_tokens: self.config.plan_max_tokens,
            n_attempts: self.config.plan_attempts,
            prices: &self.config.small_prices,
            intent,
        };
        let planning =
            write_plan(self.deps.small.as_ref(), question, earlier, &slice, self.catalog(), settings, &mut ledger);
        let mut plan = tokio::time::timeout(self.config.deadline(), planning).await.map_err(|_| {
            AgentError::DeadlineExceeded { stage: Stage::Planned, deadline_ms: self.config.deadline_ms }
        })??;
        let earlier_question = earlier.map_or("", |e| e.question);
        crate::ground::drop_invented_numbers(&mut plan, &[question, earlier_question]);
        crate::ground::drop_unstated_words(&mut plan, &[question, earlier_question]);
        crate::ground::drop_rankings(&mut plan);
        ground(&mut plan, question);
        settle(&mut plan, self.catalog());
        ledger.wall_ms += started.elapsed().as_secs_f64() * 1_000.0;
        self.events.send(Event::StageFinished { stage: Stage::Planned, elapsed_ms: ledger.wall_ms });
        let planned = PlannedQuestion {
            question: question.trim().to_owned(),
            plan,
            slice,
            stage: Stage::Planned,
            trace: vec![Stage::Planned],
            ledger,
            catalog_version: self.deps.index.version(),
        };
        Ok(self.gate(planned))
    }

    /// The confirm policy: approve by policy, or wait for a person.
    fn gate(&self, mut planned: PlannedQuestion) -> PlannedQuestion {
        let ask = match self.config.confirm {
            ConfirmPolicy::Always => true,
            // A transform writes to the database: a person looks at every one.
            ConfirmPolicy::WhenAmbiguous => planned.plan.is_ambiguous() || planned.plan.is_transform(),
            ConfirmPolicy::Never => false,
        };
        let next = if ask { Stage::AwaitingConfirmation } else { Stage::Confirmed };
        planned.stage = next;
        planned.trace.push(next);
        self.events.send(Event::PlanReady { plan: Box::new(planned.plan.clone()), needs_confirmation: ask });
        planned
    }

    /// A person's decision: edits are applied all-or-nothing and re-checked; cancel ends it.
    pub fn confirm(&self, mut planned: PlannedQuestion, decision: Decision) -> Result<ConfirmedQuestion, AgentError> {
        let edits = match decision {
            Decision::Cancel => return Err(AgentError::Cancelled),
            Decision::Approve(edits) => edits,
        };
        if !edits.is_empty() {
            planned.plan = apply_edits(&planned.plan, &edits, self.catalog())?;
        }
        let problems = transform_problems(&planned.plan, self.catalog(), self.deps.executor.dialect());
        if !problems.is_empty() {
            return Err(AgentError::InvalidTransform { problems });
        }
        if planned.stage != Stage::Confirmed {
            planned.stage = planned.stage.advance(Stage::Confirmed)?;
            planned.trace.push(Stage::Confirmed);
        }
        Ok(ConfirmedQuestion(planned))
    }

    /// Continues a question the policy confirmed; refuses one that awaits a person.
    pub async fn proceed(&self, planned: PlannedQuestion) -> Result<Outcome, AgentError> {
        if planned.stage != Stage::Confirmed {
            return Err(AgentError::ConfirmationRequired);
        }
        self.run(ConfirmedQuestion(planned)).await
    }

    /// Plans and runs a question with no person involved, for the `never` policy (batch and
    /// evaluation runs): a plan that awaits confirmation is refused, and one request for more
    /// schema is followed, since the policy confirms the widened plan too.
    pub async fn ask(&self, question: &str) -> Result<Outcome, AgentError> {
        let planned = self.plan(question).await?;
        match self.proceed(planned).await? {
            // The widened question carries the first run's ledger, so the answer counts both.
            Outcome::NeedsMoreSchema(more) if more.planned.stage() == Stage::Confirmed => {
                self.proceed(more.planned).await
            }
            outcome => Ok(outcome),
        }
    }

    /// Confirms with `decision`, then runs.
    pub async fn answer(&self, planned: PlannedQuestion, decision: Decision) -> Result<Outcome, AgentError> {
        let confirmed = self.confirm(planned, decision)?;
        self.run(confirmed).await
    }

    /// Generates, validates, executes and repairs a confirmed question; a transform stops at
    /// its sandbox preview.
    pub async fn run(&self, confirmed: ConfirmedQuestion) -> Result<Outcome, AgentError> {
        if confirmed.0.plan.is_transform() {
            return self.run_transform(confirmed.0).await.map(|preview| Outcome::Previewed(Box::new(preview)));
        }
        let started = Instant::now();
        let ConfirmedQuestion(planned) = confirmed;
        let catalog = Arc::clone(self.catalog());
        let dialect = self.deps.executor.dialect();
        let plan = planned.plan.clone();
        let hash = plan.canonical_hash();
        let base = Conversation::generation(dialect, &catalog, &plan, &planned.question);
        let mut ledger = planned.ledger.clone();
        let cached = self.deps.cache.get(self.deps.index.version(), hash);
        let from_cache = cached.is_some();
        ledger.cache_hit = from_cache;
        if !from_cache {
            let large = self.deps.large.as_ref();
            ledger.scoped_prompt_tokens = u64::from(large.estimate_prompt_tokens(&base.request(0)));
            let full = counterfactual_full_schema_request(dialect, &catalog, &plan, &planned.question);
            ledger.counterfactual_full_schema_prompt_tokens = u64::from(large.estimate_prompt_tokens(&full));
        }
        let first = match cached {
            Some(sql) => FirstSql::Cached(sql),
            None if self.config.routing == Routing::Cascade && small_first(&plan) => FirstSql::Small,
            None => FirstSql::Large,
        };
        let mut trace = planned.trace.clone();
        self.events.send(Event::StageStarted { stage: Stage::Generated });
        let run = Run {
            small: self.deps.small.as_ref(),
            large: self.deps.large.as_ref(),
            executor: self.deps.executor.as_ref(),
            config: &self.config,
            catalog: &catalog,
            policy: policy_for(&plan, &catalog, dialect, self.config.max_rows),
            plan: &plan,
            base,
            events: &self.events,
            ledger: &mut ledger,
            stage: planned.stage,
            trace: &mut trace,
            from_cache,
            intent: crate::ground::set_intent(&planned.question),
            set_logic_sent_back: false,
        };
        let outcome = match tokio::time::timeout(self.config.deadline(), run.run(first)).await {
            Ok(outcome) => outcome,
            Err(_) => {
                Err(AgentError::DeadlineExceeded { stage: Stage::Generated, deadline_ms: self.config.deadline_ms })
            }
        };
        ledger.wall_ms += started.elapsed().as_secs_f64() * 1_000.0;
        match outcome {
            Err(error) => {
                if from_cache {
                    self.deps.cache.remove(hash);
                }
                Err(error)
            }
            Ok(RunOutcome::Answered { sql, rows, notes }) => {
                crate::telemetry::record_recall(&planned.slice, sql.tables());
                self.deps.cache.insert(self.deps.index.version(), hash, sql.as_str().to_owned());
                Ok(Outcome::Answered(Answer {
                    question: planned.question,
                    plan,
                    plan_hash: hash,
                    sql: sql.as_str().to_owned(),
                    rows,
                    ledger,
                    from_cache: from_cache && trace.iter().filter(|s| **s == Stage::Generated).count() == 1,
                    trace,
                    notes,
                }))
            }
            Ok(RunOutcome::NeedsMoreSchema { tables, reason }) => {
                let mut planned = planned;
                planned.ledger = ledger;
                Ok(Outcome::NeedsMoreSchema(self.widen(planned, tables, reason)))
            }
        }
    }

    /// Back to retrieval and confirmation: a fresh slice for the question and the requested
    /// tables, the existing tables added to the plan, and the gate applied again (a wider
    /// scope is a new plan, so `always` and `when_ambiguous` ask a person again).
    fn widen(&self, mut planned: PlannedQuestion, requested: Vec<String>, reason: String) -> MoreSchema {
        let query = format!("{} {}", planned.question, requested.join(" "));
        planned.slice = self.deps.index.retrieve(&query, self.config.slice_budget_tokens);
        for table in &requested {
            let edit = [PlanEdit::AddTable { table: table.clone() }];
            match apply_edits(&planned.plan, &edit, self.catalog()) {
                Ok(plan) => planned.plan = plan,
                Err(_) => planned
                    .plan
                    .assumptions
                    .push(format!("the large model asked for `{table}`, which the catalog does not have")),
            }
        }
        planned.plan.assumptions.push(format!("tables added because the large model asked: {reason}"));
        planned.stage = Stage::Planned;
        planned.trace = vec![Stage::Planned];
        let mut gated = self.gate(planned);
        if self.config.confirm != ConfirmPolicy::Never {
            // The scope grew: whatever the policy said before, a person approves the new one.
            gated.stage = Stage::AwaitingConfirmation;
            if let Some(last) = gated.trace.last_mut() {
                *last = Stage::AwaitingConfirmation;
            }
        }
        MoreSchema { requested, reason, planned: gated }
    }
}

impl Pipeline {
    fn transformer(&self) -> Result<&dyn Transformer, AgentError> {
        self.transformer.as_deref().ok_or(AgentError::TransformsDisabled)
    }

    /// Writes the transform's SQL with the large model and previews it in the sandbox, with
    /// tiered repair; nothing is written.
    async fn run_transform(&self, planned: PlannedQuestion) -> Result<TransformPreview, AgentError> {
        let started = Instant::now();
        let transformer = self.transformer()?;
        let catalog = Arc::clone(self.catalog());
        let dialect = self.deps.executor.dialect();
        let plan = planned.plan.clone();
        let problems = transform_problems(&plan, &catalog, dialect);
        if !problems.is_empty() {
            return Err(AgentError::InvalidTransform { problems });
        }
        let Some(transform_plan) = &plan.transform else { return Err(AgentError::InvalidTransform { problems }) };
        let spec = spec_for(transform_plan, &plan.tables, &catalog);
        let base = Conversation::transform(dialect, &catalog, &plan, &planned.question);
        let mut ledger = planned.ledger.clone();
        let large = self.deps.large.as_ref();
        ledger.scoped_prompt_tokens = u64::from(large.estimate_prompt_tokens(&base.request(0)));
        let full = counterfactual_full_schema_request(dialect, &catalog, &plan, &planned.question);
        ledger.counterfactual_full_schema_prompt_tokens = u64::from(large.estimate_prompt_tokens(&full));
        let mut trace = planned.trace.clone();
        self.events.send(Event::StageStarted { stage: Stage::Generated });
        let run = TransformRun {
            small: self.deps.small.as_ref(),
            large,
            transformer,
            config: &self.config,
            catalog: &catalog,
            policy: transform_policy(&plan, &catalog, dialect),
            spec,
            base,
            events: &self.events,
            ledger: &mut ledger,
            stage: planned.stage,
            trace: &mut trace,
        };
        let previewed = tokio::time::timeout(self.config.deadline(), run.run()).await.map_err(|_| {
            AgentError::DeadlineExceeded { stage: Stage::Generated, deadline_ms: self.config.deadline_ms }
        })??;
        ledger.wall_ms += started.elapsed().as_secs_f64() * 1_000.0;
        Ok(TransformPreview {
            question: planned.question,
            plan_hash: plan.canonical_hash(),
            plan,
            sql: previewed.transform.statements().map(str::to_owned).collect(),
            preview: previewed.preview,
            ledger,
            trace,
            notes: previewed.notes,
            transform: previewed.transform,
        })
    }

    /// Applies a previewed transform for real, once: the person's approval. Refused without a
    /// database write when its checks failed, when the catalog changed since the preview
    /// (`transform_stale_preview`: call [`Pipeline::refresh_preview`] and show the new preview), or when
    /// it was applied already.
    pub async fn apply(&self, preview: &TransformPreview, actor: &str) -> Result<Applied, AgentError> {
        let started = Instant::now();
        let transformer = self.transformer()?;
        let request = self.apply_request(preview, actor);
        let record = transformer
            .apply(&preview.transform, &preview.preview.receipt, &request)
            .await
            .map_err(|source| AgentError::Transform { source })?;
        let mut ledger = preview.ledger.clone();
        if let Some(transform) = ledger.transform.as_mut() {
            transform.applied_rows = Some(record.rows_affected);
        }
        ledger.wall_ms += started.elapsed().as_secs_f64() * 1_000.0;
        let mut trace = preview.trace.clone();
        trace.push(Stage::Applied);
        self.events.send(Event::Applied { rows_affected: record.rows_affected });
        Ok(Applied { record, ledger, trace })
    }

    /// The previewed transform as a migration file instead of applying it; the same refusals
    /// as [`Pipeline::apply`].
    pub fn export(&self, preview: &TransformPreview, actor: &str) -> Result<Migration, AgentError> {
        let request = self.apply_request(preview, actor);
        self.transformer()?
            .export(&preview.transform, &preview.preview.receipt, &request)
            .map_err(|source| AgentError::Transform { source })
    }

    /// Validates the same SQL against the current catalog and previews it again, without a
    /// model call: for a preview the catalog moved under, or one restored after a restart.
    pub async fn refresh_preview(&self, preview: &TransformPreview) -> Result<TransformPreview, AgentError> {
        self.preview_sql(&preview.question, preview.plan.clone(), &preview.script(), preview.ledger.clone()).await
    }

    /// Previews stored transform SQL for a confirmed transform plan, without a model call. A
    /// plan or SQL the current catalog no longer accepts is refused with the reasons.
    pub async fn preview_sql(
        &self,
        question: &str,
        plan: Plan,
        sql: &str,
        mut ledger: Ledger,
    ) -> Result<TransformPreview, AgentError> {
        let started = Instant::now();
        let transformer = self.transformer()?;
        let catalog = Arc::clone(self.catalog());
        let dialect = self.deps.executor.dialect();
        let problems = transform_problems(&plan, &catalog, dialect);
        let Some(transform_plan) = plan.transform.as_ref().filter(|_| problems.is_empty()) else {
            return Err(AgentError::InvalidTransform { problems });
        };
        let spec = spec_for(transform_plan, &plan.tables, &catalog);
        let transform =
            tandem_sql::validate_transform(sql, &spec, &transform_policy(&plan, &catalog, dialect), &catalog)
                .map_err(|rejection| AgentError::InvalidTransform { problems: vec![rejection.to_string()] })?;
        let preview = transformer.preview(&transform).await.map_err(|source| AgentError::Transform { source })?;
        ledger.transform.get_or_insert_with(Default::default).record_preview(&spec, &preview, started.elapsed());
        ledger.wall_ms += started.elapsed().as_secs_f64() * 1_000.0;
        self.events.send(Event::PreviewReady {
            rows_affected: preview.rows_affected,
            target_rows: preview.target_rows,
            n_checks: preview.checks.len(),
            n_checks_failed: preview.failed_checks().count(),
        });
        Ok(TransformPreview {
            question: question.trim().to_owned(),
            plan_hash: plan.canonical_hash(),
            plan,
            sql: transform.statements().map(str::to_owned).collect(),
            preview,
            ledger,
            trace: vec![Stage::Confirmed, Stage::Validated, Stage::Executed, Stage::Previewed],
            notes: Vec::new(),
            transform,
        })
    }

    fn apply_request(&self, preview: &TransformPreview, actor: &str) -> ApplyRequest {
        ApplyRequest {
            actor: actor.to_owned(),
            plan_json: preview.plan.to_compact_json(),
            current_catalog: self.deps.index.version(),
            idempotency_key: None,
        }
    }
}

/// The validator's policy for a transform plan: the sources' scope, with the target readable
/// too (an upsert or insert may look at what it writes).
fn transform_policy(plan: &Plan, catalog: &Catalog, dialect: tandem_core::Dialect) -> Policy {
    let mut policy = policy_for(plan, catalog, dialect, u64::MAX);
    if let (Some(scope), Some(target)) =
        (policy.scope.as_mut(), plan.transform.as_ref().and_then(|t| resolve_table(catalog, &t.target)))
    {
        scope.tables.push(target.name.clone());
    }
    policy
}

/// A stored question brought back into a pipeline, e.g. after a restart.
#[derive(Debug)]
pub(crate) enum Restored {
    Confirmed(ConfirmedQuestion),
    AwaitingConfirmation(PlannedQuestion),
}

impl Pipeline {
    /// Rebuilds a question from its stored plan without calling a model. On the catalog it was
    /// made for, a confirmed plan stays confirmed. On a changed catalog the plan is checked
    /// again ([`AgentError::StalePlan`] when it no longer fits) and, unless the policy is
    /// `never`, goes back to a person: they approved it against a catalog that is gone.
    pub(crate) fn restore(
        &self,
        question: &str,
        mut plan: Plan,
        ledger: Ledger,
        mut trace: Vec<Stage>,
        confirmed: bool,
        stored_catalog_version: &str,
    ) -> Result<Restored, AgentError> {
        let version = self.deps.index.version();
        let same_catalog = version.to_string() == stored_catalog_version;
        if !same_catalog {
            plan = recheck_plan(plan, self.catalog()).map_err(|reason| AgentError::StalePlan { reason })?;
            plan.assumptions.push("the catalog changed since this plan was made; it was checked again".to_owned());
        }
        let query = format!("{question} {}", plan.tables.join(" "));
        let slice = self.deps.index.retrieve(&query, self.config.slice_budget_tokens);
        let stays_confirmed = confirmed && (same_catalog || self.config.confirm == ConfirmPolicy::Never);
        let stage = if stays_confirmed { Stage::Confirmed } else { Stage::AwaitingConfirmation };
        if trace.last() != Some(&stage) {
            trace.push(stage);
        }
        let planned = PlannedQuestion {
            question: question.trim().to_owned(),
            plan,
            slice,
            stage,
            trace,
            ledger,
            catalog_version: version,
        };
        Ok(if stays_confirmed {
            Restored::Confirmed(ConfirmedQuestion(planned))
        } else {
            Restored::AwaitingConfirmation(planned)
        })
    }
}

/// Whether cascade routing asks the small model first: the planner called the plan simple, or
/// it reads one table and the planner did not call it complex (a one-table query is within
/// a small coder model's reach whatever its aggregates; its SQL still has to pass every check
/// before it stands, and goes to the large model when it does not).
fn small_first(plan: &Plan) -> bool {
    match plan.complexity {
        Complexity::Simple => true,
        Complexity::Moderate => plan.tables.len() == 1,
        Complexity::Complex => false,
    }
}

/// The validator's policy for a confirmed plan: its scope (tables plus bridges) and the
/// literals of its equality-like filters.
fn policy_for(plan: &Plan, catalog: &Catalog, dialect: tandem_core::Dialect, max_rows: u64) -> Policy {
    let tables = scope_tables(plan, catalog).into_iter().map(|t| t.name.clone()).collect();
    let filters = plan
        .filters
        .iter()
        .filter(|f| {
            matches!(
                f.op,
                FilterOp::Eq
                    | FilterOp::Ne
                    | FilterOp::Lt
                    | FilterOp::Le
                    | FilterOp::Gt
                    | FilterOp::Ge
                    | FilterOp::Like
            ) && !crate::ground::is_expression(&f.value)
        })
        .map(|f| PlanFilter::new(Some(&f.column.column), f.value.trim_matches('\'')))
        .collect();
    Policy::new(dialect).with_max_rows(max_rows).with_scope(Scope { tables, filters })
}
