//! How one gate is sized: fixed caps, queue bounds and the optional adaptive token budget.
//!
//! These are plain structs without serde: the configuration file is parsed at the edge
//! (`tandem-cli`) and mapped onto them. Nonsensical values are normalised, never rejected with
//! a panic, so a gate can always be built; [`GateConfig::normalised`] documents how.

use std::time::Duration;

/// Sizing of one [`AdmissionGate`](super::AdmissionGate), one per model endpoint (replica).
#[derive(Debug, Clone, PartialEq)]
pub struct GateConfig {
    /// Requests allowed in flight at once (the seed's 2–4 per replica for the large model).
    /// Zero is treated as one, since a gate that admits nothing would only ever time out.
    pub max_in_flight: usize,
    /// A fixed cap on the (estimated) prompt tokens in flight. `None` means no token cap.
    /// Ignored when `adaptive` is set: the adaptive controller owns the budget then.
    pub max_prompt_tokens_in_flight: Option<u32>,
    /// Waiters allowed in the queue; one more is refused at once with `QueueFull`. Zero means
    /// "never queue": a call is admitted immediately or refused.
    pub max_queue: usize,
    /// How long a call may wait in the queue before it is refused with `DeadlineExceeded`.
    pub queue_deadline: Duration,
    /// Learn the token budget from observed time to first token instead of fixing it.
    pub adaptive: Option<AdaptiveConfig>,
}

impl Default for GateConfig {
    fn default() -> Self {
        Self {
            max_in_flight: 4,
            max_prompt_tokens_in_flight: None,
            max_queue: 64,
            queue_deadline: Duration::from_secs(30),
            adaptive: None,
        }
    }
}

impl GateConfig {
    /// The configuration the gate actually runs with: at least one request in flight, and a
    /// consistent adaptive configuration (see [`AdaptiveConfig::normalised`]).
    pub fn normalised(&self) -> GateConfig {
        GateConfig {
            max_in_flight: self.max_in_flight.max(1),
            max_prompt_tokens_in_flight: self.max_prompt_tokens_in_flight,
            max_queue: self.max_queue,
            queue_deadline: self.queue_deadline,
            adaptive: self.adaptive.as_ref().map(AdaptiveConfig::normalised),
        }
    }
}

/// The adaptive token budget: `budget = prefill_rate × (ttft_target − overhead)`, with the
/// prefill rate learned from observed time to first token (see the module docs of
/// [`admission`](super) for the control law).
#[derive(Debug, Clone, PartialEq)]
pub struct AdaptiveConfig {
    /// The time to first token the gate tries to keep.
    pub ttft_target: Duration,
    /// The part of time to first token that does not scale with prompt tokens (network,
    /// scheduling, the first decode step).
    pub overhead: Duration,
    /// The budget never shrinks below this, so the gate keeps admitting work to learn from.
    pub min_budget_tokens: u32,
    /// The budget never grows above this (KV-cache size, the server's batch token limit).
    pub max_budget_tokens: u32,
    /// The prefill rate assumed before the first observation.
    pub initial_prefill_tokens_per_s: f64,
    /// Weight of a new observation in the moving average of the prefill rate, in (0, 1].
    /// Higher reacts faster and is noisier.
    pub smoothing: f64,
}

impl Default for AdaptiveConfig {
    fn default() -> Self {
        Self {
            ttft_target: Duration::from_secs(2),
            overhead: Duration::from_millis(200),
            min_budget_tokens: 1_024,
            max_budget_tokens: 262_144,
            initial_prefill_tokens_per_s: 4_000.0,
            smoothing: 0.25,
        }
    }
}

/// Used when `smoothing` is not a usable weight.
const DEFAULT_SMOOTHING: f64 = 0.25;

impl AdaptiveConfig {
    /// The prefill window: how much of the target is left for prefill work.
    pub fn prefill_window(&self) -> Duration {
        self.ttft_target.saturating_sub(self.overhead)
    }

    /// The configuration the controller actually runs with: `max_budget_tokens` at least
    /// `min_budget_tokens` (and at least one token), `smoothing` in (0, 1], and a finite,
    /// positive initial rate (a missing one starts from the minimum budget).
    pub fn normalised(&self) -> AdaptiveConfig {
        let min_budget_tokens = self.min_budget_tokens.max(1);
        let max_budget_tokens = self.max_budget_tokens.max(min_budget_tokens);
        let smoothing = if self.smoothing.is_finite() && self.smoothing > 0.0 {
            self.smoothing.min(1.0)
        } else {
            DEFAULT_SMOOTHING
        };
        let window_s = self.prefill_window().as_secs_f64();
        let initial_prefill_tokens_per_s =
            if self.initial_prefill_tokens_per_s.is_finite() && self.initial_prefill_tokens_per_s > 0.0 {
                self.initial_prefill_tokens_per_s
            } else if window_s > 0.0 {
                f64::from(min_budget_tokens) / window_s
            } else {
                f64::from(min_budget_tokens)
            };
        AdaptiveConfig {
            ttft_target: self.ttft_target,
            overhead: self.overhead,
            min_budget_tokens,
            max_budget_tokens,
            initial_prefill_tokens_per_s,
            smoothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_in_flight_becomes_one() {
        let config = GateConfig { max_in_flight: 0, ..GateConfig::default() }.normalised();
        assert_eq!(config.max_in_flight, 1);
    }

    #[test]
    fn adaptive_bounds_and_rates_are_made_consistent() {
        let config = AdaptiveConfig {
            min_budget_tokens: 500,
            max_budget_tokens: 100,
            initial_prefill_tokens_per_s: f64::NAN,
            smoothing: 7.0,
            ttft_target: Duration::from_secs(1),
            overhead: Duration::from_millis(500),
        }
        .normalised();
        assert_eq!((config.min_budget_tokens, config.max_budget_tokens), (500, 500));
        assert!((config.smoothing - 1.0).abs() < f64::EPSILON);
        assert!((config.initial_prefill_tokens_per_s - 1_000.0).abs() < 1e-9);
    }

    #[test]
    fn overhead_above_target_leaves_no_window() {
        let config = AdaptiveConfig { overhead: Duration::from_secs(9), ..AdaptiveConfig::default() };
        assert_eq!(config.prefill_window(), Duration::ZERO);
    }
}
