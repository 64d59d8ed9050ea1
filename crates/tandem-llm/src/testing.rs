//! A scripted model for deterministic tests: it replays canned replies in order and records
//! every request it was sent, so tests can assert on prompts (e.g. that a canary table never
//! reaches the large model).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;

use crate::{ChatModel, ChatRequest, Completion, DeltaSink, FinishReason, LlmError, Timing, Usage, approx_token_count};

/// One scripted step.
#[derive(Debug)]
pub enum Step {
    /// Reply with this text.
    Reply(String),
    /// Fail with this error.
    Fail(LlmError),
    /// Wait this long (in tokio time, so paused-clock tests stay instant), then run the step.
    After(Duration, Box<Step>),
}

/// Replays [`Step`]s in order. When the script runs out it fails with
/// [`LlmError::Backend`] naming the exhausted script, so a test never hangs.
#[derive(Debug, Default)]
pub struct ScriptedModel {
    name: String,
    steps: Mutex<VecDeque<Step>>,
    requests: Mutex<Vec<ChatRequest>>,
}

impl ScriptedModel {
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), ..Self::default() }
    }

    /// A model that replies with these texts in order.
    pub fn replying(name: impl Into<String>, replies: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let model = Self::new(name);
        for reply in replies {
            model.push(Step::Reply(reply.into()));
        }
        model
    }

    pub fn push(&self, step: Step) {
        lock(&self.steps).push_back(step);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<ChatRequest> {
        lock(&self.requests).clone()
    }

    /// Steps not yet consumed.
    pub fn remaining(&self) -> usize {
        lock(&self.steps).len()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not poison the script for the others.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait]
impl ChatModel for ScriptedModel {
    fn name(&self) -> &str {
        &self.name
    }

    async fn complete(&self, request: &ChatRequest, on_delta: DeltaSink<'_>) -> Result<Completion, LlmError> {
        let started = tokio::time::Instant::now();
        lock(&self.requests).push(request.clone());
        let mut step = lock(&self.steps).pop_front().ok_or_else(|| LlmError::Backend {
            detail: format!("scripted model `{}` has no replies left", self.name),
        })?;
        while let Step::After(delay, next) = step {
            tokio::time::sleep(delay).await;
            step = *next;
        }
        let text = match step {
            Step::Reply(text) => text,
            Step::Fail(error) => return Err(error),
            Step::After(..) => return Err(LlmError::Backend { detail: "unreachable scripted step".into() }),
        };
        let first_token_at = started.elapsed();
        on_delta(&text);
        let usage = Usage {
            prompt_tokens: self.estimate_prompt_tokens(request),
            cached_prompt_tokens: 0,
            completion_tokens: approx_token_count(&text),
        };
        Ok(Completion {
            text,
            finish_reason: FinishReason::Stop,
            usage,
            timing: Timing {
                queue_wait: Duration::ZERO,
                time_to_first_token: first_token_at,
                total: started.elapsed(),
            },
            model: self.name.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Message, discard_deltas};

    #[tokio::test]
    async fn replays_in_order_and_records_requests() {
        let model = ScriptedModel::replying("s", ["one", "two"]);
        let request = ChatRequest::new(vec![Message::user("hi")]);
        let mut sink = discard_deltas;
        assert_eq!(model.complete(&request, &mut sink).await.unwrap().text, "one");
        assert_eq!(model.complete(&request, &mut sink).await.unwrap().text, "two");
        assert!(matches!(model.complete(&request, &mut sink).await, Err(LlmError::Backend { .. })));
        assert_eq!(model.requests().len(), 3);
    }
}
