//! The baseline the design argues against, kept apart from the pipeline so it can be measured:
//! the large model gets the whole catalog and the question (no retrieval, no plan, no
//! confirmation) and does every repair itself (no rules, no small model).
//!
//! It exists for `tandem eval --mode large-full-schema`. It deliberately breaks the
//! pipeline's scope invariant (the whole schema reaches the large model), so nothing but the
//! evaluation harness should drive it. Its prompt still comes from [`crate::prompt`], its SQL
//! still passes the validator before the executor sees it, and it keeps the same [`Ledger`].

use std::sync::Arc;
use std::time::Instant;

use tandem_core::{Catalog, RepairTier};
use tandem_exec::{Executor, Rows};
use tandem_llm::{ChatModel, discard_deltas};
use tandem_sql::{Policy, validate};

use crate::config::AgentConfig;
use crate::error::{AgentError, ModelTier};
use crate::ledger::Ledger;
use crate::prompt::Conversation;
use crate::reply::{SqlReply, read_sql_reply};
use crate::stage::Stage;

/// The large model alone, with the full schema.
#[derive(Debug, Clone)]
pub struct Baseline {
    large: Arc<dyn ChatModel>,
    executor: Arc<dyn Executor>,
    catalog: Arc<Catalog>,
    config: AgentConfig,
}

/// The baseline's answer: the SQL that ran, its rows, and what it cost.
#[derive(Debug)]
pub struct BaselineAnswer {
    pub sql: String,
    pub rows: Rows,
    /// Every call is a large-model call; `scoped_prompt_tokens` and the counterfactual are
    /// both the full-schema prompt.
    pub ledger: Ledger,
    /// Repair turns after the first generation.
    pub n_repairs: u32,
}

impl Baseline {
    /// The repair budget is the pipeline's model-tier budgets together (`small + large`), so
    /// both designs get the same number of repair turns.
    pub fn new(
        large: Arc<dyn ChatModel>,
        executor: Arc<dyn Executor>,
        catalog: Arc<Catalog>,
        config: AgentConfig,
    ) -> Self {
        Self { large, executor, catalog, config }
    }

    /// Prompt tokens of the first (full-schema) prompt for `question`, as the large model
    /// counts them.
    pub fn prompt_tokens(&self, question: &str) -> u64 {
        let conversation = Conversation::full_schema(self.executor.dialect(), &self.catalog, question);
        u64::from(self.large.estimate_prompt_tokens(&conversation.request(self.config.sql_max_tokens)))
    }

    /// Generates, validates and executes, repairing with the large model until the budget is
    /// spent or the deadline passes.
    pub async fn ask(&self, question: &str) -> Result<BaselineAnswer, AgentError> {
        if question.trim().is_empty() {
            return Err(AgentError::EmptyQuestion);
        }
        let started = Instant::now();
        let mut ledger = Ledger::default();
        let tokens = self.prompt_tokens(question);
        ledger.scoped_prompt_tokens = tokens;
        ledger.counterfactual_full_schema_prompt_tokens = tokens;
        let run = self.attempts(question, &mut ledger);
        let outcome =
            tokio::time::timeout(self.config.deadline(), run).await.unwrap_or(Err(AgentError::DeadlineExceeded {
                stage: Stage::Generated,
                deadline_ms: self.config.deadline_ms,
            }));
        ledger.wall_ms = started.elapsed().as_secs_f64() * 1_000.0;
        outcome.map(|(sql, rows, n_repairs)| BaselineAnswer { sql, rows, ledger, n_repairs })
    }

    async fn attempts(&self, question: &str, ledger: &mut Ledger) -> Result<(String, Rows, u32), AgentError> {
        let dialect = self.executor.dialect();
        let policy = Policy::new(dialect).with_max_rows(self.config.max_rows);
        let budget = self.config.budgets.small.saturating_add(self.config.budgets.large);
        let mut conversation = Conversation::full_schema(dialect, &self.catalog, question);
        let mut n_repairs = 0u32;
        loop {
            let request = conversation.request(self.config.sql_max_tokens);
            let mut sink = discard_deltas;
            let completion = self
                .large
                .complete(&request, &mut sink)
                .await
                .map_err(|source| AgentError::Model { tier: ModelTier::Large, source })?;
            ledger.record_large(&completion, &self.config.large_prices);
            let reply = completion.text;
            let failure = match read_sql_reply(&reply) {
                Ok(SqlReply::Sql(sql)) => match validate(&sql, &policy, &self.catalog) {
                    Ok(valid) => match self.executor.execute(&valid, &self.config.limits()).await {
                        Ok(rows) => return Ok((valid.as_str().to_owned(), rows, n_repairs)),
                        Err(error) if error.repair_tier() == RepairTier::NotRetryable => {
                            return Err(AgentError::NotRetryable { detail: error.to_string(), source: Some(error) });
                        }
                        Err(error) => format!("the database refused it: {error}"),
                    },
                    Err(rejection) if rejection.repair_tier() == RepairTier::NotRetryable => {
                        return Err(AgentError::NotRetryable { detail: rejection.to_string(), source: None });
                    }
                    Err(rejection) => format!("validation: {rejection} (SQL: {sql})"),
                },
                Ok(SqlReply::NeedTables { tables, .. }) => {
                    format!("every table is in the schema above, and {} is not one of them", tables.join(", "))
                }
                Err(problem) => problem,
            };
            if n_repairs >= budget {
                return Err(AgentError::RepairBudgetExhausted {
                    n_attempts: n_repairs,
                    tier: RepairTier::Large,
                    last_failure: failure,
                });
            }
            n_repairs += 1;
            conversation.append_repair(&reply, &failure);
        }
    }
}
