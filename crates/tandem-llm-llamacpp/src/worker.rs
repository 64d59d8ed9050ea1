//! The worker thread that owns one model's llama.cpp context.
//!
//! A decode step is seconds of blocking CPU work on the caller's behalf, so it never runs on
//! an async executor: each model gets a dedicated OS thread that loads the GGUF once, owns the
//! context (and with it the KV cache), and serves requests one at a time from a channel.
//! Replies flow back as [`Event`]s over a tokio channel, so callers only ever await.

use std::num::NonZeroU32;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::model::params::LlamaModelParams;
use tandem_llm::{ChatRequest, Completion, LlmError};
use tokio::sync::{mpsc as async_mpsc, oneshot};

use crate::config::LlamaCppConfig;
use crate::generate::Generator;
use crate::{backend, prompt};

/// One call, as the worker receives it.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) request: ChatRequest,
    /// When the caller started waiting; timings count from here.
    pub(crate) started: Instant,
    /// Set when the caller drops its future; checked between decode steps.
    pub(crate) cancel: Arc<AtomicBool>,
    pub(crate) events: async_mpsc::UnboundedSender<Event>,
}

impl Job {
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.events.is_closed()
    }
}

/// What the worker reports back for one job: text pieces, then exactly one outcome.
#[derive(Debug)]
pub(crate) enum Event {
    Delta(String),
    Done(Result<Completion, LlmError>),
}

/// What the async side learns once the model is loaded.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// Shared for tokenizing on the caller's thread; llama.cpp's vocabulary is read-only.
    pub(crate) model: Arc<LlamaModel>,
    pub(crate) n_ctx: u32,
}

/// Starts the worker thread. The model is loaded on it; `ready` reports the outcome.
pub(crate) fn spawn(
    config: LlamaCppConfig,
    jobs: mpsc::Receiver<Job>,
    ready: oneshot::Sender<Result<Loaded, LlmError>>,
) -> Result<(), LlmError> {
    std::thread::Builder::new()
        .name("llama-worker".to_owned())
        .spawn(move || serve(&config, &jobs, ready))
        .map(drop)
        .map_err(|e| LlmError::Backend { detail: format!("cannot start the llama.cpp worker thread: {e}") })
}

fn serve(config: &LlamaCppConfig, jobs: &mpsc::Receiver<Job>, ready: oneshot::Sender<Result<Loaded, LlmError>>) {
    let model = match load_model(config) {
        Ok(model) => Arc::new(model),
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    // Declared after `model`, so the context is dropped before the weights it borrows.
    let mut generator = match new_generator(&model, config) {
        Ok(generator) => generator,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let loaded = Loaded { model: Arc::clone(&model), n_ctx: generator.n_ctx() };
    if ready.send(Ok(loaded)).is_err() {
        // Whoever asked for the model stopped waiting for it.
        return;
    }
    // Ends when every handle (and with it the job sender) is gone.
    while let Ok(job) = jobs.recv() {
        if job.is_cancelled() {
            continue;
        }
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| generator.run(&job)));
        let result = outcome.unwrap_or_else(|_| {
            // The context may be half-way through a step: forget what it holds.
            generator.reset();
            Err(LlmError::Backend { detail: "the llama.cpp worker failed while generating".to_owned() })
        });
        let _ = job.events.send(Event::Done(result));
    }
}

fn load_model(config: &LlamaCppConfig) -> Result<LlamaModel, LlmError> {
    let backend = backend::shared()?;
    // llama-cpp-2 asserts the file exists (a panic in debug builds); report it properly.
    if !config.model_path.is_file() {
        return Err(LlmError::Backend { detail: format!("model file {} does not exist", config.model_path.display()) });
    }
    let started = Instant::now();
    let model = LlamaModel::load_from_file(backend, &config.model_path, &LlamaModelParams::default())
        .map_err(|e| LlmError::Backend { detail: format!("cannot load model {}: {e}", config.model_path.display()) })?;
    tracing::info!(
        model = %config.name,
        path = %config.model_path.display(),
        load_ms = started.elapsed().as_millis(),
        n_params = model.n_params(),
        "loaded GGUF model"
    );
    Ok(model)
}

fn new_generator<'m>(model: &'m LlamaModel, config: &LlamaCppConfig) -> Result<Generator<'m>, LlmError> {
    let backend = backend::shared()?;
    if config.n_batch == 0 {
        return Err(LlmError::Unsupported { detail: "n_batch must be at least 1".to_owned() });
    }
    let n_threads = config
        .n_threads
        .or_else(|| std::thread::available_parallelism().ok().and_then(|n| u32::try_from(n.get()).ok()))
        .unwrap_or(4);
    let n_threads = i32::try_from(n_threads.max(1)).unwrap_or(i32::MAX);
    let params = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(config.n_ctx))
        .with_n_batch(config.n_batch)
        // One physical batch per logical one: on CPU, fewer larger matrix products prefill faster.
        .with_n_ubatch(config.n_batch)
        .with_n_seq_max(1)
        .with_n_threads(n_threads)
        .with_n_threads_batch(n_threads)
        // Measured slower on CPU for these models; it only pays off on GPUs.
        .with_flash_attention_policy(llama_cpp_sys_2::LLAMA_FLASH_ATTN_TYPE_DISABLED);
    let ctx = model
        .new_context(backend, params)
        .map_err(|e| LlmError::Backend { detail: format!("cannot create a llama.cpp context: {e}") })?;
    let template = prompt::chat_template(model)?;
    Ok(Generator::new(model, ctx, template, config.name.clone(), config.n_batch))
}
