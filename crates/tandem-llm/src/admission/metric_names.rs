//! Every metric the admission layer records, named once.
//!
//! Names follow `tandem_<subsystem>_<what>_<unit>`; labels stay low-cardinality: `model` is
//! the configured endpoint name, `reason` and `outcome` are stable error codes.

/// Histogram: time a call waited in the admission queue. Label `model`.
pub const QUEUE_WAIT_SECONDS: &str = "tandem_llm_queue_wait_seconds";
/// Histogram: from admission to the first generated token. Label `model`.
pub const TIME_TO_FIRST_TOKEN_SECONDS: &str = "tandem_llm_time_to_first_token_seconds";
/// Histogram: from the first token to the last. Label `model`.
pub const DECODE_SECONDS: &str = "tandem_llm_decode_seconds";
/// Gauge: calls admitted and not yet finished. Label `model`.
pub const IN_FLIGHT_REQUESTS: &str = "tandem_llm_in_flight_requests";
/// Gauge: estimated prompt tokens of the calls in flight. Label `model`.
pub const IN_FLIGHT_PROMPT_TOKENS: &str = "tandem_llm_in_flight_prompt_tokens";
/// Gauge: calls waiting in the admission queue. Label `model`.
pub const QUEUED_REQUESTS: &str = "tandem_llm_queued_requests";
/// Gauge: the current cap on prompt tokens in flight (set only when the gate has one).
/// Label `model`.
pub const TOKEN_BUDGET: &str = "tandem_llm_token_budget";
/// Gauge: the prefill rate the adaptive gate has learned. Label `model`.
pub const PREFILL_RATE_TOKENS_PER_SECOND: &str = "tandem_llm_prefill_rate_tokens_per_second";
/// Counter: calls the gate refused. Labels `model`, `reason` ([`AdmissionError::code`]).
///
/// [`AdmissionError::code`]: super::AdmissionError::code
pub const REFUSALS_TOTAL: &str = "tandem_llm_refusals_total";
/// Counter: calls through a gated model. Labels `model`, `outcome` (`ok`, `cancelled`, or an
/// [`LlmError::code`](crate::LlmError::code)).
pub const CALLS_TOTAL: &str = "tandem_llm_calls_total";
/// Counter: prompt tokens as the backend reported them. Labels `model`, `cached` (`true`/`false`).
pub const PROMPT_TOKENS_TOTAL: &str = "tandem_llm_prompt_tokens_total";
/// Counter: generated tokens. Label `model`.
pub const COMPLETION_TOKENS_TOTAL: &str = "tandem_llm_completion_tokens_total";

pub const LABEL_MODEL: &str = "model";
pub const LABEL_REASON: &str = "reason";
pub const LABEL_OUTCOME: &str = "outcome";
pub const LABEL_CACHED: &str = "cached";

/// Registers units and help texts with the installed recorder. The composition root calls it
/// once after installing an exporter; recording works without it.
pub fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};

    describe_histogram!(QUEUE_WAIT_SECONDS, Unit::Seconds, "Time a model call waited for admission.");
    describe_histogram!(TIME_TO_FIRST_TOKEN_SECONDS, Unit::Seconds, "Time from admission to the first token.");
    describe_histogram!(DECODE_SECONDS, Unit::Seconds, "Time from the first token to the last.");
    describe_gauge!(IN_FLIGHT_REQUESTS, Unit::Count, "Model calls admitted and not yet finished.");
    describe_gauge!(IN_FLIGHT_PROMPT_TOKENS, Unit::Count, "Estimated prompt tokens of the calls in flight.");
    describe_gauge!(QUEUED_REQUESTS, Unit::Count, "Model calls waiting for admission.");
    describe_gauge!(TOKEN_BUDGET, Unit::Count, "Cap on prompt tokens in flight.");
    describe_gauge!(PREFILL_RATE_TOKENS_PER_SECOND, "Prefill rate learned from time to first token.");
    describe_counter!(REFUSALS_TOTAL, Unit::Count, "Model calls refused by the admission gate.");
    describe_counter!(CALLS_TOTAL, Unit::Count, "Model calls by outcome.");
    describe_counter!(PROMPT_TOKENS_TOTAL, Unit::Count, "Prompt tokens, cached and uncached.");
    describe_counter!(COMPLETION_TOKENS_TOTAL, Unit::Count, "Generated tokens.");
}
