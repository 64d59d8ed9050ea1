//! The evaluation's figures, from the predictions: execution accuracy overall and by
//! hardness, what each tier spent, repairs, latency and cost — as JSON and as Markdown.

use serde::Serialize;

use super::hardness::Hardness;
use super::record::{CatalogMode, Ending, Mode, Prediction, Repairs};

/// Figures of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub mode: Mode,
    pub catalog: CatalogMode,
    /// Questions evaluated (with a prediction).
    pub n_questions: usize,
    /// Questions whose gold query ran, the denominator of accuracy.
    pub n_scored: usize,
    pub n_correct: usize,
    pub n_answered: usize,
    pub n_needs_more_schema: usize,
    pub n_failed: usize,
    /// Questions left out because their database is missing.
    pub n_skipped: usize,
    pub execution_accuracy: f64,
    pub by_hardness: Vec<HardnessScore>,
    pub large_calls_per_question: f64,
    /// All large-model calls divided by the questions that got an answer.
    pub large_calls_per_answered: f64,
    pub large_prompt_tokens_per_question: f64,
    pub large_completion_tokens_per_question: f64,
    /// The baseline's full-schema first prompt, per question.
    pub full_schema_prompt_tokens_per_question: f64,
    /// `full_schema_prompt_tokens_per_question / large_prompt_tokens_per_question`.
    pub full_schema_to_large_prompt_ratio: Option<f64>,
    pub small_calls_per_question: f64,
    pub small_prompt_tokens_per_question: f64,
    pub small_completion_tokens_per_question: f64,
    /// Repair turns by tier, summed over questions.
    pub repairs: Repairs,
    pub n_cache_hits: usize,
    /// Questions answered without any large-model call, over all questions.
    pub share_answered_without_large: f64,
    pub latency_ms_p50: f64,
    pub latency_ms_p95: f64,
    pub cost_per_question: f64,
    /// Total cost over the correct answers (`None` with none correct).
    pub cost_per_correct: Option<f64>,
}

/// Accuracy on one hardness level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HardnessScore {
    pub hardness: Hardness,
    pub n_scored: usize,
    pub n_correct: usize,
    pub execution_accuracy: f64,
}

impl EvalReport {
    pub fn from_predictions(mode: Mode, catalog: CatalogMode, predictions: &[Prediction], n_skipped: usize) -> Self {
        let n = predictions.len();
        let per_question = |sum: f64| if n == 0 { 0.0 } else { sum / n as f64 };
        let sum = |f: &dyn Fn(&Prediction) -> f64| predictions.iter().map(f).sum::<f64>();
        let scored: Vec<&Prediction> = predictions.iter().filter(|p| p.correct.is_some()).collect();
        let n_correct = scored.iter().filter(|p| p.correct == Some(true)).count();
        let count = |ending: Ending| predictions.iter().filter(|p| p.ending == ending).count();
        let n_answered = count(Ending::Answered);
        let by_hardness = Hardness::ALL
            .into_iter()
            .map(|hardness| {
                let level: Vec<&&Prediction> = scored.iter().filter(|p| p.hardness == Some(hardness)).collect();
                let n_correct = level.iter().filter(|p| p.correct == Some(true)).count();
                HardnessScore {
                    hardness,
                    n_scored: level.len(),
                    n_correct,
                    execution_accuracy: ratio(n_correct, level.len()),
                }
            })
            .collect();
        let large_calls = sum(&|p| f64::from(p.ledger.large.n_calls));
        let large_prompt = per_question(sum(&|p| p.ledger.large.prompt_tokens as f64));
        let full_prompt = per_question(sum(&|p| p.full_schema_prompt_tokens as f64));
        let total_cost = sum(&|p| p.ledger.total_cost());
        let mut latencies: Vec<f64> = predictions.iter().map(|p| p.latency_ms).collect();
        latencies.sort_by(f64::total_cmp);
        let repairs = predictions.iter().fold(Repairs::default(), |acc, p| Repairs {
            rules: acc.rules + p.repairs.rules,
            small: acc.small + p.repairs.small,
            large: acc.large + p.repairs.large,
        });
        let without_large =
            predictions.iter().filter(|p| p.ending == Ending::Answered && p.ledger.large.n_calls == 0).count();
        EvalReport {
            mode,
            catalog,
            n_questions: n,
            n_scored: scored.len(),
            n_correct,
            n_answered,
            n_needs_more_schema: count(Ending::NeedsMoreSchema),
            n_failed: count(Ending::Failed),
            n_skipped,
            execution_accuracy: ratio(n_correct, scored.len()),
            by_hardness,
            large_calls_per_question: per_question(large_calls),
            large_calls_per_answered: if n_answered == 0 { 0.0 } else { large_calls / n_answered as f64 },
            large_prompt_tokens_per_question: large_prompt,
            large_completion_tokens_per_question: per_question(sum(&|p| p.ledger.large.completion_tokens as f64)),
            full_schema_prompt_tokens_per_question: full_prompt,
            full_schema_to_large_prompt_ratio: (large_prompt > 0.0).then(|| full_prompt / large_prompt),
            small_calls_per_question: per_question(sum(&|p| f64::from(p.ledger.small.n_calls))),
            small_prompt_tokens_per_question: per_question(sum(&|p| p.ledger.small.prompt_tokens as f64)),
            small_completion_tokens_per_question: per_question(sum(&|p| p.ledger.small.completion_tokens as f64)),
            repairs,
            n_cache_hits: predictions.iter().filter(|p| p.cache_hit).count(),
            share_answered_without_large: ratio(without_large, n),
            latency_ms_p50: percentile(&latencies, 0.50),
            latency_ms_p95: percentile(&latencies, 0.95),
            cost_per_question: per_question(total_cost),
            cost_per_correct: (n_correct > 0).then(|| total_cost / n_correct as f64),
        }
    }
}

