//! The adaptive token budget: a learned prefill rate turned into `rate × (target − overhead)`.
//!
//! Pure arithmetic with no clock and no lock, so the control law is tested on its own; the
//! gate calls [`AdaptiveBudget::observe`] under its lock and re-reads the budget.

use std::time::Duration;

use super::config::AdaptiveConfig;

/// A prefill that apparently took no time still took some; this keeps the sample finite.
const MIN_PREFILL_S: f64 = 1e-3;
/// One sample may pull the rate at most down to a quarter or up to double, so a single outlier
/// (a stalled connection, a surprise cache hit) moves the budget by a bounded step.
const MAX_STEP_DOWN: f64 = 0.25;
const MAX_STEP_UP: f64 = 2.0;

/// The learned prefill rate of one endpoint and the token budget it implies.
#[derive(Debug, Clone)]
pub(crate) struct AdaptiveBudget {
    config: AdaptiveConfig,
    prefill_tokens_per_s: f64,
}

impl AdaptiveBudget {
    pub(crate) fn new(config: &AdaptiveConfig) -> Self {
        let config = config.normalised();
        let initial = config.initial_prefill_tokens_per_s;
        let mut budget = Self { config, prefill_tokens_per_s: initial };
        budget.prefill_tokens_per_s = budget.clamp_rate(initial);
        budget
    }

    /// The current estimate of the endpoint's prefill rate.
    pub(crate) fn prefill_tokens_per_s(&self) -> f64 {
        self.prefill_tokens_per_s
    }

    /// `rate × (ttft_target − overhead)`, within `[min_budget_tokens, max_budget_tokens]`.
    pub(crate) fn budget_tokens(&self) -> u32 {
        let raw = self.prefill_tokens_per_s * self.config.prefill_window().as_secs_f64();
        let min = f64::from(self.config.min_budget_tokens);
        let max = f64::from(self.config.max_budget_tokens);
        // `as` saturates and maps NaN to zero; the clamp keeps the result within bounds anyway.
        raw.clamp(min, max) as u32
    }

    /// Learns from one call: it waited `time_to_first_token` for `work_tokens` of prefill,
    /// the prompt tokens already in flight when it was admitted plus its own uncached ones.
    pub(crate) fn observe(&mut self, time_to_first_token: Duration, work_tokens: u64) {
        if work_tokens == 0 {
            // A fully cached prompt alone says nothing about the prefill rate.
            return;
        }
        let prefill_s = time_to_first_token.saturating_sub(self.config.overhead).as_secs_f64().max(MIN_PREFILL_S);
        let rate = self.prefill_tokens_per_s;
        let sample = (work_tokens as f64 / prefill_s).clamp(rate * MAX_STEP_DOWN, rate * MAX_STEP_UP);
        let next = rate + self.config.smoothing * (sample - rate);
        self.prefill_tokens_per_s = self.clamp_rate(next);
    }

    /// Keeps the rate where the budget clamp is not yet binding. Without this the estimate
    /// would wind up far past `max_budget_tokens` during a quiet spell and take many slow
    /// calls to come back (anti-windup).
    fn clamp_rate(&self, rate: f64) -> f64 {
        let window_s = self.config.prefill_window().as_secs_f64();
        if !rate.is_finite() || rate <= 0.0 {
            return self.config.initial_prefill_tokens_per_s;
        }
        if window_s <= 0.0 {
            // No prefill window: the budget sits at its minimum whatever the rate.
            return rate;
        }
        let min = f64::from(self.config.min_budget_tokens) / window_s;
        let max = f64::from(self.config.max_budget_tokens) / window_s;
        rate.clamp(min, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AdaptiveConfig {
        AdaptiveConfig {
            ttft_target: Duration::from_secs(2),
            overhead: Duration::from_secs(1),
            min_budget_tokens: 500,
            max_budget_tokens: 20_000,
            initial_prefill_tokens_per_s: 4_000.0,
            smoothing: 0.5,
        }
    }

    #[test]
    fn starts_at_rate_times_window() {
        assert_eq!(AdaptiveBudget::new(&config()).budget_tokens(), 4_000);
    }

    #[test]
    fn shrinks_under_slow_first_tokens_and_grows_back_under_fast_ones() {
        let mut budget = AdaptiveBudget::new(&config());
        let mut last = budget.budget_tokens();
        // A full budget of work took 4 s of prefill instead of 1 s: the endpoint is slower.
        for _ in 0..40 {
            budget.observe(Duration::from_secs(5), u64::from(budget.budget_tokens()));
            let now = budget.budget_tokens();
            assert!(now <= last, "budget grew from {last} to {now} under slow first tokens");
            last = now;
        }
        assert_eq!(last, 500, "the budget stops at its minimum");

        // Now a full budget of work takes 0.1 s of prefill: grow, but never past the maximum.
        for _ in 0..40 {
            budget.observe(Duration::from_millis(1_100), u64::from(budget.budget_tokens()));
            let now = budget.budget_tokens();
            assert!(now >= last, "budget shrank from {last} to {now} under fast first tokens");
            last = now;
        }
        assert_eq!(last, 20_000, "the budget stops at its maximum");
    }

    #[test]
    fn converges_on_a_linear_prefill_server() {
        // A server that prefills 3,000 tokens/s first-come first-served: a call admitted with
        // `work` tokens ahead of and including it sees overhead + work / rate.
        let mut budget = AdaptiveBudget::new(&config());
        for _ in 0..30 {
            let work = u64::from(budget.budget_tokens());
            let ttft = Duration::from_secs(1) + Duration::from_secs_f64(work as f64 / 3_000.0);
            budget.observe(ttft, work);
        }
        assert!((budget.prefill_tokens_per_s() - 3_000.0).abs() < 30.0, "{}", budget.prefill_tokens_per_s());
        assert!(budget.budget_tokens().abs_diff(3_000) < 30);
    }

    #[test]
    fn one_outlier_moves_the_budget_a_bounded_step() {
        let mut budget = AdaptiveBudget::new(&config());
        budget.observe(Duration::from_secs(3_600), 4_000);
        // Smoothing 0.5 towards at most a quarter of the rate: 4,000 → 2,500.
        assert_eq!(budget.budget_tokens(), 2_500);
        budget.observe(Duration::ZERO, 4_000);
        assert_eq!(budget.budget_tokens(), 3_750);
    }

    #[test]
    fn ignores_calls_with_no_prefill_work() {
        let mut budget = AdaptiveBudget::new(&config());
        budget.observe(Duration::from_secs(60), 0);
        assert_eq!(budget.budget_tokens(), 4_000);
    }

    #[test]
    fn no_window_means_minimum_budget() {
        let config = AdaptiveConfig { overhead: Duration::from_secs(5), ..config() };
        let mut budget = AdaptiveBudget::new(&config);
        assert_eq!(budget.budget_tokens(), 500);
        budget.observe(Duration::from_millis(10), 100_000);
        assert_eq!(budget.budget_tokens(), 500);
    }
}
