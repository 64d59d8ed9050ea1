//! A [`ChatModel`] that passes every call through an [`AdmissionGate`] and reports it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;

use super::gate::AdmissionGate;
use super::metric_names as names;
use crate::{ChatModel, ChatRequest, Completion, DeltaSink, LlmError};

/// Wraps a backend so that each call first acquires a permit sized by the backend's own
/// prompt estimate, holds it for the whole call, fills [`Timing::queue_wait`], teaches an
/// adaptive gate the observed time to first token, and records the call's metrics.
///
/// The permit is released when the call returns or when its future is dropped, so callers
/// need no cleanup of their own.
///
/// [`Timing::queue_wait`]: crate::Timing::queue_wait
#[derive(Debug, Clone)]
pub struct GatedModel {
    inner: Arc<dyn ChatModel>,
    gate: Arc<AdmissionGate>,
}

impl GatedModel {
    pub fn new(inner: Arc<dyn ChatModel>, gate: Arc<AdmissionGate>) -> Self {
        Self { inner, gate }
    }

    pub fn gate(&self) -> &Arc<AdmissionGate> {
        &self.gate
    }

    pub fn inner(&self) -> &Arc<dyn ChatModel> {
        &self.inner
    }
}

#[async_trait]
impl ChatModel for GatedModel {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn count_tokens(&self, text: &str) -> u32 {
        self.inner.count_tokens(text)
    }

    fn estimate_prompt_tokens(&self, request: &ChatRequest) -> u32 {
        self.inner.estimate_prompt_tokens(request)
    }

    async fn complete(&self, request: &ChatRequest, on_delta: DeltaSink<'_>) -> Result<Completion, LlmError> {
        let model = self.gate.model();
        let mut call = CallOutcome { model, outcome: None };

        let mut permit = match self.gate.acquire(self.inner.estimate_prompt_tokens(request)).await {
            Ok(permit) => permit,
            Err(refusal) => {
                let error = LlmError::from(refusal);
                call.outcome = Some(error.code());
                return Err(error);
            }
        };
        let admitted_at = Instant::now();
        metrics::histogram!(names::QUEUE_WAIT_SECONDS, names::LABEL_MODEL => model.to_owned())
            .record(permit.queue_wait().as_secs_f64());

        // Some backends cannot time the first token; the first delta seen here stands in.
        let mut first_delta_at: Option<Instant> = None;
        let mut sink = |delta: &str| {
            if first_delta_at.is_none() {
                first_delta_at = Some(Instant::now());
            }
            on_delta(delta);
        };
        let result = self.inner.complete(request, &mut sink).await;

        let mut completion = match result {
            Ok(completion) => completion,
            Err(error) => {
                call.outcome = Some(error.code());
                return Err(error);
            }
        };
        completion.timing.queue_wait = permit.queue_wait();
        if completion.timing.time_to_first_token.is_zero() {
            let measured = first_delta_at.map(|at| at.saturating_duration_since(admitted_at));
            completion.timing.time_to_first_token = measured.unwrap_or(completion.timing.total);
        }
        let usage = completion.usage;
        permit.record_first_token(completion.timing.time_to_first_token, usage.uncached_prompt_tokens());
        drop(permit);

        record_completion(model, &completion);
        call.outcome = Some("ok");
        Ok(completion)
    }
}

fn record_completion(model: &str, completion: &Completion) {
    let timing = completion.timing;
    let usage = completion.usage;
    let seconds = |duration: Duration| duration.as_secs_f64();
    metrics::histogram!(names::TIME_TO_FIRST_TOKEN_SECONDS, names::LABEL_MODEL => model.to_owned())
        .record(seconds(timing.time_to_first_token));
    metrics::histogram!(names::DECODE_SECONDS, names::LABEL_MODEL => model.to_owned()).record(seconds(timing.decode()));
    metrics::counter!(names::PROMPT_TOKENS_TOTAL, names::LABEL_MODEL => model.to_owned(), names::LABEL_CACHED => "true")
        .increment(u64::from(usage.cached_prompt_tokens));
    metrics::counter!(names::PROMPT_TOKENS_TOTAL, names::LABEL_MODEL => model.to_owned(), names::LABEL_CACHED => "false")
        .increment(u64::from(usage.uncached_prompt_tokens()));
    metrics::counter!(names::COMPLETION_TOKENS_TOTAL, names::LABEL_MODEL => model.to_owned())
        .increment(u64::from(usage.completion_tokens));
}

