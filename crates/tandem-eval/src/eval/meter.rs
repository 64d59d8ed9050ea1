//! A model wrapper that records every call of one question into a [`Ledger`], so a question
//! that ends in an error still shows what it spent (the pipeline's own ledger comes back only
//! with an answer).

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use tandem_agent::{Ledger, Prices};
use tandem_llm::{ChatModel, ChatRequest, Completion, DeltaSink, LlmError};

/// Which side of the ledger a metered model's calls go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Small,
    Large,
}

/// One question's meter, shared by the wrappers of both tiers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Meter(Arc<Mutex<Ledger>>);

impl Meter {
    /// Wraps `model` so that its calls are recorded on `side` at `prices`.
    pub(crate) fn wrap(&self, model: Arc<dyn ChatModel>, side: Side, prices: Prices) -> Arc<dyn ChatModel> {
        Arc::new(Metered { inner: model, side, prices, meter: self.clone() })
    }

    /// What the question's calls cost so far.
    pub(crate) fn ledger(&self) -> Ledger {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

#[derive(Debug)]
struct Metered {
    inner: Arc<dyn ChatModel>,
    side: Side,
    prices: Prices,
    meter: Meter,
}

#[async_trait]
impl ChatModel for Metered {
    fn name(&self) -> &str {
        self.inner.name()
    }

    async fn complete(&self, request: &ChatRequest, on_delta: DeltaSink<'_>) -> Result<Completion, LlmError> {
        let completion = self.inner.complete(request, on_delta).await?;
        let mut ledger = self.meter.0.lock().unwrap_or_else(PoisonError::into_inner);
        match self.side {
            Side::Small => ledger.record_small(&completion, &self.prices),
            Side::Large => ledger.record_large(&completion, &self.prices),
        }
        Ok(completion)
    }

    fn count_tokens(&self, text: &str) -> u32 {
        self.inner.count_tokens(text)
    }

    fn estimate_prompt_tokens(&self, request: &ChatRequest) -> u32 {
        self.inner.estimate_prompt_tokens(request)
    }
}
