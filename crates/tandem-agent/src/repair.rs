//! Generate → validate → execute, with the tiered repair loop around it.
//!
//! Every failure is classified by its own `repair_tier()` and routed: tier 0 applies the
//! validator's fixes and re-validates; tier 1 asks the small model with the error and the
//! plan-scoped schema; tier 2 asks the large model (plan-conformance findings, an empty result
//! where the plan expects rows, set logic written as a row filter where the request asks for
//! absence or both — once —, tier 1 failing twice); not-retryable failures go straight to
//! the user. Each tier has its own budget, repair turns are appended to that model's
//! conversation, and the loop ends with rows, a request for more schema, or a typed error.

use std::time::Instant;

use tandem_core::{Catalog, RepairTier};
use tandem_exec::{ExecError, Executor, Rows};
use tandem_llm::{ChatModel, discard_deltas};
use tandem_sql::{
    Policy, Rejection, SetIntent, ValidatedSql, ViolationCode, repair_with_rules, set_logic_findings, validate,
};

use crate::check::{plan_name, resolve_table};
use crate::config::AgentConfig;
use crate::error::{AgentError, ModelTier};
use crate::events::{Event, EventSink};
use crate::ledger::Ledger;
use crate::plan::Plan;
use crate::prompt::Conversation;
use crate::reply::{SqlReply, read_sql_reply};
use crate::stage::Stage;
use crate::telemetry::{self, RepairOutcome};

/// What one run needs; borrowed from the pipeline and the confirmed question.
pub(crate) struct Run<'a> {
    pub small: &'a dyn ChatModel,
    pub large: &'a dyn ChatModel,
    pub executor: &'a dyn Executor,
    pub config: &'a AgentConfig,
    pub catalog: &'a Catalog,
    pub policy: Policy,
    pub plan: &'a Plan,
    pub base: Conversation,
    pub events: &'a EventSink,
    pub ledger: &'a mut Ledger,
    pub stage: Stage,
    pub trace: &'a mut Vec<Stage>,
    /// The SQL under test came from the plan cache (until the first repair or regeneration).
    pub from_cache: bool,
    /// What the request asks of related rows, read from its words: SQL that filters joined
    /// rows one at a time where it asks for absence or both is sent back once.
    pub intent: SetIntent,
    /// A model's SQL was sent back for its set logic already.
    pub set_logic_sent_back: bool,
}

/// Where the first SQL comes from.
pub(crate) enum FirstSql {
    Large,
    /// Cascade routing: the small model first.
    Small,
    Cached(String),
}

pub(crate) enum RunOutcome {
    Answered { sql: ValidatedSql, rows: Rows, notes: Vec<String> },
    NeedsMoreSchema { tables: Vec<String>, reason: String },
}

/// A failure on its way to a tier.
struct Failure {
    tier: RepairTier,
    text: String,
    exec: Option<ExecError>,
    /// A result that ran but looks wrong (empty, or set logic as a row filter), kept in case
    /// the large tier is spent and it stands as the answer, with its note.
    fallback: Option<Fallback>,
}

struct Fallback {
    sql: ValidatedSql,
    rows: Rows,
    note: String,
}