/// Counts the call once, whichever way it ends; a call whose future is dropped before it
/// settles counts as `cancelled`.
struct CallOutcome<'a> {
    model: &'a str,
    outcome: Option<&'static str>,
}

impl Drop for CallOutcome<'_> {
    fn drop(&mut self) {
        let outcome = self.outcome.unwrap_or("cancelled");
        metrics::counter!(names::CALLS_TOTAL, names::LABEL_MODEL => self.model.to_owned(), names::LABEL_OUTCOME => outcome)
            .increment(1);
    }
}

#[cfg(test)]
mod tests {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
    use metrics_util::{CompositeKey, MetricKind};

    use super::*;
    use crate::admission::{AdaptiveConfig, AdmissionError, GateConfig};
    use crate::testing::{ScriptedModel, Step};
    use crate::{Message, discard_deltas};

    type Metrics = Vec<(CompositeKey, DebugValue)>;

    fn metrics(snapshotter: &Snapshotter) -> Metrics {
        snapshotter.snapshot().into_vec().into_iter().map(|(key, _, _, value)| (key, value)).collect()
    }

    fn find<'m>(metrics: &'m Metrics, kind: MetricKind, name: &str, labels: &[(&str, &str)]) -> Option<&'m DebugValue> {
        metrics.iter().find_map(|(key, value)| {
            let key_labels: Vec<(&str, &str)> = key.key().labels().map(|label| (label.key(), label.value())).collect();
            let wanted = key.kind() == kind
                && key.key().name() == name
                && labels.iter().all(|label| key_labels.contains(label))
                && key_labels.len() == labels.len();
            wanted.then_some(value)
        })
    }

    fn counter(metrics: &Metrics, name: &str, labels: &[(&str, &str)]) -> u64 {
        match find(metrics, MetricKind::Counter, name, labels) {
            Some(DebugValue::Counter(value)) => *value,
            other => panic!("no counter {name} {labels:?}: {other:?}"),
        }
    }

    fn gauge(metrics: &Metrics, name: &str) -> f64 {
        match find(metrics, MetricKind::Gauge, name, &[("model", "large")]) {
            Some(DebugValue::Gauge(value)) => value.into_inner(),
            other => panic!("no gauge {name}: {other:?}"),
        }
    }

    fn histogram(metrics: &Metrics, name: &str) -> Vec<f64> {
        match find(metrics, MetricKind::Histogram, name, &[("model", "large")]) {
            Some(DebugValue::Histogram(values)) => values.iter().map(|value| value.into_inner()).collect(),
            other => panic!("no histogram {name}: {other:?}"),
        }
    }

    fn slow_reply(seconds: u64, text: &str) -> Step {
        Step::After(Duration::from_secs(seconds), Box::new(Step::Reply(text.into())))
    }

    fn gated(inner: ScriptedModel, config: GateConfig) -> GatedModel {
        GatedModel::new(Arc::new(inner), Arc::new(AdmissionGate::new("large", config)))
    }

    fn request() -> ChatRequest {
        // 40 characters → 10 tokens, plus 4 template tokens.
        ChatRequest::new(vec![Message::user("x".repeat(40))])
    }

    #[tokio::test(start_paused = true)]
    async fn fills_queue_wait_and_records_metrics() {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        let _local = metrics::set_default_local_recorder(&recorder);

        let inner = ScriptedModel::new("scripted");
        inner.push(slow_reply(2, "first"));
        inner.push(slow_reply(2, "second"));
        let model = gated(inner, GateConfig { max_in_flight: 1, ..GateConfig::default() });
        let request = request();
        let (mut sink_a, mut sink_b) = (discard_deltas, discard_deltas);
        let (a, b) = tokio::join!(model.complete(&request, &mut sink_a), model.complete(&request, &mut sink_b));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.timing.queue_wait, Duration::ZERO);
        assert_eq!(b.timing.queue_wait, Duration::from_secs(2), "the second call waited for the first");
        assert_eq!(b.timing.time_to_first_token, Duration::from_secs(2), "model time excludes the queue");

        let metrics = metrics(&snapshotter);
        assert_eq!(counter(&metrics, names::CALLS_TOTAL, &[("model", "large"), ("outcome", "ok")]), 2);
        assert_eq!(histogram(&metrics, names::QUEUE_WAIT_SECONDS), vec![0.0, 2.0]);
        assert_eq!(histogram(&metrics, names::TIME_TO_FIRST_TOKEN_SECONDS), vec![2.0, 2.0]);
        assert_eq!(histogram(&metrics, names::DECODE_SECONDS), vec![0.0, 0.0]);
        assert_eq!(counter(&metrics, names::PROMPT_TOKENS_TOTAL, &[("model", "large"), ("cached", "false")]), 28);
        assert_eq!(counter(&metrics, names::PROMPT_TOKENS_TOTAL, &[("model", "large"), ("cached", "true")]), 0);
        assert_eq!(counter(&metrics, names::COMPLETION_TOKENS_TOTAL, &[("model", "large")]), 4);
        assert_eq!(gauge(&metrics, names::IN_FLIGHT_REQUESTS), 0.0);
        assert_eq!(gauge(&metrics, names::IN_FLIGHT_PROMPT_TOKENS), 0.0);
        assert_eq!(gauge(&metrics, names::QUEUED_REQUESTS), 0.0);
    }

    #[tokio::test(start_paused = true)]
    async fn refusals_become_typed_errors_and_are_counted() {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        let _local = metrics::set_default_local_recorder(&recorder);

        let inner = ScriptedModel::new("scripted");
        inner.push(slow_reply(1, "only"));
        let model = gated(inner, GateConfig { max_in_flight: 1, max_queue: 0, ..GateConfig::default() });
        let request = request();
        let (mut sink_a, mut sink_b) = (discard_deltas, discard_deltas);
        let (a, b) = tokio::join!(model.complete(&request, &mut sink_a), model.complete(&request, &mut sink_b));
        assert!(a.is_ok());
        let refusal = b.unwrap_err();
        assert!(matches!(refusal, LlmError::Admission(AdmissionError::QueueFull { .. })), "{refusal:?}");

        let metrics = metrics(&snapshotter);
        let reason = [("model", "large"), ("reason", "admission_queue_full")];
        assert_eq!(counter(&metrics, names::REFUSALS_TOTAL, &reason), 1);
        let outcome = [("model", "large"), ("outcome", "admission_queue_full")];
        assert_eq!(counter(&metrics, names::CALLS_TOTAL, &outcome), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn errors_and_cancellations_release_the_permit() {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        let _local = metrics::set_default_local_recorder(&recorder);

        // An empty script fails with a backend error.
        let inner = Arc::new(ScriptedModel::new("scripted"));
        let model = GatedModel::new(inner.clone(), Arc::new(AdmissionGate::new("large", GateConfig::default())));
        let request = request();
        let mut sink = discard_deltas;
        assert!(matches!(model.complete(&request, &mut sink).await, Err(LlmError::Backend { .. })));

        // A call dropped mid-flight (the caller's own timeout) is counted as cancelled.
        inner.push(slow_reply(60, "too late"));
        let call = model.complete(&request, &mut sink);
        assert!(tokio::time::timeout(Duration::from_secs(1), call).await.is_err());
        let snapshot = model.gate().snapshot();
        assert_eq!((snapshot.in_flight_requests, snapshot.in_flight_prompt_tokens), (0, 0));

        let metrics = metrics(&snapshotter);
        assert_eq!(counter(&metrics, names::CALLS_TOTAL, &[("model", "large"), ("outcome", "model_backend")]), 1);
        assert_eq!(counter(&metrics, names::CALLS_TOTAL, &[("model", "large"), ("outcome", "cancelled")]), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn slow_first_tokens_shrink_an_adaptive_budget() {
        let adaptive = AdaptiveConfig {
            ttft_target: Duration::from_secs(2),
            overhead: Duration::from_secs(1),
            min_budget_tokens: 10,
            max_budget_tokens: 10_000,
            initial_prefill_tokens_per_s: 1_000.0,
            smoothing: 0.5,
        };
        let inner = ScriptedModel::new("scripted");
        inner.push(slow_reply(30, "slow"));
        let model = gated(inner, GateConfig { adaptive: Some(adaptive), ..GateConfig::default() });
        assert_eq!(model.gate().snapshot().token_budget, Some(1_000));
        let mut sink = discard_deltas;
        model.complete(&request(), &mut sink).await.unwrap();
        // 14 tokens of work in 29 s of prefill: the sample is floored at a quarter of the rate.
        assert_eq!(model.gate().snapshot().token_budget, Some(625));
    }
}
