//! The gate's shared state and the one routine that changes it and hands out permits.
//!
//! Every change (a release, a cancelled waiter, a new budget) goes through [`settle`], which
//! applies it under the lock, pops every waiter that the new state admits, and sends their
//! permits after unlocking. Keeping dispatch in one place is what makes "released on every
//! path" hold: there is no second code path that could forget to wake the queue.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::adaptive::AdaptiveBudget;
use super::config::GateConfig;
use super::metric_names as names;
use super::permit::Permit;

/// What the gate and all of its permits share.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) model: String,
    /// Normalised at construction.
    pub(super) config: GateConfig,
    state: Mutex<State>,
}

/// One queued call. Its permit is sent through `tx`; a dropped sender means "closed".
#[derive(Debug)]
pub(super) struct Waiter {
    pub(super) id: u64,
    pub(super) prompt_tokens: u32,
    pub(super) enqueued_at: Instant,
    pub(super) tx: oneshot::Sender<Permit>,
}

#[derive(Debug)]
pub(super) struct State {
    pub(super) in_flight: usize,
    /// A sum of `u32` estimates, so `u64` cannot overflow in practice.
    pub(super) in_flight_tokens: u64,
    pub(super) queue: VecDeque<Waiter>,
    pub(super) next_waiter_id: u64,
    pub(super) closed: bool,
    pub(super) adaptive: Option<AdaptiveBudget>,
}

/// A waiter the state admitted; its permit is built and sent outside the lock.
struct Grant {
    tx: oneshot::Sender<Permit>,
    prompt_tokens: u32,
    tokens_ahead: u64,
    queue_wait: Duration,
}

impl Shared {
    pub(super) fn new(model: String, config: &GateConfig) -> Self {
        let config = config.normalised();
        let state = State {
            in_flight: 0,
            in_flight_tokens: 0,
            queue: VecDeque::new(),
            next_waiter_id: 0,
            closed: false,
            adaptive: config.adaptive.as_ref().map(AdaptiveBudget::new),
        };
        Self { model, config, state: Mutex::new(state) }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while the lock is held; if something ever did, the counters are
        // still consistent (each change is a few plain assignments), so carry on.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Mirrors the state into gauges. Called under the lock so that concurrent changes
    /// cannot publish out of order and leave a stale value behind.
    pub(super) fn publish(&self, state: &State) {
        let model = self.model.clone();
        metrics::gauge!(names::IN_FLIGHT_REQUESTS, names::LABEL_MODEL => model.clone()).set(state.in_flight as f64);
        metrics::gauge!(names::IN_FLIGHT_PROMPT_TOKENS, names::LABEL_MODEL => model.clone())
            .set(state.in_flight_tokens as f64);
        metrics::gauge!(names::QUEUED_REQUESTS, names::LABEL_MODEL => model.clone()).set(state.queue.len() as f64);
        if let Some(budget) = state.token_budget(&self.config) {
            metrics::gauge!(names::TOKEN_BUDGET, names::LABEL_MODEL => model.clone()).set(f64::from(budget));
        }
        if let Some(adaptive) = &state.adaptive {
            metrics::gauge!(names::PREFILL_RATE_TOKENS_PER_SECOND, names::LABEL_MODEL => model)
                .set(adaptive.prefill_tokens_per_s());
        }
    }
}

impl State {
    /// The cap on prompt tokens in flight: learned when adaptive, else the fixed one.
    pub(super) fn token_budget(&self, config: &GateConfig) -> Option<u32> {
        match &self.adaptive {
            Some(adaptive) => Some(adaptive.budget_tokens()),
            None => config.max_prompt_tokens_in_flight,
        }
    }

    /// Whether a call of `prompt_tokens` may start now. A call larger than the whole budget
    /// starts when nothing else is in flight, so it is slow but never starved.
    pub(super) fn admits(&self, config: &GateConfig, prompt_tokens: u32) -> bool {
        if self.in_flight >= config.max_in_flight {
            return false;
        }
        if self.in_flight == 0 {
            return true;
        }
        self.token_budget(config)
            .is_none_or(|budget| self.in_flight_tokens.saturating_add(u64::from(prompt_tokens)) <= u64::from(budget))
    }

    /// Takes a slot and the tokens; returns the tokens that were already in flight.
    pub(super) fn admit(&mut self, prompt_tokens: u32) -> u64 {
        let ahead = self.in_flight_tokens;
        self.in_flight += 1;
        self.in_flight_tokens = self.in_flight_tokens.saturating_add(u64::from(prompt_tokens));
        ahead
    }

    pub(super) fn release(&mut self, prompt_tokens: u32) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.in_flight_tokens = self.in_flight_tokens.saturating_sub(u64::from(prompt_tokens));
    }

    /// Takes a waiter out of the queue (cancelled or timed out); false if it was not there.
    pub(super) fn remove_waiter(&mut self, id: u64) -> bool {
        match self.queue.iter().position(|waiter| waiter.id == id) {
            Some(index) => self.queue.remove(index).is_some(),
            None => false,
        }
    }

    /// Admits waiters from the head while the state allows, strictly in order: a head that
    /// does not fit blocks everyone behind it, so a big call is never overtaken.
    fn grant_ready(&mut self, config: &GateConfig) -> Vec<Grant> {
        let now = Instant::now();
        let mut grants = Vec::new();
        while let Some(head) = self.queue.front() {
            if head.tx.is_closed() {
                // Its future is gone and will remove nothing; drop it so it blocks no one.
                self.queue.pop_front();
                continue;
            }
            if !self.admits(config, head.prompt_tokens) {
                break;
            }
            let Some(waiter) = self.queue.pop_front() else { break };
            let tokens_ahead = self.admit(waiter.prompt_tokens);
            grants.push(Grant {
                tx: waiter.tx,
                prompt_tokens: waiter.prompt_tokens,
                tokens_ahead,
                queue_wait: now.saturating_duration_since(waiter.enqueued_at),
            });
        }
        grants
    }
}

/// Applies `change`, then admits whatever the new state allows. A permit whose waiter has
/// meanwhile gone (the grant raced with a cancellation) comes back from the channel; its
/// tokens are returned in the next round instead of through its `Drop`, so that a run of
/// cancelled waiters is handled in a loop rather than by recursion.
pub(super) fn settle(shared: &Arc<Shared>, change: impl FnOnce(&mut State)) {
    let mut change = Some(change);
    let mut returned: Vec<u32> = Vec::new();
    loop {
        let grants = {
            let mut state = shared.lock();
            if let Some(change) = change.take() {
                change(&mut state);
            }
            for prompt_tokens in returned.drain(..) {
                state.release(prompt_tokens);
            }
            let grants = state.grant_ready(&shared.config);
            shared.publish(&state);
            grants
        };
        for grant in grants {
            let permit = Permit::new(Arc::clone(shared), grant.prompt_tokens, grant.tokens_ahead, grant.queue_wait);
            if let Err(permit) = grant.tx.send(permit) {
                returned.push(permit.defuse());
            }
        }
        if returned.is_empty() {
            return;
        }
    }
}
