//! Runs one workload against the simulated server through one strategy, in simulated time.
//!
//! A private current-thread tokio runtime with its clock paused: whenever every task waits,
//! tokio jumps the clock to the next timer, so a run is a discrete-event simulation whose
//! events are the server's step ends, the clients' arrivals and the gate's deadlines. Clients
//! call the server through the production [`GatedModel`] around a [`ChatModel`] that forwards
//! to the server task, so the gate's own queue, permits, queue-wait measurement and adaptive
//! observations are what is being measured.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tandem_llm::admission::{AdmissionGate, GateConfig, GatedModel};
use tandem_llm::{
    ChatModel, ChatRequest, Completion, DeltaSink, FinishReason, LlmError, Message, Timing, Usage, discard_deltas,
};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::error::SimError;
use super::preset::ServerPreset;
use super::server::{Server, ServerStats};
use super::workload::{Arrival, RequestSpec, Workload};

/// After a step's results are delivered, the server lets every woken task run (a finished call
/// releases its permit, the gate admits the next caller, which submits) before it schedules
/// the next step, as a real server's next iteration sees requests that arrived meanwhile.
const SETTLE_YIELDS: usize = 8;
/// A run longer than this many steps is reported, not continued.
const MAX_STEPS: u64 = 20_000_000;

/// How one call ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallRecord {
    pub(crate) id: usize,
    pub(crate) class: usize,
    pub(crate) prompt_tokens: u32,
    pub(crate) output_tokens: u32,
    /// Seconds after the start when the call was made.
    pub(crate) sent_s: f64,
    pub(crate) outcome: Result<CallTiming, &'static str>,
}

/// Times of a completed call, all in seconds from the moment it was made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CallTiming {
    pub(crate) gate_wait_s: f64,
    /// Includes the gate wait.
    pub(crate) ttft_s: f64,
    pub(crate) end_to_end_s: f64,
    pub(crate) cached_prompt_tokens: u32,
}

/// Everything one run produced.
#[derive(Debug, Clone)]
pub(crate) struct RunOutcome {
    /// In request-id order.
    pub(crate) calls: Vec<CallRecord>,
    pub(crate) server: ServerStats,
}

/// Simulates `workload` on `server`, through a gate configured by `gate` (none: direct).
pub(crate) fn simulate(
    server: &ServerPreset,
    workload: &Workload,
    gate: Option<GateConfig>,
) -> Result<RunOutcome, SimError> {
    // A thread of its own, so the caller may itself be inside a runtime.
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .start_paused(true)
                    .build()
                    .map_err(|source| SimError::Runtime { source })?;
                runtime.block_on(run(server, workload, gate))
            })
            .join()
            .map_err(|_| SimError::Task { detail: "the simulation thread panicked".to_owned() })?
    })
}

async fn run(preset: &ServerPreset, workload: &Workload, gate: Option<GateConfig>) -> Result<RunOutcome, SimError> {
    let start = Instant::now();
    let specs: Arc<[RequestSpec]> = workload.requests.clone().into();
    let (tx, rx) = mpsc::unbounded_channel();
    let endpoint: Arc<dyn ChatModel> =
        Arc::new(SimEndpoint { specs: Arc::clone(&specs), tx, kv_capacity_tokens: preset.kv_capacity_tokens });
    let model: Arc<dyn ChatModel> = match gate {
        Some(config) => Arc::new(GatedModel::new(endpoint, Arc::new(AdmissionGate::new("simulated", config)))),
        None => endpoint,
    };

    let mut server_task = JoinSet::new();
    server_task.spawn(serve(Server::new(preset), Arc::clone(&specs), rx));
    let mut clients = JoinSet::new();
    let lanes: Vec<Vec<usize>> = match workload.config.arrival {
        Arrival::ClosedLoop { concurrency } => {
            (0..concurrency).map(|lane| (lane..specs.len()).step_by(concurrency).collect()).collect()
        }
        Arrival::Burst | Arrival::Poisson { .. } => (0..specs.len()).map(|id| vec![id]).collect(),
    };
    for lane in lanes {
        clients.spawn(client(Arc::clone(&model), Arc::clone(&specs), lane, start));
    }
    // Once every client is done and this handle is gone, the server sees its channel close.
    drop(model);

    let mut calls = Vec::with_capacity(specs.len());
    while let Some(joined) = clients.join_next().await {
        calls.extend(joined.map_err(|error| SimError::Task { detail: error.to_string() })?);
    }
    calls.sort_by_key(|call: &CallRecord| call.id);
    let server = match server_task.join_next().await {
        Some(Ok(stats)) => stats?,
        Some(Err(error)) => return Err(SimError::Task { detail: error.to_string() }),
        None => return Err(SimError::Task { detail: "the server task vanished".to_owned() }),
    };
    Ok(RunOutcome { calls, server })
}