/// The Markdown table's header; one [`markdown_row`] per run follows it, so runs of several
/// modes line up in one table.
pub fn markdown_header() -> String {
    "| mode | catalog | questions | EX | easy | medium | hard | extra | large calls / q | large calls / answered | \
     large prompt tok / q | full-schema tok / q | small calls / q | small tok / q | repairs rules/small/large | \
     no-large share | p50 s | p95 s | cost / q | cost / correct |\n\
     |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"
        .to_owned()
}

/// One run as a row under [`markdown_header`].
pub fn markdown_row(report: &EvalReport) -> String {
    let level = |h: Hardness| {
        report
            .by_hardness
            .iter()
            .find(|s| s.hardness == h)
            .filter(|s| s.n_scored > 0)
            .map_or_else(|| "–".to_owned(), |s| format!("{:.3} ({})", s.execution_accuracy, s.n_scored))
    };
    format!(
        "| {} | {} | {} | {:.3} ({}/{}) | {} | {} | {} | {} | {:.2} | {:.2} | {:.0} | {:.0} | {:.2} | {:.0} | {}/{}/{} | {:.2} | {:.1} | {:.1} | {:.6} | {} |",
        report.mode.as_str(),
        report.catalog.as_str(),
        report.n_questions,
        report.execution_accuracy,
        report.n_correct,
        report.n_scored,
        level(Hardness::Easy),
        level(Hardness::Medium),
        level(Hardness::Hard),
        level(Hardness::Extra),
        report.large_calls_per_question,
        report.large_calls_per_answered,
        report.large_prompt_tokens_per_question,
        report.full_schema_prompt_tokens_per_question,
        report.small_calls_per_question,
        report.small_prompt_tokens_per_question + report.small_completion_tokens_per_question,
        report.repairs.rules,
        report.repairs.small,
        report.repairs.large,
        report.share_answered_without_large,
        report.latency_ms_p50 / 1_000.0,
        report.latency_ms_p95 / 1_000.0,
        report.cost_per_question,
        report.cost_per_correct.map_or_else(|| "–".to_owned(), |c| format!("{c:.6}")),
    )
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.saturating_sub(1).min(sorted.len() - 1)).copied().unwrap_or(0.0)
}
