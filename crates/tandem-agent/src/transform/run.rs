//! Generate → validate → preview for a confirmed transform, with the same tiers of repair as
//! queries: validator findings a small model can fix go to the small model, the rest and every
//! failed quality check (a logic error) to the large model; not-retryable failures to the
//! person. The loop ends at a preview, never at a write: applying is the person's decision.

use std::time::Instant;

use tandem_core::{Catalog, RepairTier};
use tandem_exec::{Preview, Transformer};
use tandem_llm::{ChatModel, discard_deltas};
use tandem_sql::{Policy, TransformSpec, ValidatedTransform, validate_transform};

use crate::config::AgentConfig;
use crate::error::{AgentError, ModelTier};
use crate::events::{Event, EventSink};
use crate::ledger::{Ledger, TransformLedger};
use crate::prompt::Conversation;
use crate::reply::{SqlReply, read_sql_reply};
use crate::stage::Stage;

pub(crate) struct TransformRun<'a> {
    pub small: &'a dyn ChatModel,
    pub large: &'a dyn ChatModel,
    pub transformer: &'a dyn Transformer,
    pub config: &'a AgentConfig,
    pub catalog: &'a Catalog,
    pub policy: Policy,
    pub spec: TransformSpec,
    pub base: Conversation,
    pub events: &'a EventSink,
    pub ledger: &'a mut Ledger,
    pub stage: Stage,
    pub trace: &'a mut Vec<Stage>,
}

/// A transform that ran in the sandbox. Its checks may have failed when the large tier's
/// budget ran out; apply then refuses it, and the person sees why.
pub(crate) struct Previewed {
    pub transform: ValidatedTransform,
    pub preview: Preview,
    pub notes: Vec<String>,
}

struct Failure {
    tier: RepairTier,
    text: String,
    /// A preview whose checks failed, kept in case no repair fixes them.
    checked: Option<(ValidatedTransform, Preview)>,
}

