//! Every metric the server records, named once (`tandem_<subsystem>_<what>_<unit>`, low
//! cardinality labels: `route` is the matched route pattern, never a raw path).

/// Counter: HTTP requests. Labels `route`, `method`, `status`.
pub const HTTP_REQUESTS_TOTAL: &str = "tandem_http_requests_total";
/// Histogram: time to the response head. Labels `route`, `method`.
pub const HTTP_REQUEST_SECONDS: &str = "tandem_http_request_seconds";
/// Counter: requests refused by the key check. Label `reason` (`missing`, `unknown`, `rate`,
/// `concurrency`).
pub const AUTH_REFUSALS_TOTAL: &str = "tandem_http_auth_refusals_total";
/// Gauge: event streams open.
pub const EVENT_STREAMS: &str = "tandem_http_event_streams";
/// Counter: turns that settled. Label `outcome` (`answered`, `failed`, `cancelled`,
/// `awaiting_confirmation`).
pub const TURNS_TOTAL: &str = "tandem_session_turns_total";
/// Counter: answered turns whose SQL came from the plan cache.
pub const PLAN_CACHE_HITS_TOTAL: &str = "tandem_session_plan_cache_hits_total";
/// Counter: model calls of settled turns. Label `tier` (`small`, `large`, `rules`).
pub const TIER_CALLS_TOTAL: &str = "tandem_session_tier_calls_total";
/// Counter: large-model prompt tokens the plan scope saved against the full schema.
pub const SAVED_PROMPT_TOKENS_TOTAL: &str = "tandem_session_saved_prompt_tokens_total";
/// Counter: failed turns by their stable error code (`model_failed`, `deadline_exceeded`,
/// `not_retryable` for sandbox timeouts and refusals, …). Label `code`. Sandbox timeouts
/// also have their own counter, `tandem_agent::telemetry::SANDBOX_TIMEOUTS_TOTAL`.
pub const TURN_ERRORS_TOTAL: &str = "tandem_session_turn_errors_total";
/// Counter: repair rounds started. Label `tier` (`rules`, `small`, `large`). How they ended
/// is `tandem_agent::telemetry::REPAIRS_TOTAL` (`tier` and `outcome`).
pub const REPAIRS_TOTAL: &str = "tandem_session_repairs_total";
/// Histogram: a settled turn's wall time. Label `outcome`.
pub const TURN_SECONDS: &str = "tandem_session_turn_seconds";

pub const LABEL_ROUTE: &str = "route";
pub const LABEL_METHOD: &str = "method";
pub const LABEL_STATUS: &str = "status";
pub const LABEL_REASON: &str = "reason";
pub const LABEL_OUTCOME: &str = "outcome";
pub const LABEL_TIER: &str = "tier";
pub const LABEL_CODE: &str = "code";

/// Registers units and help texts; the composition root calls it after installing an
/// exporter.
pub fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};

    describe_counter!(HTTP_REQUESTS_TOTAL, Unit::Count, "HTTP requests by route, method and status.");
    describe_histogram!(HTTP_REQUEST_SECONDS, Unit::Seconds, "Time to the response head.");
    describe_counter!(AUTH_REFUSALS_TOTAL, Unit::Count, "Requests refused by the API key check.");
    describe_gauge!(EVENT_STREAMS, Unit::Count, "Event streams open.");
    describe_counter!(TURNS_TOTAL, Unit::Count, "Session turns that settled, by outcome.");
    describe_counter!(PLAN_CACHE_HITS_TOTAL, Unit::Count, "Answers whose SQL came from the plan cache.");
    describe_counter!(TIER_CALLS_TOTAL, Unit::Count, "Calls per tier of settled turns.");
    describe_counter!(SAVED_PROMPT_TOKENS_TOTAL, Unit::Count, "Large-model prompt tokens saved by the plan scope.");
    describe_counter!(TURN_ERRORS_TOTAL, Unit::Count, "Failed turns by error code.");
    describe_counter!(REPAIRS_TOTAL, Unit::Count, "Repair rounds started, by tier.");
    describe_histogram!(TURN_SECONDS, Unit::Seconds, "Wall time of settled turns.");
}
