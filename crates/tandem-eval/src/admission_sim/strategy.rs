//! The admission strategies compared: no gate, flat request caps, a fixed token budget and the
//! adaptive budget. Each gated one is a [`GateConfig`] for the real gate.

use std::time::Duration;

use tandem_llm::admission::{AdaptiveConfig, GateConfig};

use super::preset::ServerPreset;

/// Long enough that no simulated call is ever refused: strategies are compared on the same
/// completed work, so a refusal would flatter the strategy that made it.
const NO_REFUSAL_DEADLINE: Duration = Duration::from_secs(7 * 24 * 3_600);

/// How calls reach the simulated server.
#[derive(Debug, Clone, PartialEq)]
pub enum Strategy {
    /// Straight to the server, as a client without admission control does.
    NoGate,
    /// At most this many calls in flight, no token cap.
    FlatCap(usize),
    /// A fixed cap on prompt tokens in flight, `prefill_rate × (ttft_target − overhead)`, and
    /// a generous request cap.
    TokenBudget { budget_tokens: u32, max_in_flight: usize },
    /// The budget learned from observed time to first token.
    Adaptive { config: AdaptiveConfig, max_in_flight: usize },
}

/// What the token-budget and adaptive strategies aim for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetTarget {
    pub ttft_target: Duration,
    pub overhead: Duration,
}

impl Strategy {
    /// The line-up of the comparison: no gate, flat caps 2/4/8/20, the token budget sized by
    /// the design's formula from the preset's prefill rate, and the adaptive gate starting
    /// from a quarter of that rate (it has to learn the rest).
    pub fn lineup(server: &ServerPreset, target: BudgetTarget) -> Vec<Strategy> {
        let window_s = target.ttft_target.saturating_sub(target.overhead).as_secs_f64();
        let kv = server.kv_capacity_tokens;
        let budget = (server.prefill_tokens_per_s * window_s).clamp(1.0, f64::from(kv)) as u32;
        let max_in_flight = server.max_running;
        let adaptive = AdaptiveConfig {
            ttft_target: target.ttft_target,
            overhead: target.overhead,
            min_budget_tokens: server.step_token_budget,
            max_budget_tokens: kv,
            initial_prefill_tokens_per_s: server.prefill_tokens_per_s / 4.0,
            smoothing: 0.25,
        };
        let mut lineup = vec![Strategy::NoGate];
        lineup.extend([2, 4, 8, 20].map(Strategy::FlatCap));
        lineup.push(Strategy::TokenBudget { budget_tokens: budget, max_in_flight });
        lineup.push(Strategy::Adaptive { config: adaptive, max_in_flight });
        lineup
    }

    pub fn label(&self) -> String {
        match self {
            Strategy::NoGate => "no gate".to_owned(),
            Strategy::FlatCap(cap) => format!("cap {cap}"),
            Strategy::TokenBudget { budget_tokens, .. } => format!("token budget {}k", budget_tokens / 1_000),
            Strategy::Adaptive { config, .. } => format!("adaptive (TTFT {} s)", config.ttft_target.as_secs_f64()),
        }
    }

    /// The gate's configuration; `None` for no gate.
    pub fn gate_config(&self, max_queue: usize) -> Option<GateConfig> {
        let base = GateConfig {
            max_in_flight: 1,
            max_prompt_tokens_in_flight: None,
            max_queue,
            queue_deadline: NO_REFUSAL_DEADLINE,
            adaptive: None,
        };
        match self {
            Strategy::NoGate => None,
            Strategy::FlatCap(cap) => Some(GateConfig { max_in_flight: *cap, ..base }),
            Strategy::TokenBudget { budget_tokens, max_in_flight } => Some(GateConfig {
                max_in_flight: *max_in_flight,
                max_prompt_tokens_in_flight: Some(*budget_tokens),
                ..base
            }),
            Strategy::Adaptive { config, max_in_flight } => {
                Some(GateConfig { max_in_flight: *max_in_flight, adaptive: Some(config.clone()), ..base })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::preset::Preset;
    use super::*;

    #[test]
    fn the_lineup_sizes_the_budget_by_the_design_formula() {
        let server = Preset::DeepSeekV3H200x8.server();
        let target = BudgetTarget { ttft_target: Duration::from_secs(5), overhead: Duration::from_millis(500) };
        let lineup = Strategy::lineup(&server, target);
        let labels: Vec<String> = lineup.iter().map(Strategy::label).collect();
        assert_eq!(labels, ["no gate", "cap 2", "cap 4", "cap 8", "cap 20", "token budget 72k", "adaptive (TTFT 5 s)"]);
        assert_eq!(lineup[0].gate_config(10), None);
        let budget = lineup[5].gate_config(10).unwrap();
        assert_eq!(budget.max_prompt_tokens_in_flight, Some(72_000));
        assert_eq!(budget.max_queue, 10);
        assert_eq!(lineup[1].gate_config(10).unwrap().max_in_flight, 2);
    }
}
