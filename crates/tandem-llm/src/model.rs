//! The `ChatModel` capability.

use async_trait::async_trait;

use crate::{ChatRequest, Completion, LlmError};

/// Receives the reply text piece by piece while it streams. Pieces concatenate to
/// [`Completion::text`].
pub type DeltaSink<'a> = &'a mut (dyn FnMut(&str) + Send);

/// A sink for callers that only want the whole reply.
pub fn discard_deltas(_delta: &str) {}

/// Roughly four characters per token for English and SQL; used where no tokenizer is at hand.
pub fn approx_token_count(text: &str) -> u32 {
    let chars = text.chars().count();
    u32::try_from(chars.div_ceil(4)).unwrap_or(u32::MAX)
}

/// Something that continues a conversation: a local model, a remote endpoint, a script.
///
/// Dropping the future returned by [`ChatModel::complete`] cancels the call; backends stop
/// generating promptly and release what they hold.
#[async_trait]
pub trait ChatModel: Send + Sync + std::fmt::Debug {
    /// The model's name, for the ledger and metrics labels.
    fn name(&self) -> &str;

    /// Runs one call. Every piece of text is passed to `on_delta` as soon as it is known, and
    /// the whole reply is returned with its usage and timing.
    async fn complete(&self, request: &ChatRequest, on_delta: DeltaSink<'_>) -> Result<Completion, LlmError>;

    /// Counts the tokens of `text` with this model's tokenizer where it has one; remote
    /// backends use [`approx_token_count`].
    fn count_tokens(&self, text: &str) -> u32 {
        approx_token_count(text)
    }

    /// Estimates a request's prompt tokens before sending it (admission needs this).
    fn estimate_prompt_tokens(&self, request: &ChatRequest) -> u32 {
        // Each message carries a few template tokens (role markers, separators).
        let per_message = 4u32.saturating_mul(u32::try_from(request.messages.len()).unwrap_or(u32::MAX));
        request.messages.iter().map(|m| self.count_tokens(&m.content)).fold(per_message, u32::saturating_add)
    }
}
