//! Figures of one run: latency percentiles, throughput and the server's counters.

use serde::Serialize;

use super::driver::{CallRecord, CallTiming, RunOutcome};
use super::server::ServerStats;

/// p50/p95/p99 and the mean of one latency, in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
}

impl Percentiles {
    /// Nearest-rank percentiles; all zero for no values.
    pub fn of(values: &[f64]) -> Percentiles {
        if values.is_empty() {
            return Percentiles::default();
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank = |q: f64| {
            let index = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
            sorted.get(index).copied().unwrap_or_default()
        };
        Percentiles {
            p50: rank(0.50),
            p95: rank(0.95),
            p99: rank(0.99),
            mean: sorted.iter().sum::<f64>() / sorted.len() as f64,
        }
    }
}

/// How one strategy did on one workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    pub strategy: String,
    pub n_requests: usize,
    pub n_completed: usize,
    /// Calls that ended in an error (none expected: the gates here never refuse).
    pub n_failed: usize,
    /// Time to first token as the caller sees it: gate wait included.
    pub ttft_s: Percentiles,
    /// Time spent waiting in the gate, before the server saw the call.
    pub gate_wait_s: Percentiles,
    pub end_to_end_s: Percentiles,
    /// Mean time between output tokens after the first, over all tokens (vLLM's ITL).
    pub inter_token_ms: f64,
    /// TTFT p95 per request class (long, short), in the workload's class order.
    pub ttft_p95_s_by_class: Vec<(String, f64)>,
    /// From the first call to the last completion.
    pub makespan_s: f64,
    pub throughput_requests_per_s: f64,
    pub throughput_output_tokens_per_s: f64,
    pub server: ServerStats,
}

impl RunReport {
    pub(crate) fn new(strategy: String, outcome: &RunOutcome, class_names: &[&str]) -> RunReport {
        let completed: Vec<(&CallRecord, CallTiming)> =
            outcome.calls.iter().filter_map(|call| call.outcome.as_ref().ok().map(|timing| (call, *timing))).collect();
        let values =
            |pick: fn(&CallTiming) -> f64| completed.iter().map(|(_, timing)| pick(timing)).collect::<Vec<_>>();
        let decode_s: f64 = completed.iter().map(|(_, t)| t.end_to_end_s - t.ttft_s).sum();
        let gaps: u64 = completed.iter().map(|(call, _)| u64::from(call.output_tokens.saturating_sub(1))).sum();
        let first_sent = outcome.calls.iter().map(|call| call.sent_s).fold(f64::INFINITY, f64::min);
        let last_done = completed.iter().map(|(call, t)| call.sent_s + t.end_to_end_s).fold(0.0, f64::max);
        let makespan_s = if completed.is_empty() { 0.0 } else { (last_done - first_sent).max(0.0) };
        let per_s = |amount: f64| if makespan_s > 0.0 { amount / makespan_s } else { 0.0 };
        let output_tokens: u64 = completed.iter().map(|(call, _)| u64::from(call.output_tokens)).sum();
        let ttft_p95_s_by_class = class_names
            .iter()
            .enumerate()
            .map(|(class, name)| {
                let ttfts: Vec<f64> =
                    completed.iter().filter(|(call, _)| call.class == class).map(|(_, t)| t.ttft_s).collect();
                ((*name).to_owned(), Percentiles::of(&ttfts).p95)
            })
            .collect();
        RunReport {
            strategy,
            n_requests: outcome.calls.len(),
            n_completed: completed.len(),
            n_failed: outcome.calls.len() - completed.len(),
            ttft_s: Percentiles::of(&values(|t| t.ttft_s)),
            gate_wait_s: Percentiles::of(&values(|t| t.gate_wait_s)),
            end_to_end_s: Percentiles::of(&values(|t| t.end_to_end_s)),
            inter_token_ms: if gaps > 0 { decode_s / gaps as f64 * 1e3 } else { 0.0 },
            ttft_p95_s_by_class,
            makespan_s,
            throughput_requests_per_s: per_s(completed.len() as f64),
            throughput_output_tokens_per_s: per_s(output_tokens as f64),
            server: outcome.server.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let p = Percentiles::of(&values);
        assert_eq!((p.p50, p.p95, p.p99), (50.0, 95.0, 99.0));
        assert!((p.mean - 50.5).abs() < 1e-9);
        assert_eq!(Percentiles::of(&[]), Percentiles::default());
        assert_eq!(Percentiles::of(&[3.0]).p99, 3.0);
    }
}
