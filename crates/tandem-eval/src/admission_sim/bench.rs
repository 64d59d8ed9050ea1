//! `tandem bench admission`: every strategy on the long-prompt workload, the goal check, and
//! the validation checks.

use std::time::Duration;

use serde::Serialize;

use super::driver::simulate;
use super::error::SimError;
use super::preset::{Preset, ServerPreset};
use super::report::RunReport;
use super::strategy::{BudgetTarget, Strategy};
use super::validation::{ValidationCheck, validate};
use super::workload::{Arrival, RequestClass, SharedPrefix, Workload, WorkloadConfig};

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct AdmissionBenchConfig {
    pub preset: Preset,
    pub n_requests: usize,
    /// Offered prefill work as a share of the preset's prefill rate (Poisson arrivals).
    pub load: f64,
    pub seed: u64,
    /// What the token-budget and adaptive gates aim for.
    pub target: BudgetTarget,
}

impl Default for AdmissionBenchConfig {
    fn default() -> Self {
        Self {
            preset: Preset::DeepSeekV3H200x8,
            n_requests: 500,
            load: 0.8,
            seed: 7,
            target: BudgetTarget { ttft_target: Duration::from_secs(5), overhead: Duration::from_millis(500) },
        }
    }
}

/// The goal the issue sets: some gated configuration cuts TTFT p95 by at least 3× against no
/// gate, at equal throughput, with zero preemptions.
pub const REQUIRED_TTFT_P95_CUT: f64 = 3.0;
/// "Equal throughput": within this share of no gate's.
pub const THROUGHPUT_TOLERANCE: f64 = 0.05;

/// One gated strategy measured against no gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalRow {
    pub strategy: String,
    /// No gate's TTFT p95 divided by this strategy's.
    pub ttft_p95_cut: f64,
    /// This strategy's throughput divided by no gate's.
    pub throughput_ratio: f64,
    pub preemptions: u64,
    pub met: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalCheck {
    pub required_ttft_p95_cut: f64,
    pub throughput_tolerance: f64,
    pub rows: Vec<GoalRow>,
    /// Whether at least one gated strategy meets every condition.
    pub met: bool,
}

/// Everything the command prints.
#[derive(Debug, Clone, Serialize)]
pub struct AdmissionBenchReport {
    pub preset: ServerPreset,
    pub load: f64,
    pub arrival_per_s: f64,
    pub workload: WorkloadConfig,
    pub runs: Vec<RunReport>,
    pub goal: GoalCheck,
    pub validation: Vec<ValidationCheck>,
}

/// The long-prompt workload: 30% long prompts (8k–40k tokens: agent steps with whole schemas
/// and tool results) and 70% short ones (1k–4k tokens, opening with one of four shared
/// 800-token prefixes, as tandem's plan-scoped prompts do).
pub fn long_prompt_classes() -> Vec<RequestClass> {
    vec![
        RequestClass {
            name: "long",
            share: 0.3,
            prompt_tokens: (8_000, 40_000),
            output_tokens: (100, 400),
            shared_prefix: None,
        },
        RequestClass {
            name: "short",
            share: 0.7,
            prompt_tokens: (1_000, 4_000),
            output_tokens: (50, 300),
            shared_prefix: Some(SharedPrefix { n_variants: 4, tokens: 800 }),
        },
    ]
}

/// Runs the comparison and the validation checks; `progress` hears about each run.
pub fn run_admission_bench(
    config: &AdmissionBenchConfig,
    mut progress: impl FnMut(&str),
) -> Result<AdmissionBenchReport, SimError> {
    if !(config.load.is_finite() && config.load > 0.0) {
        return Err(SimError::InvalidSetting {
            setting: "load",
            detail: format!("must be positive, not {}", config.load),
        });
    }
    let server = config.preset.server();
    let classes = long_prompt_classes();
    let mean_prompt =
        WorkloadConfig { n_requests: 1, arrival: Arrival::Burst, classes: classes.clone(), seed: config.seed }
            .mean_prompt_tokens();
    let arrival_per_s = config.load * server.prefill_tokens_per_s / mean_prompt.max(1.0);
    let workload = Workload::generate(&WorkloadConfig {
        n_requests: config.n_requests,
        arrival: Arrival::Poisson { per_s: arrival_per_s },
        classes,
        seed: config.seed,
    })?;
    let class_names: Vec<&str> = workload.config.classes.iter().map(|class| class.name).collect();

    let mut runs = Vec::new();
    for strategy in Strategy::lineup(&server, config.target) {
        progress(&format!("simulating {} on {}", strategy.label(), server.name));
        let outcome = simulate(&server, &workload, strategy.gate_config(config.n_requests))?;
        runs.push(RunReport::new(strategy.label(), &outcome, &class_names));
    }
    progress("replaying the published benchmarks");
    let validation = validate()?;
    let goal = goal_check(&runs);
    Ok(AdmissionBenchReport {
        preset: server,
        load: config.load,
        arrival_per_s,
        workload: workload.config,
        runs,
        goal,
        validation,
    })
}

/// Compares every gated run with the first run (no gate).
fn goal_check(runs: &[RunReport]) -> GoalCheck {
    let rows: Vec<GoalRow> = match runs.split_first() {
        Some((baseline, gated)) => gated
            .iter()
            .map(|run| {
                let ttft_p95_cut = ratio(baseline.ttft_s.p95, run.ttft_s.p95);
                let throughput_ratio = ratio(run.throughput_requests_per_s, baseline.throughput_requests_per_s);
                let preemptions = run.server.preemptions;
                GoalRow {
                    strategy: run.strategy.clone(),
                    ttft_p95_cut,
                    throughput_ratio,
                    preemptions,
                    met: ttft_p95_cut >= REQUIRED_TTFT_P95_CUT
                        && throughput_ratio >= 1.0 - THROUGHPUT_TOLERANCE
                        && preemptions == 0
                        && run.n_failed == 0,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    GoalCheck {
        required_ttft_p95_cut: REQUIRED_TTFT_P95_CUT,
        throughput_tolerance: THROUGHPUT_TOLERANCE,
        met: rows.iter().any(|row| row.met),
        rows,
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 { numerator / denominator } else { 0.0 }
}
