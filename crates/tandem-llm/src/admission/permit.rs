//! A permit: the right to run one model call, released when dropped.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::state::{Shared, settle};

/// Held while one call runs. Dropping it, on any path (success, error, timeout, a cancelled
/// future, a panicking task unwinding), returns its slot and tokens and admits the next
/// waiters. A permit keeps its gate alive, so it may outlive the [`AdmissionGate`] handle.
///
/// [`AdmissionGate`]: super::AdmissionGate
#[must_use = "the call is admitted only while the permit is held"]
pub struct Permit {
    /// `None` once released (or defused after a grant nobody received).
    shared: Option<Arc<Shared>>,
    prompt_tokens: u32,
    /// Prompt tokens already in flight when this call was admitted: the prefill work the
    /// endpoint had queued ahead of it.
    tokens_ahead: u64,
    queue_wait: Duration,
    first_token_recorded: bool,
}

impl Permit {
    pub(super) fn new(shared: Arc<Shared>, prompt_tokens: u32, tokens_ahead: u64, queue_wait: Duration) -> Self {
        Self { shared: Some(shared), prompt_tokens, tokens_ahead, queue_wait, first_token_recorded: false }
    }

    /// How long the call waited in the queue (zero when admitted at once), measured in tokio
    /// time up to the moment it was admitted.
    pub fn queue_wait(&self) -> Duration {
        self.queue_wait
    }

    /// The estimated prompt tokens this permit holds against the budget.
    pub fn prompt_tokens(&self) -> u32 {
        self.prompt_tokens
    }

    /// Feeds the call's time to first token (measured from admission) and the prompt tokens
    /// the endpoint actually had to prefill to an adaptive gate; a fixed gate ignores it.
    /// Only the first report per permit counts.
    pub fn record_first_token(&mut self, time_to_first_token: Duration, uncached_prompt_tokens: u32) {
        if self.first_token_recorded {
            return;
        }
        self.first_token_recorded = true;
        let Some(shared) = &self.shared else { return };
        let work_tokens = self.tokens_ahead.saturating_add(u64::from(uncached_prompt_tokens));
        settle(shared, |state| {
            if let Some(adaptive) = &mut state.adaptive {
                adaptive.observe(time_to_first_token, work_tokens);
            }
        });
    }

    /// Disarms the permit without touching the state; the caller returns its tokens.
    pub(super) fn defuse(mut self) -> u32 {
        self.shared = None;
        self.prompt_tokens
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            let prompt_tokens = self.prompt_tokens;
            settle(&shared, |state| state.release(prompt_tokens));
        }
    }
}

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit")
            .field("model", &self.shared.as_ref().map(|shared| shared.model.as_str()))
            .field("prompt_tokens", &self.prompt_tokens)
            .field("queue_wait", &self.queue_wait)
            .finish()
    }
}