/// One client: sends its requests one after another, each at its arrival time at the earliest.
async fn client(
    model: Arc<dyn ChatModel>,
    specs: Arc<[RequestSpec]>,
    lane: Vec<usize>,
    start: Instant,
) -> Vec<CallRecord> {
    let mut records = Vec::with_capacity(lane.len());
    for id in lane {
        let Some(spec) = specs.get(id) else { continue };
        tokio::time::sleep_until(start + Duration::from_secs_f64(spec.arrival_s)).await;
        let sent = Instant::now();
        let request = ChatRequest::new(vec![Message::user(id.to_string())]).with_max_tokens(spec.output_tokens);
        let mut sink = discard_deltas;
        let outcome = match model.complete(&request, &mut sink).await {
            Ok(completion) => {
                let timing = completion.timing;
                Ok(CallTiming {
                    gate_wait_s: timing.queue_wait.as_secs_f64(),
                    ttft_s: (timing.queue_wait + timing.time_to_first_token).as_secs_f64(),
                    end_to_end_s: sent.elapsed().as_secs_f64(),
                    cached_prompt_tokens: completion.usage.cached_prompt_tokens,
                })
            }
            Err(error) => Err(error.code()),
        };
        records.push(CallRecord {
            id,
            class: spec.class,
            prompt_tokens: spec.prompt_tokens,
            output_tokens: spec.output_tokens,
            sent_s: sent.saturating_duration_since(start).as_secs_f64(),
            outcome,
        });
    }
    records
}

/// A call handed to the server task.
struct Submission {
    id: usize,
    first_token: oneshot::Sender<()>,
    /// The prompt tokens served from the prefix cache, or `None` if the server refused it.
    done: oneshot::Sender<Option<u32>>,
}

/// The server loop: take what was submitted, run a step, sleep its duration, deliver.
async fn serve(
    mut server: Server,
    specs: Arc<[RequestSpec]>,
    mut rx: mpsc::UnboundedReceiver<Submission>,
) -> Result<ServerStats, SimError> {
    let mut pending = Pending::new();
    loop {
        while let Ok(submission) = rx.try_recv() {
            pending.accept(&mut server, &specs, submission);
        }
        let Some(outcome) = server.step()? else {
            match rx.recv().await {
                Some(submission) => {
                    pending.accept(&mut server, &specs, submission);
                    continue;
                }
                None => break,
            }
        };
        if server.steps() > MAX_STEPS {
            return Err(SimError::TooLong { max_steps: MAX_STEPS });
        }
        tokio::time::sleep(outcome.duration).await;
        for id in outcome.first_tokens {
            if let Some((first_token, _)) = pending.calls.get_mut(&id)
                && let Some(sender) = first_token.take()
            {
                let _ = sender.send(());
            }
        }
        for (id, cached) in outcome.finished {
            if let Some((_, done)) = pending.calls.remove(&id) {
                let _ = done.send(Some(cached));
            }
        }
        for _ in 0..SETTLE_YIELDS {
            tokio::task::yield_now().await;
        }
    }
    Ok(server.stats())
}

/// Where to tell a call about its first token (until told) and its end.
type Replies = (Option<oneshot::Sender<()>>, oneshot::Sender<Option<u32>>);

/// The reply channels of the calls the server holds, by request id.
struct Pending {
    calls: BTreeMap<usize, Replies>,
}

impl Pending {
    fn new() -> Self {
        Self { calls: BTreeMap::new() }
    }

    /// Queues a submission on the server, or refuses it at once if it can never fit.
    fn accept(&mut self, server: &mut Server, specs: &[RequestSpec], submission: Submission) {
        if specs.get(submission.id).is_some_and(|spec| server.submit(spec)) {
            self.calls.insert(submission.id, (Some(submission.first_token), submission.done));
        } else {
            let _ = submission.done.send(None);
        }
    }
}

/// The [`ChatModel`] clients call: forwards request `id` (the message text) to the server task
/// and reports the time to first token and the total as a real backend would.
#[derive(Debug)]
struct SimEndpoint {
    specs: Arc<[RequestSpec]>,
    tx: mpsc::UnboundedSender<Submission>,
    kv_capacity_tokens: u32,
}

