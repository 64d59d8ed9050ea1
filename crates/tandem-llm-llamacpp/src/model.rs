//! The async handle: [`LlamaCppModel`] implements [`ChatModel`] by talking to its worker.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use async_trait::async_trait;
use llama_cpp_2::model::LlamaModel;
use tandem_llm::{ChatModel, ChatRequest, Completion, DeltaSink, LlmError};
use tokio::sync::{mpsc as async_mpsc, oneshot};

use crate::config::LlamaCppConfig;
use crate::prompt;
use crate::worker::{self, Event, Job, Loaded};

/// A GGUF model running in this process on its own worker thread.
///
/// Calls are served one at a time in arrival order (one context, one KV cache); put the
/// admission gate in front to bound the queue. Dropping the handle stops the worker once its
/// current call ends.
///
/// ```no_run
/// # async fn demo() -> Result<(), tandem_llm::LlmError> {
/// use tandem_llm::{ChatModel, ChatRequest, Message, discard_deltas};
/// use tandem_llm_llamacpp::{LlamaCppConfig, LlamaCppModel};
///
/// let model = LlamaCppModel::load(LlamaCppConfig::new("/models/qwen2.5-coder-0.5b.gguf", "small")).await?;
/// let request = ChatRequest::new(vec![Message::user("Say hi.")]).with_max_tokens(16);
/// let reply = model.complete(&request, &mut discard_deltas).await?;
/// println!("{} ({} tokens)", reply.text, reply.usage.completion_tokens);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct LlamaCppModel {
    name: String,
    /// Shared with the worker; used here only to tokenize (a read-only vocabulary lookup).
    model: Arc<LlamaModel>,
    n_ctx: u32,
    jobs: mpsc::Sender<Job>,
}

impl LlamaCppModel {
    /// Loads the GGUF on a new worker thread and waits, without blocking, until it is ready.
    pub async fn load(config: LlamaCppConfig) -> Result<Self, LlmError> {
        let name = config.name.clone();
        let (jobs, job_receiver) = mpsc::channel();
        let (ready, loaded) = oneshot::channel();
        worker::spawn(config, job_receiver, ready)?;
        let Loaded { model, n_ctx } = loaded.await.map_err(|_| worker_stopped())??;
        Ok(Self { name, model, n_ctx, jobs })
    }

    /// The context window actually allocated, in tokens.
    pub fn n_ctx(&self) -> u32 {
        self.n_ctx
    }
}

#[async_trait]
impl ChatModel for LlamaCppModel {
    fn name(&self) -> &str {
        &self.name
    }

    async fn complete(&self, request: &ChatRequest, on_delta: DeltaSink<'_>) -> Result<Completion, LlmError> {
        let cancel = CancelOnDrop(Arc::new(AtomicBool::new(false)));
        let (events, mut replies) = async_mpsc::unbounded_channel();
        let job = Job { request: request.clone(), started: Instant::now(), cancel: Arc::clone(&cancel.0), events };
        self.jobs.send(job).map_err(|_| worker_stopped())?;
        while let Some(event) = replies.recv().await {
            match event {
                Event::Delta(delta) => on_delta(&delta),
                Event::Done(result) => return result,
            }
        }
        Err(worker_stopped())
    }

    fn count_tokens(&self, text: &str) -> u32 {
        prompt::count_tokens(&self.model, text)
    }
}

/// Tells the worker to stop when the `complete` future is dropped (or finishes: then the
/// flag is simply never read again).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn worker_stopped() -> LlmError {
    LlmError::Backend { detail: "the llama.cpp worker thread has stopped".to_owned() }
}