impl TransformRun<'_> {
    pub(crate) async fn run(mut self) -> Result<Previewed, AgentError> {
        let budgets = self.config.budgets;
        let (mut small_left, mut large_left) = (budgets.small, budgets.large);
        let mut conversations: [Option<Conversation>; 2] = [None, None];
        let (mut reply, mut outcome) = self.attempt(ModelTier::Large, None).await?;
        let mut n_attempts = 0u32;
        loop {
            let failure = match outcome {
                Ok(previewed) => return Ok(previewed),
                Err(failure) => failure,
            };
            if failure.tier == RepairTier::NotRetryable {
                return Err(AgentError::NotRetryable { detail: failure.text, source: None });
            }
            n_attempts = n_attempts.saturating_add(1);
            let tier = match failure.tier {
                RepairTier::Rules | RepairTier::Small if small_left > 0 => ModelTier::Small,
                _ => ModelTier::Large,
            };
            if tier == ModelTier::Large && large_left == 0 {
                if let Some((transform, preview)) = failure.checked {
                    let notes = vec!["quality checks failed and repairs did not fix them; it cannot be applied".into()];
                    return self.previewed(transform, preview, notes);
                }
                return Err(AgentError::RepairBudgetExhausted {
                    n_attempts,
                    tier: failure.tier,
                    last_failure: failure.text,
                });
            }
            let (repair_tier, slot, used) = match tier {
                ModelTier::Small => {
                    small_left -= 1;
                    (RepairTier::Small, 0, budgets.small - small_left)
                }
                ModelTier::Large => {
                    large_left -= 1;
                    (RepairTier::Large, 1, budgets.large - large_left)
                }
            };
            self.events.send(Event::RepairStarted { tier: repair_tier, attempt: used, reason: failure.text.clone() });
            let conversation = conversations[slot].get_or_insert_with(|| self.base.clone());
            conversation.append_repair(&reply, &failure.text);
            let conversation = conversation.clone();
            (reply, outcome) = self.attempt(tier, Some(&conversation)).await?;
        }
    }

    /// One model call, then validation and the sandbox preview of what it wrote.
    async fn attempt(
        &mut self,
        tier: ModelTier,
        conversation: Option<&Conversation>,
    ) -> Result<(String, Result<Previewed, Failure>), AgentError> {
        let model = match tier {
            ModelTier::Small => self.small,
            ModelTier::Large => {
                if !self.stage.allows_large_model() {
                    return Err(AgentError::ConfirmationRequired);
                }
                self.large
            }
        };
        self.advance(Stage::Generated)?;
        let request = conversation.unwrap_or(&self.base).request(self.config.sql_max_tokens);
        let mut sink = discard_deltas;
        let completion =
            model.complete(&request, &mut sink).await.map_err(|source| AgentError::Model { tier, source })?;
        match tier {
            ModelTier::Small => self.ledger.record_small(&completion, &self.config.small_prices),
            ModelTier::Large => self.ledger.record_large(&completion, &self.config.large_prices),
        }
        let reply = completion.text;
        let retry_tier = if tier == ModelTier::Small { RepairTier::Small } else { RepairTier::Large };
        let sql = match read_sql_reply(&reply) {
            Ok(SqlReply::Sql(sql)) => sql,
            Ok(SqlReply::NeedTables { tables, .. }) => {
                let text = format!(
                    "a transform reads only its declared sources; `{}` is not one: write it from the schema given",
                    tables.join("`, `")
                );
                return Ok((reply, Err(Failure { tier: RepairTier::Large, text, checked: None })));
            }
            Err(problem) => return Ok((reply, Err(Failure { tier: retry_tier, text: problem, checked: None }))),
        };
        let outcome = self.check(&sql).await?;
        Ok((reply, outcome))
    }

    async fn check(&mut self, sql: &str) -> Result<Result<Previewed, Failure>, AgentError> {
        let transform = match validate_transform(sql, &self.spec, &self.policy, self.catalog) {
            Ok(transform) => transform,
            Err(rejection) => {
                let tier = match rejection.repair_tier() {
                    RepairTier::Rules => RepairTier::Small,
                    tier => tier,
                };
                let text = format!("validation: {rejection} (SQL: {sql})");
                return Ok(Err(Failure { tier, text, checked: None }));
            }
        };
        self.advance(Stage::Validated)?;
        if !transform.warnings().is_empty() {
            let findings: Vec<String> = transform.warnings().iter().map(ToString::to_string).collect();
            let text = format!("the SQL does not follow the confirmed plan: {}", findings.join("; "));
            return Ok(Err(Failure { tier: RepairTier::Large, text, checked: None }));
        }
        let sql_text: Vec<&str> = transform.statements().collect();
        self.events.send(Event::SqlReady { sql: sql_text.join(";\n"), from_cache: false });
        let started = Instant::now();
        let result = self.transformer.preview(&transform).await;
        self.advance(Stage::Executed)?;
        if let Ok(preview) = &result {
            self.ledger.transform.get_or_insert_with(TransformLedger::default).record_preview(
                &self.spec,
                preview,
                started.elapsed(),
            );
        }
        match result {
            Err(error) => {
                let text = format!("the sandbox run failed: {error}");
                Ok(Err(Failure { tier: error.repair_tier(), text, checked: None }))
            }
            Ok(preview) if !preview.passed() => {
                let failed: Vec<String> =
                    preview.failed_checks().map(|c| format!("{}: {}", c.check, c.detail)).collect();
                let text = format!(
                    "the transform ran, but quality checks failed: {}. Change the SQL so the target meets them",
                    failed.join("; ")
                );
                Ok(Err(Failure { tier: RepairTier::Large, text, checked: Some((transform, preview)) }))
            }
            Ok(preview) => self.previewed(transform, preview, Vec::new()).map(Ok),
        }
    }

    fn previewed(
        &mut self,
        transform: ValidatedTransform,
        preview: Preview,
        notes: Vec<String>,
    ) -> Result<Previewed, AgentError> {
        self.advance(Stage::Previewed)?;
        self.events.send(Event::PreviewReady {
            rows_affected: preview.rows_affected,
            target_rows: preview.target_rows,
            n_checks: preview.checks.len(),
            n_checks_failed: preview.failed_checks().count(),
        });
        Ok(Previewed { transform, preview, notes })
    }

    fn advance(&mut self, next: Stage) -> Result<(), AgentError> {
        self.stage = self.stage.advance(next)?;
        self.trace.push(next);
        Ok(())
    }
}