impl SimEndpoint {
    fn spec(&self, request: &ChatRequest) -> Option<&RequestSpec> {
        let id: usize = request.messages.first()?.content.trim().parse().ok()?;
        self.specs.get(id)
    }
}

#[async_trait]
impl ChatModel for SimEndpoint {
    fn name(&self) -> &str {
        "simulated-server"
    }

    fn estimate_prompt_tokens(&self, request: &ChatRequest) -> u32 {
        self.spec(request).map_or(0, |spec| spec.prompt_tokens)
    }

    async fn complete(&self, request: &ChatRequest, _on_delta: DeltaSink<'_>) -> Result<Completion, LlmError> {
        let Some(spec) = self.spec(request) else {
            return Err(LlmError::Backend { detail: "the simulated server knows no such request".to_owned() });
        };
        let started = Instant::now();
        let (first_tx, first_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let submission = Submission { id: spec.id, first_token: first_tx, done: done_tx };
        if self.tx.send(submission).is_err() {
            return Err(LlmError::Cancelled);
        }
        let first_token_at = first_rx.await.ok().map(|()| Instant::now());
        let cached = match done_rx.await {
            Ok(Some(cached)) => cached,
            Ok(None) => {
                let context_tokens = self.kv_capacity_tokens;
                return Err(LlmError::ContextOverflow { prompt_tokens: spec.prompt_tokens, context_tokens });
            }
            Err(_) => return Err(LlmError::Cancelled),
        };
        let total = started.elapsed();
        let time_to_first_token = first_token_at.map_or(total, |at| at.saturating_duration_since(started));
        Ok(Completion {
            text: String::new(),
            finish_reason: FinishReason::Length,
            usage: Usage {
                prompt_tokens: spec.prompt_tokens,
                cached_prompt_tokens: cached,
                completion_tokens: spec.output_tokens,
            },
            timing: Timing { queue_wait: Duration::ZERO, time_to_first_token, total },
            model: self.name().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::preset::Preset;
    use super::super::strategy::Strategy;
    use super::super::workload::{RequestClass, WorkloadConfig};
    use super::*;

    fn workload(arrival: Arrival) -> Workload {
        Workload::generate(&WorkloadConfig {
            n_requests: 40,
            arrival,
            classes: vec![RequestClass {
                name: "mixed",
                share: 1.0,
                prompt_tokens: (2_000, 30_000),
                output_tokens: (20, 200),
                shared_prefix: None,
            }],
            seed: 3,
        })
        .unwrap()
    }

    #[test]
    fn runs_are_deterministic_and_the_gate_queues_in_simulated_time() {
        let server = Preset::DeepSeekV3H200x8.server();
        let burst = workload(Arrival::Burst);
        let gate = Strategy::FlatCap(2).gate_config(100);
        let a = simulate(&server, &burst, gate.clone()).unwrap();
        let b = simulate(&server, &burst, gate).unwrap();
        assert_eq!(a.calls, b.calls);
        assert!(a.calls.iter().all(|call| call.outcome.is_ok()));
        // With two in flight the 40th call of a burst waits for most of the others.
        let last = a.calls.iter().filter_map(|call| call.outcome.ok()).map(|t| t.gate_wait_s).fold(0.0, f64::max);
        assert!(last > 10.0, "{last}");
        assert_eq!(a.server.preemptions, 0);
        // Without a gate nothing waits in the gate, and the server sees the whole burst.
        let direct = simulate(&server, &burst, None).unwrap();
        assert!(direct.calls.iter().filter_map(|call| call.outcome.ok()).all(|t| t.gate_wait_s == 0.0));
        assert!(direct.server.peak_running > 2);
    }

    #[test]
    fn closed_loop_clients_never_overlap_their_own_calls() {
        let server = Preset::Llama33H100x2.server();
        let outcome = simulate(&server, &workload(Arrival::ClosedLoop { concurrency: 4 }), None).unwrap();
        for lane in 0..4 {
            let calls: Vec<&CallRecord> = outcome.calls.iter().filter(|call| call.id % 4 == lane).collect();
            for pair in calls.windows(2) {
                let end = pair[0].sent_s + pair[0].outcome.unwrap().end_to_end_s;
                assert!((pair[1].sent_s - end).abs() < 1e-6, "{pair:?}");
            }
        }
        assert!(outcome.server.peak_running <= 4);
    }
}
