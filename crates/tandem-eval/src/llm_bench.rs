//! `tandem bench llm`: prefill and decode speed of a chat model at a few prompt sizes, and
//! what KV-cache prefix reuse saves.
//!
//! Prompts are synthetic schemas (CREATE TABLE lines) measured with the model's own tokenizer.
//! Each run starts with its own salt so no run is served from an earlier run's cache; the
//! prefix-reuse probe then compares a second call sharing a prefix with a call of the same
//! length that shares none.

use std::time::Duration;

use serde::Serialize;
use tandem_llm::{ChatModel, ChatRequest, Completion, LlmError, Message, discard_deltas};

/// What to measure.
#[derive(Debug, Clone)]
pub struct LlmBenchConfig {
    /// Prompt sizes to measure prefill at.
    pub prompt_sizes_tokens: Vec<u32>,
    /// Tokens to generate for the decode measurement.
    pub decode_tokens: u32,
    /// Length of the shared prefix in the reuse probe.
    pub shared_prefix_tokens: u32,
}

impl Default for LlmBenchConfig {
    fn default() -> Self {
        Self { prompt_sizes_tokens: vec![500, 2000], decode_tokens: 48, shared_prefix_tokens: 400 }
    }
}

/// One prompt size's figures.
#[derive(Debug, Clone, Serialize)]
pub struct SpeedRun {
    pub target_prompt_tokens: u32,
    pub prompt_tokens: u32,
    pub cached_prompt_tokens: u32,
    pub completion_tokens: u32,
    pub time_to_first_token_ms: f64,
    pub decode_ms: f64,
    pub prefill_tokens_per_s: f64,
    pub decode_tokens_per_s: f64,
}

/// The prefix-reuse probe: the same suffix after a prefix the backend has seen (warm) and
/// after one it has not (cold).
#[derive(Debug, Clone, Serialize)]
pub struct PrefixReuse {
    pub shared_prefix_tokens: u32,
    pub prompt_tokens: u32,
    pub cold_cached_prompt_tokens: u32,
    pub cold_prefill_ms: f64,
    pub warm_cached_prompt_tokens: u32,
    pub warm_prefill_ms: f64,
    /// `1 - warm / cold`: the share of prefill time that reuse saved.
    pub prefill_time_saved_ratio: f64,
}

/// All figures for one model.
#[derive(Debug, Clone, Serialize)]
pub struct ModelBench {
    pub model: String,
    pub runs: Vec<SpeedRun>,
    pub prefix_reuse: PrefixReuse,
}

/// Measures one model. Calls run one after another, never concurrently.
pub async fn bench_model(model: &dyn ChatModel, config: &LlmBenchConfig) -> Result<ModelBench, LlmError> {
    let mut runs = Vec::with_capacity(config.prompt_sizes_tokens.len());
    for (i, &target) in config.prompt_sizes_tokens.iter().enumerate() {
        let schema = synthetic_schema(model, &format!("s{i}"), target);
        let request = ChatRequest::new(vec![
            Message::system(schema),
            Message::user("List every table name above, one per line, nothing else."),
        ])
        .with_max_tokens(config.decode_tokens);
        let completion = call(model, &request).await?;
        runs.push(speed_run(target, &completion));
    }
    let prefix_reuse = probe_prefix_reuse(model, config.shared_prefix_tokens).await?;
    Ok(ModelBench { model: model.name().to_owned(), runs, prefix_reuse })
}

async fn call(model: &dyn ChatModel, request: &ChatRequest) -> Result<Completion, LlmError> {
    let mut sink = discard_deltas;
    model.complete(request, &mut sink).await
}

fn speed_run(target: u32, completion: &Completion) -> SpeedRun {
    let usage = completion.usage;
    let ttft = completion.timing.time_to_first_token;
    let decode = completion.timing.decode();
    SpeedRun {
        target_prompt_tokens: target,
        prompt_tokens: usage.prompt_tokens,
        cached_prompt_tokens: usage.cached_prompt_tokens,
        completion_tokens: usage.completion_tokens,
        time_to_first_token_ms: ms(ttft),
        decode_ms: ms(decode),
        prefill_tokens_per_s: per_second(usage.uncached_prompt_tokens(), ttft),
        // The first token comes out of prefill; decode speed counts the ones after it.
        decode_tokens_per_s: per_second(usage.completion_tokens.saturating_sub(1), decode),
    }
}

