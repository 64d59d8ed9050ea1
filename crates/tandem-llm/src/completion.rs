//! Replies: text, token usage and timing.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Token accounting for one call, as the backend reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// All prompt tokens, cached or not.
    pub prompt_tokens: u32,
    /// Prompt tokens served from a prefix cache (not prefilled again).
    pub cached_prompt_tokens: u32,
    pub completion_tokens: u32,
}

impl Usage {
    /// Prompt tokens the backend had to prefill.
    pub fn uncached_prompt_tokens(&self) -> u32 {
        self.prompt_tokens.saturating_sub(self.cached_prompt_tokens)
    }

    /// Adds another call's usage into this one.
    pub fn absorb(&mut self, other: Usage) {
        self.prompt_tokens = self.prompt_tokens.saturating_add(other.prompt_tokens);
        self.cached_prompt_tokens = self.cached_prompt_tokens.saturating_add(other.cached_prompt_tokens);
        self.completion_tokens = self.completion_tokens.saturating_add(other.completion_tokens);
    }
}

/// Where the time of one call went. Queue wait is kept apart from model time so operators
/// can tell "waiting for a slot" from "the model is slow".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// Time spent in the admission queue before the call started.
    pub queue_wait: Duration,
    /// From the start of the call (after admission) to the first generated token.
    pub time_to_first_token: Duration,
    /// From the start of the call (after admission) to the last token.
    pub total: Duration,
}

impl Timing {
    /// Time spent generating after the first token.
    pub fn decode(&self) -> Duration {
        self.total.saturating_sub(self.time_to_first_token)
    }
}

/// Why generation stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// The model ended its turn or hit a stop string.
    #[default]
    Stop,
    /// `max_tokens` was reached.
    Length,
}

/// A whole reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    pub text: String,
    pub finish_reason: FinishReason,
    pub usage: Usage,
    pub timing: Timing,
    /// The backend's model name, for the ledger.
    pub model: String,
}