/// The SQL under test, or a reply that held none.
#[expect(clippy::large_enum_variant, reason = "one short-lived value per repair turn; boxing buys nothing")]
enum Candidate {
    Sql { sql: String, reply: String, author: Author },
    Unreadable(Failure, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Author {
    Small,
    Large,
    /// The small model under cascade routing, or the plan cache: a failure earns a fresh
    /// large-model generation rather than a repair.
    Provisional,
}

impl Run<'_> {
    pub(crate) async fn run(mut self, first: FirstSql) -> Result<RunOutcome, AgentError> {
        // The model round (repair or regeneration) whose SQL is under test, so its outcome is
        // counted once the next round starts or the loop ends.
        let mut open = None;
        let outcome = self.rounds(first, &mut open).await;
        if let Some(tier) = open {
            let fixed = matches!(outcome, Ok(RunOutcome::Answered { .. }));
            telemetry::record_repair(tier, if fixed { RepairOutcome::Fixed } else { RepairOutcome::Failed });
        }
        outcome
    }

    async fn rounds(&mut self, first: FirstSql, open: &mut Option<RepairTier>) -> Result<RunOutcome, AgentError> {
        let mut candidate = match first {
            FirstSql::Cached(sql) => {
                let reply = serde_json::json!({ "sql": sql }).to_string();
                self.advance(Stage::Generated)?;
                Candidate::Sql { sql, reply, author: Author::Provisional }
            }
            FirstSql::Small => match self.ask(ModelTier::Small, None).await? {
                Candidate::Sql { sql, reply, .. } => Candidate::Sql { sql, reply, author: Author::Provisional },
                // A small model that cannot write it (or wants more schema) escalates at once.
                Candidate::Unreadable(..) => self.ask(ModelTier::Large, None).await?,
            },
            FirstSql::Large => self.ask(ModelTier::Large, None).await?,
        };
        if let Candidate::Unreadable(Failure { tier: RepairTier::NotRetryable, text, .. }, _) = &candidate {
            // `ask` marks a large-model request for more schema this way.
            return self.needs_more(text);
        }

        let budgets = self.config.budgets;
        let (mut rules_left, mut small_left, mut large_left) = (budgets.rules, budgets.small, budgets.large);
        let (mut small_conversation, mut large_conversation) = (None::<Conversation>, None::<Conversation>);
        let mut n_attempts = 0u32;
        loop {
            let (failure, reply, author) = match candidate {
                Candidate::Unreadable(failure, reply) => (failure, reply, Author::Large),
                Candidate::Sql { sql, reply, author } => {
                    let rules_before = rules_left;
                    let checked = self.check(sql, author, &mut rules_left).await?;
                    if rules_left < rules_before {
                        let outcome = if checked.is_ok() { RepairOutcome::Fixed } else { RepairOutcome::Failed };
                        telemetry::record_repair(RepairTier::Rules, outcome);
                    }
                    match checked {
                        Ok(answer) => return Ok(answer),
                        Err(failure) => (failure, reply, author),
                    }
                }
            };
            if failure.tier == RepairTier::NotRetryable {
                return Err(AgentError::NotRetryable { detail: failure.text, source: failure.exec });
            }
            if author == Author::Provisional {
                self.events.send(Event::RepairStarted { tier: RepairTier::Large, attempt: 0, reason: failure.text });
                start_round(open, RepairTier::Large);
                self.advance(Stage::Generated)?;
                candidate = self.ask(ModelTier::Large, None).await?;
                if let Candidate::Unreadable(Failure { tier: RepairTier::NotRetryable, text, .. }, _) = &candidate {
                    return self.needs_more(text);
                }
                continue;
            }
            n_attempts = n_attempts.saturating_add(1);
            let small_failed_twice = budgets.small.saturating_sub(small_left) >= 2;
            let tier = match failure.tier {
                RepairTier::Rules | RepairTier::Small if small_left > 0 && !small_failed_twice => ModelTier::Small,
                _ => ModelTier::Large,
            };
            if tier == ModelTier::Large && large_left == 0 {
                if let Some(last) = open.take() {
                    telemetry::record_repair(last, RepairOutcome::Failed);
                }
                telemetry::record_repair(RepairTier::Large, RepairOutcome::BudgetExhausted);
                if let Some(Fallback { sql, rows, note }) = failure.fallback {
                    return self.answered(sql, rows, vec![note]);
                }
                return Err(AgentError::RepairBudgetExhausted {
                    n_attempts,
                    tier: failure.tier,
                    last_failure: failure.text,
                });
            }
            let (repair_tier, used) = match tier {
                ModelTier::Small => (RepairTier::Small, budgets.small - small_left + 1),
                ModelTier::Large => (RepairTier::Large, budgets.large - large_left + 1),
            };
            self.events.send(Event::RepairStarted { tier: repair_tier, attempt: used, reason: failure.text.clone() });
            start_round(open, repair_tier);
            self.advance(Stage::Generated)?;
            let conversation = match tier {
                ModelTier::Small => {
                    small_left -= 1;
                    small_conversation.get_or_insert_with(|| self.base.clone())
                }
                ModelTier::Large => {
                    large_left -= 1;
                    large_conversation.get_or_insert_with(|| self.base.clone())
                }
            };
            conversation.append_repair(&reply, &failure.text);
            let conversation = conversation.clone();
            candidate = match self.ask(tier, Some(&conversation)).await {
                // The cheap tier failing outright (a crashed local model, a refused call) is one
                // more tier-1 failure: the large model still has its budget to try.
                Err(AgentError::Model { tier: ModelTier::Small, source }) => {
                    let text = format!("{} (the small model failed: {source})", failure.text);
                    small_left = 0;
                    let failure = Failure { tier: RepairTier::Large, text, exec: None, fallback: None };
                    Candidate::Unreadable(failure, reply)
                }
                other => other?,
            };
            if let Candidate::Unreadable(Failure { tier: RepairTier::NotRetryable, text, .. }, _) = &candidate {
                return self.needs_more(text);
            }
        }
    }

    /// Tier 0, validation and execution of one SQL text.
    async fn check(
        &mut self,
        sql: String,
        author: Author,
        rules_left: &mut u32,
    ) -> Result<Result<RunOutcome, Failure>, AgentError> {
        let started = Instant::now();
        let (sql, outcome) = if *rules_left > 0 {
            let repaired = repair_with_rules(&sql, &self.policy, self.catalog);
            if !repaired.applied.is_empty() {
                *rules_left -= 1;
                let n_rounds = u32::try_from(repaired.applied.len()).unwrap_or(u32::MAX);
                self.ledger.record_rules(n_rounds, started.elapsed());
                let fixes: Vec<&str> = repaired.applied.iter().map(|f| f.description.as_str()).collect();
                self.events.send(Event::RepairStarted {
                    tier: RepairTier::Rules,
                    attempt: 1,
                    reason: fixes.join("; "),
                });
            }
            (repaired.sql, repaired.outcome)
        } else {
            let outcome = validate(&sql, &self.policy, self.catalog);
            (sql, outcome)
        };
        let valid = match outcome {
            Ok(valid) => valid,
            Err(rejection) => {
                let missing = self.tables_to_join(&rejection);
                if !missing.is_empty() {
                    let reason =
                        format!("the SQL reads columns of {} without the table in the plan", missing.join(", "));
                    return self.widen(missing, reason).map(Ok);
                }
                let tier = match rejection.repair_tier() {
                    RepairTier::Rules => RepairTier::Small,
                    tier => tier,
                };
                return Ok(Err(Failure {
                    tier,
                    text: format!("validation: {rejection} (SQL: {sql})"),
                    exec: None,
                    fallback: None,
                }));
            }
        };
        self.advance(Stage::Validated)?;
        let warnings = valid.warnings();
        if warnings.iter().any(|w| w.code != ViolationCode::MissingPlanFilter) {
            // A table outside the confirmed scope: nothing is run that the person did not approve.
            let text = off_plan(warnings);
            return Ok(Err(Failure { tier: RepairTier::Large, text, exec: None, fallback: None }));
        }
        self.events.send(Event::SqlReady { sql: valid.as_str().to_owned(), from_cache: self.from_cache });
        let result = self.executor.execute(&valid, &self.config.limits()).await;
        self.advance(Stage::Executed)?;
        if !warnings.is_empty() {
            // A plan filter the SQL leaves out goes back to the large model; when its budget is
            // spent, the result stands with a note (the plan's filter may be the planner's own
            // invention, which grounding could not tell).
            let text = off_plan(warnings);
            let fallback = result.ok().map(|rows| {
                let note = format!("{text}; repairs did not change it");
                Fallback { sql: valid, rows, note }
            });
            return Ok(Err(Failure { tier: RepairTier::Large, text, exec: None, fallback }));
        }
        match result {
            Err(error) => {
                if let ExecError::Timeout { dialect, .. } = &error {
                    telemetry::record_sandbox_timeout(*dialect);
                }
                let text = format!("the database refused it: {error}");
                Ok(Err(Failure { tier: error.repair_tier(), text, exec: Some(error), fallback: None }))
            }
            Ok(rows) if rows.rows.is_empty() && self.plan.expects_rows => {
                let text = "the query returned no rows, but the plan expects rows: check join keys and that filter \
                            literals match stored values"
                    .to_owned();
                let note = "the result is empty although the plan expects rows; repairs did not change it".to_owned();
                let fallback = Some(Fallback { sql: valid, rows, note });
                Ok(Err(Failure { tier: RepairTier::Large, text, exec: None, fallback }))
            }
            Ok(rows) => {
                let findings = set_logic_findings(&valid, self.catalog, self.intent);
                if findings.is_empty() {
                    return self.answered(valid, rows, Vec::new()).map(Ok);
                }
                let findings = findings.join("; ");
                let note = format!("the SQL may not answer the question: {findings}");
                // Provisional SQL earns a fresh large-model generation; a model's own SQL is
                // sent back once, since the reading of the request's words may be wrong.
                if author != Author::Provisional {
                    if self.set_logic_sent_back {
                        return self.answered(valid, rows, vec![note]).map(Ok);
                    }
                    self.set_logic_sent_back = true;
                }
                let text = format!("the SQL runs, but {findings}");
                let fallback = Some(Fallback { sql: valid, rows, note });
                Ok(Err(Failure { tier: RepairTier::Large, text, exec: None, fallback }))
            }
        }
    }

    fn needs_more(&mut self, text: &str) -> Result<RunOutcome, AgentError> {
        self.widen(parse_need(text), reason_of(text))
    }

    fn widen(&mut self, tables: Vec<String>, reason: String) -> Result<RunOutcome, AgentError> {
        self.advance(Stage::NeedsMoreSchema)?;
        Ok(RunOutcome::NeedsMoreSchema { tables, reason })
    }

    /// Tables outside the plan's scope that a missing join needs (the validator names where
    /// the column lives): no model can join a table whose columns its prompt does not show, so
    /// the plan is widened with them instead. In a catalog of several databases, only tables
    /// of the plan's databases count.
    fn tables_to_join(&self, rejection: &Rejection) -> Vec<String> {
        // The validator's policy carries the plan's scope (tables plus bridges).
        let Some(scope) = &self.policy.scope else { return Vec::new() };
        let schemas: Vec<Option<&str>> = scope.tables.iter().map(|t| t.schema.as_deref()).collect();
        let mut tables: Vec<String> = Vec::new();
        let holders = rejection
            .fatal()
            .filter(|v| v.code == ViolationCode::MissingJoin)
            .flat_map(|v| v.suggestions.iter())
            .filter_map(|place| place.rsplit_once('.').and_then(|(table, _)| resolve_table(self.catalog, table)));
        for table in holders {
            let name = plan_name(&table.name);
            let outside = !scope.tables.contains(&table.name);
            if outside && schemas.contains(&table.name.schema.as_deref()) && !tables.contains(&name) {
                tables.push(name);
            }
        }
        tables
    }

    fn answered(&mut self, sql: ValidatedSql, rows: Rows, notes: Vec<String>) -> Result<RunOutcome, AgentError> {
        self.advance(Stage::Answered)?;
        self.events.send(Event::RowsReady { n_rows: rows.rows.len(), truncated: rows.truncated });
        Ok(RunOutcome::Answered { sql, rows, notes })
    }

    /// One model call for SQL: the base prompt, or a conversation with repair turns appended.
    /// A large model's request for more schema comes back as a not-retryable "failure" that
    /// the caller turns into [`RunOutcome::NeedsMoreSchema`].
    async fn ask(&mut self, tier: ModelTier, conversation: Option<&Conversation>) -> Result<Candidate, AgentError> {
        self.from_cache = false;
        let model = match tier {
            ModelTier::Small => self.small,
            ModelTier::Large => {
                // The invariant in one line: no large-model call before confirmation.
                if !self.stage.allows_large_model() {
                    return Err(AgentError::ConfirmationRequired);
                }
                self.large
            }
        };
        if self.stage == Stage::Confirmed {
            self.advance(Stage::Generated)?;
        }
        let request = conversation.unwrap_or(&self.base).request(self.config.sql_max_tokens);
        let mut sink = discard_deltas;
        let completion =
            model.complete(&request, &mut sink).await.map_err(|source| AgentError::Model { tier, source })?;
        match tier {
            ModelTier::Small => self.ledger.record_small(&completion, &self.config.small_prices),
            ModelTier::Large => self.ledger.record_large(&completion, &self.config.large_prices),
        }
        let reply = completion.text;
        Ok(match read_sql_reply(&reply) {
            Ok(SqlReply::Sql(sql)) => {
                let author = if tier == ModelTier::Small { Author::Small } else { Author::Large };
                Candidate::Sql { sql, reply, author }
            }
            Ok(SqlReply::NeedTables { tables, reason }) if tier == ModelTier::Large => {
                let text = serde_json::json!({ "need_tables": tables, "reason": reason }).to_string();
                Candidate::Unreadable(
                    Failure { tier: RepairTier::NotRetryable, text, exec: None, fallback: None },
                    reply,
                )
            }
            Ok(SqlReply::NeedTables { tables, .. }) => {
                let text = format!("the small model asked for tables outside the plan: {}", tables.join(", "));
                Candidate::Unreadable(Failure { tier: RepairTier::Large, text, exec: None, fallback: None }, reply)
            }
            Err(problem) => {
                let next = if tier == ModelTier::Small { RepairTier::Small } else { RepairTier::Large };
                Candidate::Unreadable(Failure { tier: next, text: problem, exec: None, fallback: None }, reply)
            }
        })
    }

    fn advance(&mut self, next: Stage) -> Result<(), AgentError> {
        self.stage = self.stage.advance(next)?;
        self.trace.push(next);
        Ok(())
    }
}

/// The plan-conformance findings, as one failure text.
fn off_plan(warnings: &[tandem_sql::Violation]) -> String {
    let findings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    format!("the SQL does not follow the confirmed plan: {}", findings.join("; "))
}

/// A new model round starts: the one before it did not produce the answer.
fn start_round(open: &mut Option<RepairTier>, tier: RepairTier) {
    if let Some(last) = open.replace(tier) {
        telemetry::record_repair(last, RepairOutcome::Failed);
    }
}

fn parse_need(text: &str) -> Vec<String> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("need_tables").cloned())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

fn reason_of(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
        .unwrap_or_default()
}
