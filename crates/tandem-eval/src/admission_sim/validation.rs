//! The simulator against published measurements: each check replays a published benchmark's
//! workload on the matching preset, without a gate, and compares one figure.
//!
//! The presets' constants come from the figures and from model arithmetic (see
//! [`preset`](super::preset)); none was fitted to the figures below, so these are checks, not
//! calibrations.

use serde::Serialize;

use super::driver::simulate;
use super::error::SimError;
use super::preset::Preset;
use super::report::RunReport;
use super::workload::{Arrival, RequestClass, Workload, WorkloadConfig};

/// How far a simulated figure may be from the published one.
pub const TOLERANCE: f64 = 0.20;

/// One comparison with a published figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationCheck {
    pub name: &'static str,
    pub preset: &'static str,
    pub metric: &'static str,
    pub published: f64,
    pub simulated: f64,
    /// `|simulated − published| / published`.
    pub relative_error: f64,
    pub tolerance: f64,
    pub passed: bool,
    pub source: &'static str,
}

/// A published benchmark to replay.
struct Published {
    name: &'static str,
    preset: Preset,
    metric: &'static str,
    value: f64,
    source: &'static str,
    n_requests: usize,
    arrival: Arrival,
    prompt_tokens: u32,
    output_tokens: u32,
    pick: fn(&RunReport) -> f64,
}

fn published() -> [Published; 2] {
    [
        Published {
            name: "burst of 100 × 32k-token prompts",
            preset: Preset::DeepSeekV3H200x8,
            metric: "mean TTFT (s)",
            value: 101.35,
            source: "GPUStack performance lab, DeepSeek-R1-0528 on 8×H200, vLLM 0.11 baseline: 100 random \
                     prompts of 32,000 tokens, 100 output tokens, all at once; mean TTFT 101,352 ms",
            n_requests: 100,
            arrival: Arrival::Burst,
            prompt_tokens: 32_000,
            output_tokens: 100,
            pick: |report| report.ttft_s.mean,
        },
        Published {
            name: "25 concurrent clients, 5,000-token prompts",
            preset: Preset::Llama33H100x2,
            metric: "mean inter-token latency (ms)",
            value: 38.75,
            source: "NVIDIA NIM LLM benchmarking, Llama-3.3-70B-Instruct 1.8.0 on 2×H100 80 GB, FP8 TP2: \
                     5,000 input / 500 output tokens at concurrency 25; ITL 38.75 ms",
            n_requests: 100,
            arrival: Arrival::ClosedLoop { concurrency: 25 },
            prompt_tokens: 5_000,
            output_tokens: 500,
            pick: |report| report.inter_token_ms,
        },
    ]
}

/// Runs every check. Each takes well under a second: time is simulated.
pub fn validate() -> Result<Vec<ValidationCheck>, SimError> {
    published().iter().map(check).collect()
}

fn check(published: &Published) -> Result<ValidationCheck, SimError> {
    let server = published.preset.server();
    let workload = Workload::generate(&WorkloadConfig {
        n_requests: published.n_requests,
        arrival: published.arrival,
        classes: vec![RequestClass {
            name: "fixed",
            share: 1.0,
            prompt_tokens: (published.prompt_tokens, published.prompt_tokens),
            output_tokens: (published.output_tokens, published.output_tokens),
            shared_prefix: None,
        }],
        seed: 0,
    })?;
    let outcome = simulate(&server, &workload, None)?;
    let report = RunReport::new("no gate".to_owned(), &outcome, &["fixed"]);
    let simulated = (published.pick)(&report);
    let relative_error = (simulated - published.value).abs() / published.value;
    Ok(ValidationCheck {
        name: published.name,
        preset: server.name,
        metric: published.metric,
        published: published.value,
        simulated,
        relative_error,
        tolerance: TOLERANCE,
        passed: report.n_failed == 0 && relative_error <= TOLERANCE,
        source: published.source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_passes(index: usize) {
        let result = check(&published()[index]).unwrap();
        assert!(result.passed, "{result:#?}");
    }

    #[test]
    fn deepseek_burst_mean_ttft_is_within_20_percent_of_published() {
        assert_passes(0);
    }

    #[test]
    fn llama_inter_token_latency_at_concurrency_25_is_within_20_percent_of_published() {
        assert_passes(1);
    }
}
