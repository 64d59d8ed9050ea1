//! The planner: the small model turns a question and its schema slice into a Plan JSON,
//! constrained by a JSON schema, then checked against the catalog.

use tandem_core::Catalog;
use tandem_llm::{ChatModel, ChatRequest, Message, discard_deltas, extract_json};
use tandem_retrieval::SchemaSlice;

use crate::check::check_plan;
use crate::error::{AgentError, ModelTier};
use crate::ledger::{Ledger, Prices};
use crate::plan::{Plan, plan_json_schema, transform_plan_json_schema};
use crate::transform::Intent;

const SYSTEM: &str = "You plan SQL queries. Given a database schema and a question, reply with one JSON object, \
the plan: the tables and columns needed, joins (left/right columns), filters with the literal values as stored \
(see the matched values), group_by, grain, measures (aggregate + column), order_by, limit, the assumptions you \
make, open_questions for anything the question leaves undecided, and complexity (simple: one or two tables and \
no nesting; moderate; complex: nesting, windows or several aggregates). Use only names from the schema.";

const TRANSFORM_SYSTEM: &str = "You plan data transforms: the request asks to write a table or view from the \
data. Given a database schema and the request, reply with one JSON object, the plan: tables (the source tables \
read), columns, joins (left/right columns), filters with the literal values as stored, group_by, measures \
(aggregate + column), and transform: target (the table or view to write: the name the request gives, else a new \
snake_case name), target_kind (table or view), write (create_as_select: a new table or view; insert_select: add \
rows to an existing table; upsert: insert or update rows of an existing table matched on key columns; replace: \
replace the target's contents), key (the upsert's key columns), expect (unique: column lists that identify a row \
of the target; not_null: target columns that must have values; min_rows). Use only names from the schema.";

/// How the planner is called.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlannerSettings<'a> {
    pub max_tokens: u32,
    /// Calls allowed, the first included; later ones append what was wrong with the reply.
    pub n_attempts: u32,
    pub prices: &'a Prices,
    /// A transform plan carries a required `transform` section.
    pub intent: Intent,
}

/// The turn a follow-up question builds on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EarlierTurn<'a> {
    pub question: &'a str,
    pub plan: &'a Plan,
}

/// Asks the small model for a plan and checks it. A follow-up question sees the earlier
/// question and plan, so "only those in 2014" edits the earlier plan instead of starting over.
pub(crate) async fn write_plan(
    small: &dyn ChatModel,
    question: &str,
    earlier: Option<EarlierTurn<'_>>,
    slice: &SchemaSlice,
    catalog: &Catalog,
    settings: PlannerSettings<'_>,
    ledger: &mut Ledger,
) -> Result<Plan, AgentError> {
    let mut user = format!("Schema:\n{}\n", slice.text);
    if let Some(earlier) = earlier {
        let plan = serde_json::to_string(earlier.plan).unwrap_or_default();
        user.push_str(&format!(
            "Earlier question: {}\nEarlier plan: {plan}\nThe question below follows up on the earlier one: \
             start from the earlier plan and change only what the question asks.\n",
            earlier.question.trim()
        ));
    }
    user.push_str(&format!("Question: {}", question.trim()));
    let (system, schema) = match settings.intent {
        Intent::Query => (SYSTEM, plan_json_schema()),
        Intent::Transform => (TRANSFORM_SYSTEM, transform_plan_json_schema()),
    };
    let mut messages = vec![Message::system(system), Message::user(user)];
    let mut last_problem = String::from("no attempt was made");
    for _ in 0..settings.n_attempts.max(1) {
        let request = ChatRequest::new(messages.clone())
            .with_max_tokens(settings.max_tokens)
            .with_json_schema("plan", schema.clone());
        let mut sink = discard_deltas;
        let completion = small
            .complete(&request, &mut sink)
            .await
            .map_err(|source| AgentError::Model { tier: ModelTier::Small, source })?;
        ledger.record_small(&completion, settings.prices);
        tracing::debug!(reply = %completion.text, "planner reply");
        let parsed = extract_json(&completion.text)
            .map_err(|e| e.to_string())
            .and_then(|value| serde_json::from_value::<Plan>(value).map_err(|e| e.to_string()));
        let parsed = parsed.and_then(|plan| match (settings.intent, &plan.transform) {
            (Intent::Transform, None) => Err("the plan has no transform section".to_owned()),
            _ => Ok(plan),
        });
        match parsed {
            Ok(mut plan) => {
                match plan.transform.as_ref().map(|t| t.target.trim().to_owned()) {
                    _ if settings.intent == Intent::Query => plan.transform = None,
                    // The target is written, not read: keep it out of the sources the checker
                    // resolves (a new target is not in the catalog yet).
                    Some(target) => {
                        let other = |table: &str| !table.eq_ignore_ascii_case(&target);
                        plan.tables.retain(|t| other(t));
                        plan.columns.retain(|c| other(&c.table));
                        plan.group_by.retain(|c| other(&c.table));
                    }
                    None => {}
                }
                return check_plan(plan, catalog, slice);
            }
            Err(problem) => {
                messages.push(Message::assistant(completion.text));
                messages.push(Message::user(format!(
                    "That was not a valid plan ({problem}). Reply with the plan JSON only."
                )));
                last_problem = problem;
            }
        }
    }
    Err(AgentError::UnreadablePlan { detail: last_problem })
}
