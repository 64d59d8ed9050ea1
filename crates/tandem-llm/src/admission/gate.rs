//! The gate itself: admit at once, queue, or refuse.

use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::config::GateConfig;
use super::error::AdmissionError;
use super::metric_names as names;
use super::permit::Permit;
use super::state::{Shared, Waiter, settle};

/// Admission control for one model endpoint (replica). Cheap to share behind an `Arc`; all
/// methods take `&self`.
#[derive(Debug)]
pub struct AdmissionGate {
    shared: Arc<Shared>,
}

/// The gate's state at one moment, for health pages, tests and the simulator.
#[derive(Debug, Clone, PartialEq)]
pub struct GateSnapshot {
    pub in_flight_requests: usize,
    pub in_flight_prompt_tokens: u64,
    pub queued: usize,
    /// The current cap on prompt tokens in flight; `None` when the gate has none.
    pub token_budget: Option<u32>,
    /// The learned prefill rate; `None` unless the gate is adaptive.
    pub prefill_tokens_per_s: Option<f64>,
    pub closed: bool,
}

/// What the first, synchronous look at the state decided.
enum Entry {
    Admitted { tokens_ahead: u64 },
    Queued { id: u64, rx: oneshot::Receiver<Permit> },
    Refused(AdmissionError),
}

impl AdmissionGate {
    /// A gate for the endpoint called `model` (used in errors and as the `model` metric
    /// label). The configuration is normalised, see [`GateConfig::normalised`].
    pub fn new(model: impl Into<String>, config: GateConfig) -> Self {
        Self { shared: Arc::new(Shared::new(model.into(), &config)) }
    }

    pub fn model(&self) -> &str {
        &self.shared.model
    }

    /// The configuration in force (normalised).
    pub fn config(&self) -> &GateConfig {
        &self.shared.config
    }

    /// Waits for the right to run a call of `prompt_tokens` (estimated, uncached) prompt
    /// tokens. Strictly first come, first served. Refuses at once when the queue is full or
    /// the gate is closed, and after `queue_deadline` of waiting. Dropping the returned
    /// future while it waits leaves the queue cleanly and lets the next waiter in.
    pub async fn acquire(&self, prompt_tokens: u32) -> Result<Permit, AdmissionError> {
        let enqueued_at = Instant::now();
        let (id, rx) = match self.enter(prompt_tokens, enqueued_at) {
            Entry::Admitted { tokens_ahead } => {
                return Ok(Permit::new(Arc::clone(&self.shared), prompt_tokens, tokens_ahead, Default::default()));
            }
            Entry::Refused(error) => return Err(self.refuse(error)),
            Entry::Queued { id, rx } => (id, rx),
        };
        let mut waiting = Waiting { shared: &self.shared, id, rx, received: false };
        let deadline = enqueued_at + self.shared.config.queue_deadline;
        match tokio::time::timeout_at(deadline, &mut waiting.rx).await {
            Ok(Ok(permit)) => {
                waiting.received = true;
                Ok(permit)
            }
            // The sender was dropped without a permit: only `close` does that.
            Ok(Err(_)) => Err(self.refuse(AdmissionError::Closed { model: self.shared.model.clone() })),
            Err(_elapsed) => {
                // A grant may have landed in the same instant; using it beats wasting it.
                if let Ok(permit) = waiting.rx.try_recv() {
                    waiting.received = true;
                    return Ok(permit);
                }
                let waited = enqueued_at.elapsed();
                Err(self.refuse(AdmissionError::DeadlineExceeded { model: self.shared.model.clone(), waited }))
            }
        }
    }

    /// Admits at once when nothing is queued and the state allows; otherwise queues or refuses.
    fn enter(&self, prompt_tokens: u32, enqueued_at: Instant) -> Entry {
        let mut state = self.shared.lock();
        let config = &self.shared.config;
        let entry = if state.closed {
            Entry::Refused(AdmissionError::Closed { model: self.shared.model.clone() })
        } else if state.queue.is_empty() && state.admits(config, prompt_tokens) {
            Entry::Admitted { tokens_ahead: state.admit(prompt_tokens) }
        } else if state.queue.len() >= config.max_queue {
            Entry::Refused(AdmissionError::QueueFull { model: self.shared.model.clone(), capacity: config.max_queue })
        } else {
            let (tx, rx) = oneshot::channel();
            let id = state.next_waiter_id;
            state.next_waiter_id = state.next_waiter_id.wrapping_add(1);
            state.queue.push_back(Waiter { id, prompt_tokens, enqueued_at, tx });
            Entry::Queued { id, rx }
        };
        if !matches!(entry, Entry::Refused(_)) {
            self.shared.publish(&state);
        }
        entry
    }

    fn refuse(&self, error: AdmissionError) -> AdmissionError {
        metrics::counter!(
            names::REFUSALS_TOTAL,
            names::LABEL_MODEL => self.shared.model.clone(),
            names::LABEL_REASON => error.code(),
        )
        .increment(1);
        tracing::debug!(model = %self.shared.model, reason = error.code(), "admission refused");
        error
    }

    /// The state right now.
    pub fn snapshot(&self) -> GateSnapshot {
        let state = self.shared.lock();
        GateSnapshot {
            in_flight_requests: state.in_flight,
            in_flight_prompt_tokens: state.in_flight_tokens,
            queued: state.queue.len(),
            token_budget: state.token_budget(&self.shared.config),
            prefill_tokens_per_s: state.adaptive.as_ref().map(|adaptive| adaptive.prefill_tokens_per_s()),
            closed: state.closed,
        }
    }

    /// Refuses every queued and every future call with [`AdmissionError::Closed`]. Calls in
    /// flight keep their permits and finish normally.
    pub fn close(&self) {
        let waiters: Vec<Waiter> = {
            let mut state = self.shared.lock();
            state.closed = true;
            let waiters = state.queue.drain(..).collect();
            self.shared.publish(&state);
            waiters
        };
        // Dropping the senders wakes each waiter with "closed"; done outside the lock.
        drop(waiters);
    }

    pub fn is_closed(&self) -> bool {
        self.shared.lock().closed
    }
}

/// A queued call. Dropped on every way out of `acquire` (admitted, refused, timed out, or the
/// future dropped), it takes the waiter out of the queue, which may let the waiters behind it
/// in. Its receiver drops after that; a permit granted in the meantime sits in the channel
/// and is released by its own `Drop`.
struct Waiting<'a> {
    shared: &'a Arc<Shared>,
    id: u64,
    rx: oneshot::Receiver<Permit>,
    received: bool,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if self.received {
            return;
        }
        let id = self.id;
        settle(self.shared, |state| {
            state.remove_waiter(id);
        });
    }
}