async fn probe_prefix_reuse(model: &dyn ChatModel, prefix_tokens: u32) -> Result<PrefixReuse, LlmError> {
    let warm_prefix = synthetic_schema(model, "warm", prefix_tokens);
    let cold_prefix = synthetic_schema(model, "cold", prefix_tokens);
    let ask = |prefix: &str, question: &str| {
        ChatRequest::new(vec![Message::system(prefix.to_owned()), Message::user(question.to_owned())])
            .with_max_tokens(1)
    };
    call(model, &ask(&warm_prefix, "Which table has the most columns?")).await?;
    let warm = call(model, &ask(&warm_prefix, "Name one table.")).await?;
    let cold = call(model, &ask(&cold_prefix, "Name one table.")).await?;
    let warm_ms = ms(warm.timing.time_to_first_token);
    let cold_ms = ms(cold.timing.time_to_first_token);
    Ok(PrefixReuse {
        shared_prefix_tokens: prefix_tokens,
        prompt_tokens: warm.usage.prompt_tokens,
        cold_cached_prompt_tokens: cold.usage.cached_prompt_tokens,
        cold_prefill_ms: cold_ms,
        warm_cached_prompt_tokens: warm.usage.cached_prompt_tokens,
        warm_prefill_ms: warm_ms,
        prefill_time_saved_ratio: if cold_ms > 0.0 { 1.0 - warm_ms / cold_ms } else { 0.0 },
    })
}

/// CREATE TABLE lines until the text reaches `target` tokens by the model's tokenizer. The
/// salt comes first so prompts with different salts share no cacheable prefix.
pub fn synthetic_schema(model: &dyn ChatModel, salt: &str, target: u32) -> String {
    let mut text = format!("Schema {salt}. You answer questions about these tables.\n");
    let mut i = 0u32;
    while model.count_tokens(&text) < target {
        // Counting the whole text each line is quadratic; lines are ~40 tokens, so add a
        // batch sized to the remaining gap first.
        let gap = target.saturating_sub(model.count_tokens(&text));
        for _ in 0..(gap / 48).max(1) {
            text.push_str(&format!(
                "CREATE TABLE {salt}_table_{i} (id INTEGER PRIMARY KEY, name_{i} TEXT NOT NULL, \
                 amount_{i} REAL, region_{i} TEXT, created_at DATE, {salt}_ref INTEGER);\n"
            ));
            i += 1;
        }
    }
    text
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn per_second(tokens: u32, duration: Duration) -> f64 {
    let seconds = duration.as_secs_f64();
    if seconds > 0.0 { f64::from(tokens) / seconds } else { 0.0 }
}

/// The report as a Markdown table, for the README.
pub fn markdown(benches: &[ModelBench]) -> String {
    let mut out =
        String::from("| model | prompt tokens | prefill tok/s | TTFT ms | decode tok/s |\n|---|---:|---:|---:|---:|\n");
    for bench in benches {
        for run in &bench.runs {
            out.push_str(&format!(
                "| {} | {} | {:.1} | {:.0} | {:.1} |\n",
                bench.model,
                run.prompt_tokens,
                run.prefill_tokens_per_s,
                run.time_to_first_token_ms,
                run.decode_tokens_per_s
            ));
        }
    }
    out.push_str(
        "\n| model | prompt tokens | shared prefix | cold prefill ms | warm prefill ms (cached tokens) | saved |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for bench in benches {
        let r = &bench.prefix_reuse;
        out.push_str(&format!(
            "| {} | {} | {} | {:.0} | {:.0} ({}) | {:.0}% |\n",
            bench.model,
            r.prompt_tokens,
            r.shared_prefix_tokens,
            r.cold_prefill_ms,
            r.warm_prefill_ms,
            r.warm_cached_prompt_tokens,
            r.prefill_time_saved_ratio * 100.0
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_llm::testing::ScriptedModel;

    #[test]
    fn synthetic_schema_reaches_the_target_and_salts_differ() {
        let model = ScriptedModel::new("m");
        let a = synthetic_schema(&model, "a", 500);
        let b = synthetic_schema(&model, "b", 500);
        assert!(model.count_tokens(&a) >= 500);
        assert!(model.count_tokens(&a) < 600, "overshoots by at most a batch");
        assert_ne!(a.chars().next(), None);
        assert!(!a.starts_with(&b[..10]));
    }

    #[tokio::test]
    async fn bench_reports_every_size_and_the_probe() {
        let model = ScriptedModel::replying("m", ["t1\nt2", "t1", "x", "y", "z"]);
        let report = bench_model(&model, &LlmBenchConfig::default()).await.unwrap();
        assert_eq!(report.runs.len(), 2);
        assert!(report.runs[1].prompt_tokens > report.runs[0].prompt_tokens);
        let table = markdown(&[report]);
        assert!(table.contains("| m |"), "{table}");
        assert_eq!(model.remaining(), 0);
    }
}
