//! The pipeline at the heart of tandem: question → plan (small model) → confirm (a person) →
//! SQL (large model, plan-scoped prompt) → validate → execute → tiered repair → answer with a
//! ledger of what each tier cost.
//!
//! What it must never do: call the large model before the plan is confirmed (unless the confirm
//! policy is `never`), put a table outside the confirmed plan's scope into a large-model prompt
//! (the [`prompt`] module is the only place one is made), hand anything but
//! [`tandem_sql::ValidatedSql`] to an executor, name a concrete model or database backend (it
//! holds `Arc<dyn ChatModel>` and `Arc<dyn Executor>` only), or panic on any input.
//!
//! The one exception is [`Baseline`], the full-schema large-model path kept apart for
//! `tandem eval` to measure the design against; nothing else drives it.
//!
//! Main types: [`Plan`] (the versioned Plan JSON) with [`PlanEdit`] and [`apply_edits`],
//! [`Stage`] (the state machine), [`Pipeline`] with [`PlannedQuestion`] and [`Outcome`],
//! [`Ledger`], [`Event`], [`PlanCache`] and [`AgentError`]; [`telemetry`] names the metrics it
//! records.
//!
//! ```no_run
//! use std::sync::Arc;
//! use tandem_agent::{AgentConfig, AgentError, Decision, Deps, Outcome, Pipeline, PlanCache};
//!
//! async fn ask(
//!     small: Arc<dyn tandem_llm::ChatModel>,
//!     large: Arc<dyn tandem_llm::ChatModel>,
//!     executor: Arc<dyn tandem_exec::Executor>,
//!     index: Arc<tandem_retrieval::SchemaIndex>,
//! ) -> Result<(), AgentError> {
//!     let cache = Arc::new(PlanCache::default());
//!     let pipeline = Pipeline::new(Deps { small, large, executor, index, cache }, AgentConfig::default());
//!     let planned = pipeline.plan("Total order amount per customer in France?").await?;
//!     // Show `planned.plan()`; when `planned.needs_confirmation()`, let the person decide.
//!     match pipeline.answer(planned, Decision::Approve(Vec::new())).await? {
//!         Outcome::Answered(answer) => drop((answer.sql, answer.rows, answer.ledger)),
//!         // The plan came back with the requested tables added: show it and confirm again.
//!         Outcome::NeedsMoreSchema(more) => drop(more.planned),
//!         // A request that writes a table stops at its sandbox preview (only with a
//!         // transformer): `pipeline.apply(&preview, "alice")` once the person approves.
//!         Outcome::Previewed(preview) => drop(preview.preview.checks),
//!     }
//!     Ok(())
//! }
//! ```

mod baseline;
mod cache;
mod check;
mod config;
mod edit;
mod error;
mod events;
mod ground;
mod ledger;
mod pipeline;
mod plan;
mod planner;
pub mod prompt;
mod repair;
mod reply;
pub mod session;
mod stage;
pub mod telemetry;
pub mod transform;

pub use baseline::{Baseline, BaselineAnswer};
pub use cache::PlanCache;
pub use config::{AgentConfig, ConfirmPolicy, RepairBudgets, Routing};
pub use events::{Event, EventSink};
pub use ledger::{Ledger, Prices, TierLedger, TransformLedger};
pub use pipeline::{Answer, ConfirmedQuestion, Decision, Deps, MoreSchema, Outcome, Pipeline, PlannedQuestion};
pub use session::{SessionError, SessionEvent, SessionId, SessionStore, Sessions, TurnRecord, TurnStatus};

pub use check::{check_plan, resolve_table};
pub use edit::{PlanEdit, apply_edits};
pub use error::{AgentError, EditRejection, ModelTier};
pub use plan::{
    Aggregate, ColumnRef, Complexity, Filter, FilterOp, Join, Measure, OrderBy, PLAN_VERSION, Plan, PlanExpectations,
    PlanHash, TargetKind, TransformPlan, WriteMode, plan_json_schema, transform_plan_json_schema,
};
pub use stage::Stage;
pub use transform::{Applied, Intent, TransformPreview};
