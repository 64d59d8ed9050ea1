//! The ledger: what one question cost, per tier, and what the full-schema prompt would have
//! cost the large model instead.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tandem_llm::Completion;

/// Prices of one model, in currency units per million tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Prices {
    pub input_per_million: f64,
    pub cached_input_per_million: f64,
    pub output_per_million: f64,
}

impl Prices {
    fn cost(&self, uncached: u64, cached: u64, completion: u64) -> f64 {
        (uncached as f64 * self.input_per_million
            + cached as f64 * self.cached_input_per_million
            + completion as f64 * self.output_per_million)
            / 1_000_000.0
    }
}

/// What one tier spent on one question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TierLedger {
    pub n_calls: u32,
    pub prompt_tokens: u64,
    pub cached_prompt_tokens: u64,
    pub uncached_prompt_tokens: u64,
    pub completion_tokens: u64,
    pub queue_wait_ms: f64,
    /// Summed over calls; divide by `n_calls` for the mean.
    pub time_to_first_token_ms: f64,
    pub wall_ms: f64,
    pub cost: f64,
}

impl TierLedger {
    fn record(&mut self, completion: &Completion, prices: &Prices) {
        let usage = completion.usage;
        let uncached = u64::from(usage.uncached_prompt_tokens());
        let cached = u64::from(usage.cached_prompt_tokens);
        let output = u64::from(usage.completion_tokens);
        self.n_calls = self.n_calls.saturating_add(1);
        self.prompt_tokens += u64::from(usage.prompt_tokens);
        self.cached_prompt_tokens += cached;
        self.uncached_prompt_tokens += uncached;
        self.completion_tokens += output;
        self.queue_wait_ms += ms(completion.timing.queue_wait);
        self.time_to_first_token_ms += ms(completion.timing.time_to_first_token);
        self.wall_ms += ms(completion.timing.total);
        self.cost += prices.cost(uncached, cached, output);
    }
}

/// Per-question accounting, serialisable for the CLI, the HTTP API and the eval harness.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    pub small: TierLedger,
    pub large: TierLedger,
    /// Tier 0: `n_calls` counts rule rounds that applied fixes; no tokens, no cost.
    pub rules: TierLedger,
    /// Prompt tokens of the large model's first generation prompt had it carried the whole
    /// catalog instead of the plan's scope (same prefix, plan and question).
    pub counterfactual_full_schema_prompt_tokens: u64,
    /// Prompt tokens of the plan-scoped generation prompt actually built (0 on a cache hit).
    pub scoped_prompt_tokens: u64,
    /// The SQL came from the plan cache.
    pub cache_hit: bool,
    pub wall_ms: f64,
    /// What a transform's sandbox preview (and its apply) did; absent for queries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<TransformLedger>,
}

/// The transform part of a ledger: the last preview, how many ran, and the apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransformLedger {
    pub target: String,
    pub write: String,
    /// Sandbox runs, repairs included.
    pub n_previews: u32,
    /// How the last preview left the database unchanged (`file_copy`, `rolled_back_transaction`, …).
    pub preview_method: String,
    pub rows_affected: u64,
    /// Rows in the target after the transform.
    pub target_rows: u64,
    pub n_checks: u32,
    pub n_checks_failed: u32,
    /// Time in the sandbox, summed over previews.
    pub preview_ms: f64,
    /// Rows the apply wrote; `None` until applied.
    pub applied_rows: Option<u64>,
}

impl TransformLedger {
    /// Records one sandbox run of the transform declared by `spec`, taking `elapsed`.
    pub(crate) fn record_preview(
        &mut self,
        spec: &tandem_sql::TransformSpec,
        preview: &tandem_exec::Preview,
        elapsed: Duration,
    ) {
        self.target = spec.target.to_string();
        self.write = spec.write.as_str().to_owned();
        self.n_previews = self.n_previews.saturating_add(1);
        self.preview_ms += ms(elapsed);
        self.preview_method = preview.method.as_str().to_owned();
        self.rows_affected = preview.rows_affected;
        self.target_rows = preview.target_rows;
        self.n_checks = u32::try_from(preview.checks.len()).unwrap_or(u32::MAX);
        self.n_checks_failed = u32::try_from(preview.failed_checks().count()).unwrap_or(u32::MAX);
    }
}

impl Ledger {
    pub fn record_small(&mut self, completion: &Completion, prices: &Prices) {
        self.small.record(completion, prices);
    }

    pub fn record_large(&mut self, completion: &Completion, prices: &Prices) {
        self.large.record(completion, prices);
    }

    pub fn record_rules(&mut self, n_rounds: u32, elapsed: Duration) {
        self.rules.n_calls = self.rules.n_calls.saturating_add(n_rounds);
        self.rules.wall_ms += ms(elapsed);
    }

    pub fn total_cost(&self) -> f64 {
        self.small.cost + self.large.cost
    }

    /// Large-model prompt tokens the plan scope saved on the first generation prompt.
    pub fn saved_prompt_tokens(&self) -> u64 {
        self.counterfactual_full_schema_prompt_tokens.saturating_sub(self.scoped_prompt_tokens)
    }

    /// Adds another ledger's figures (a re-plan after "need more schema" keeps one ledger).
    pub fn absorb(&mut self, other: &Ledger) {
        for (mine, theirs) in
            [(&mut self.small, &other.small), (&mut self.large, &other.large), (&mut self.rules, &other.rules)]
        {
            mine.n_calls = mine.n_calls.saturating_add(theirs.n_calls);
            mine.prompt_tokens += theirs.prompt_tokens;
            mine.cached_prompt_tokens += theirs.cached_prompt_tokens;
            mine.uncached_prompt_tokens += theirs.uncached_prompt_tokens;
            mine.completion_tokens += theirs.completion_tokens;
            mine.queue_wait_ms += theirs.queue_wait_ms;
            mine.time_to_first_token_ms += theirs.time_to_first_token_ms;
            mine.wall_ms += theirs.wall_ms;
            mine.cost += theirs.cost;
        }
        self.wall_ms += other.wall_ms;
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

#[cfg(test)]
mod tests {
    use tandem_llm::{FinishReason, Timing, Usage};

    use super::*;

    #[test]
    fn cost_splits_cached_and_uncached_input() {
        let completion = Completion {
            text: String::new(),
            finish_reason: FinishReason::Stop,
            usage: Usage { prompt_tokens: 1_000_000, cached_prompt_tokens: 400_000, completion_tokens: 100_000 },
            timing: Timing {
                queue_wait: Duration::from_millis(5),
                time_to_first_token: Duration::from_millis(7),
                total: Duration::from_millis(9),
            },
            model: "m".into(),
        };
        let prices = Prices { input_per_million: 1.0, cached_input_per_million: 0.1, output_per_million: 2.0 };
        let mut ledger = Ledger::default();
        ledger.record_large(&completion, &prices);
        assert_eq!(ledger.large.uncached_prompt_tokens, 600_000);
        assert!((ledger.large.cost - (0.6 + 0.04 + 0.2)).abs() < 1e-9);
        assert!((ledger.large.queue_wait_ms - 5.0).abs() < 1e-9);
        assert_eq!(ledger.small.n_calls, 0);
    }
}
