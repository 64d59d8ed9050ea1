//! The bench report as Markdown tables, for the terminal and the README.

use std::fmt::Write as _;

use super::bench::AdmissionBenchReport;

/// The strategy table, the goal check and the validation table.
pub fn markdown(report: &AdmissionBenchReport) -> String {
    let mut out = String::new();
    let server = &report.preset;
    let classes: Vec<String> = report
        .workload
        .classes
        .iter()
        .map(|class| {
            format!(
                "{:.0}% {} ({}–{} prompt tokens)",
                class.share * 100.0,
                class.name,
                class.prompt_tokens.0,
                class.prompt_tokens.1
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "{} — {}: prefill {:.0} tokens/s, step budget {} tokens, KV {} tokens",
        server.name,
        server.description,
        server.prefill_tokens_per_s,
        server.step_token_budget,
        server.kv_capacity_tokens
    );
    let _ = writeln!(
        out,
        "workload: {} requests, Poisson {:.2}/s ({:.0}% of prefill capacity), {}, seed {}\n",
        report.workload.n_requests,
        report.arrival_per_s,
        report.load * 100.0,
        classes.join(", "),
        report.workload.seed
    );
    out.push_str(
        "| strategy | TTFT p50 s | TTFT p95 s | TTFT p99 s | long p95 s | short p95 s | gate wait p95 s | e2e p50 s \
         | e2e p95 s | ITL ms | req/s | preemptions | recomputed tokens |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for run in &report.runs {
        let class_p95 =
            |name: &str| run.ttft_p95_s_by_class.iter().find(|(class, _)| class == name).map_or(0.0, |(_, p95)| *p95);
        let _ = writeln!(
            out,
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} | {:.3} | {} | {} |",
            run.strategy,
            run.ttft_s.p50,
            run.ttft_s.p95,
            run.ttft_s.p99,
            class_p95("long"),
            class_p95("short"),
            run.gate_wait_s.p95,
            run.end_to_end_s.p50,
            run.end_to_end_s.p95,
            run.inter_token_ms,
            run.throughput_requests_per_s,
            run.server.preemptions,
            run.server.recomputed_tokens
        );
    }
    let goal = &report.goal;
    let _ = writeln!(
        out,
        "\ngoal: a gated configuration cuts TTFT p95 by ≥ {:.0}× against no gate at equal throughput (within {:.0}%) \
         with zero preemptions — {}",
        goal.required_ttft_p95_cut,
        goal.throughput_tolerance * 100.0,
        if goal.met { "MET" } else { "NOT MET" }
    );
    for row in &goal.rows {
        let _ = writeln!(
            out,
            "  {}: TTFT p95 cut {:.2}×, throughput {:.3}× of no gate, {} preemptions{}",
            row.strategy,
            row.ttft_p95_cut,
            row.throughput_ratio,
            row.preemptions,
            if row.met { " — meets the goal" } else { "" }
        );
    }
    out.push_str("\n| validation | preset | metric | published | simulated | error | within 20% |\n");
    out.push_str("|---|---|---|---:|---:|---:|---|\n");
    for check in &report.validation {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.2} | {:.2} | {:.1}% | {} |",
            check.name,
            check.preset,
            check.metric,
            check.published,
            check.simulated,
            check.relative_error * 100.0,
            if check.passed { "yes" } else { "NO" }
        );
    }
    out
}
