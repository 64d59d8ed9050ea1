//! One call on the worker thread: prompt, prefix reuse, prefill, then decode until a stop.

use std::time::{Duration, Instant};

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::{LlamaChatTemplate, LlamaModel};
use llama_cpp_2::token::LlamaToken;
use tandem_llm::{Completion, FinishReason, LlmError, Timing, Usage};

use crate::kv_cache::{CachedTokens, SEQ};
use crate::prompt;
use crate::reply::ReplyText;
use crate::sampler::TokenSampler;
use crate::worker::{Event, Job};

/// A model's context and everything that outlives single calls.
pub(crate) struct Generator<'m> {
    model: &'m LlamaModel,
    ctx: LlamaContext<'m>,
    template: LlamaChatTemplate,
    cache: CachedTokens,
    batch: LlamaBatch<'static>,
    n_batch: usize,
    name: String,
}

impl std::fmt::Debug for Generator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator").field("name", &self.name).field("cached_tokens", &self.cache.len()).finish()
    }
}

/// What the decode loop has produced so far.
#[derive(Default)]
struct Progress {
    first_token_at: Option<Instant>,
    n_generated: u32,
}

/// How a decode loop ended.
enum Outcome {
    Finished(FinishReason),
    Cancelled,
}

impl<'m> Generator<'m> {
    pub(crate) fn new(
        model: &'m LlamaModel,
        ctx: LlamaContext<'m>,
        template: LlamaChatTemplate,
        name: String,
        n_batch: u32,
    ) -> Self {
        let n_batch = usize::try_from(n_batch).unwrap_or(usize::MAX).min(usize::try_from(ctx.n_batch()).unwrap_or(1));
        let n_batch = n_batch.max(1);
        Self { model, ctx, template, cache: CachedTokens::default(), batch: LlamaBatch::new(n_batch, 1), n_batch, name }
    }

    pub(crate) fn n_ctx(&self) -> u32 {
        self.ctx.n_ctx()
    }

    /// Forgets the KV cache, after a step that may have left it half-written.
    pub(crate) fn reset(&mut self) {
        self.cache.clear(&mut self.ctx);
    }

    pub(crate) fn run(&mut self, job: &Job) -> Result<Completion, LlmError> {
        let request = &job.request;
        let n_ctx = self.n_ctx();
        let tokens = prompt::prompt_tokens(self.model, &self.template, &request.messages, n_ctx)?;
        let prompt_tokens = u32::try_from(tokens.len()).unwrap_or(u32::MAX);
        // The reply needs at least one position after the prompt.
        if prompt_tokens >= n_ctx || tokens.is_empty() {
            return Err(LlmError::ContextOverflow { prompt_tokens, context_tokens: n_ctx });
        }
        // A prompt that fits keeps whatever room is left for the reply: a reply cut short
        // says so with `FinishReason::Length`, which callers handle anyway, while refusing
        // would turn a generous `max_tokens` into a failure.
        let room = n_ctx - prompt_tokens;
        let max_tokens = request.options.max_tokens.min(room);
        if max_tokens < request.options.max_tokens {
            tracing::debug!(model = %self.name, requested = request.options.max_tokens, max_tokens, "max_tokens clamped to the context");
        }
        let gbnf = prompt::grammar(&request.options.response_format)?;
        let mut sampler = TokenSampler::new(self.model, request.options.temperature, gbnf.as_deref())?;

        let cached = self.cache.reuse_for(&mut self.ctx, &tokens);
        let prefill_started = Instant::now();
        let Some(logits_at) = self.prefill(tokens.get(cached..).unwrap_or_default(), job)? else {
            return Err(LlmError::Cancelled);
        };
        let prefill = prefill_started.elapsed();

        let mut reply = ReplyText::new(&request.options.stop);
        let mut progress = Progress::default();
        let outcome = self.decode(&mut sampler, &mut reply, logits_at, max_tokens, job, &mut progress)?;
        let finish_reason = match outcome {
            Outcome::Finished(reason) => reason,
            Outcome::Cancelled => return Err(LlmError::Cancelled),
        };
        send_delta(job, reply.finish());

        let total = job.started.elapsed();
        let time_to_first_token = progress.first_token_at.map_or(total, |at| at.duration_since(job.started));
        let usage = Usage {
            prompt_tokens,
            cached_prompt_tokens: u32::try_from(cached).unwrap_or(u32::MAX),
            completion_tokens: progress.n_generated,
        };
        log_speed(&self.name, &usage, prefill, total.saturating_sub(time_to_first_token));
        Ok(Completion {
            text: reply.into_text(),
            finish_reason,
            usage,
            timing: Timing { queue_wait: Duration::ZERO, time_to_first_token, total },
            model: self.name.clone(),
        })
    }

    /// Decodes `tokens` after the cached prefix, in batches; returns the batch index holding
    /// the logits of the last one, or `None` if the caller cancelled.
    fn prefill(&mut self, tokens: &[LlamaToken], job: &Job) -> Result<Option<i32>, LlmError> {
        let mut logits_at = 0;
        let n_chunks = tokens.len().div_ceil(self.n_batch);
        for (i, chunk) in tokens.chunks(self.n_batch).enumerate() {
            if job.is_cancelled() {
                return Ok(None);
            }
            let last_chunk = i + 1 == n_chunks;
            logits_at = self.decode_batch(chunk, last_chunk)?;
        }
        Ok(Some(logits_at))
    }

    /// Samples and decodes reply tokens until end of generation, a stop string, `max_tokens`
    /// or cancellation.
    fn decode(
        &mut self,
        sampler: &mut TokenSampler,
        reply: &mut ReplyText<'_>,
        mut logits_at: i32,
        max_tokens: u32,
        job: &Job,
        progress: &mut Progress,
    ) -> Result<Outcome, LlmError> {
        let vocab = self.model.vocab();
        let mut piece = Vec::new();
        while progress.n_generated < max_tokens {
            if job.is_cancelled() {
                return Ok(Outcome::Cancelled);
            }
            let token = sampler.sample(&self.ctx, logits_at)?;
            progress.first_token_at.get_or_insert_with(Instant::now);
            progress.n_generated += 1;
            if vocab.is_eog(token) {
                return Ok(Outcome::Finished(FinishReason::Stop));
            }
            sampler.accept(token)?;
            piece.clear();
            // Control tokens render as nothing; they are never part of the reply text.
            vocab.token_to_piece_into(token, &mut piece, false, None);
            send_delta(job, reply.push(&piece));
            if reply.stopped() {
                return Ok(Outcome::Finished(FinishReason::Stop));
            }
            // The last token's logits would go unused.
            if progress.n_generated < max_tokens {
                logits_at = self.decode_batch(&[token], true)?;
            }
        }
        Ok(Outcome::Finished(FinishReason::Length))
    }

    /// Decodes `tokens` at the next positions of the cache; returns the batch index of the
    /// last token's logits when `want_logits`.
    fn decode_batch(&mut self, tokens: &[LlamaToken], want_logits: bool) -> Result<i32, LlmError> {
        self.batch.clear();
        let start = self.cache.len();
        let last = tokens.len().saturating_sub(1);
        for (i, &token) in tokens.iter().enumerate() {
            let pos = i32::try_from(start + i).map_err(|_| backend_error("position out of range"))?;
            self.batch
                .add(token, pos, &[SEQ], want_logits && i == last)
                .map_err(|e| backend_error(&format!("batch: {e}")))?;
        }
        if let Err(e) = self.ctx.decode(&mut self.batch) {
            self.reset();
            return Err(backend_error(&format!("decode: {e}")));
        }
        self.cache.extend(tokens);
        Ok(self.batch.n_tokens() - 1)
    }
}

fn send_delta(job: &Job, delta: &str) {
    if !delta.is_empty() {
        // A closed channel means the caller is gone; the next step notices the cancellation.
        let _ = job.events.send(Event::Delta(delta.to_owned()));
    }
}

fn backend_error(detail: &str) -> LlmError {
    LlmError::Backend { detail: detail.to_owned() }
}

fn log_speed(name: &str, usage: &Usage, prefill: Duration, decode: Duration) {
    let per_second = |tokens: u32, time: Duration| {
        if time.is_zero() { 0.0 } else { f64::from(tokens) / time.as_secs_f64() }
    };
    tracing::debug!(
        model = %name,
        prompt_tokens = usage.prompt_tokens,
        cached_prompt_tokens = usage.cached_prompt_tokens,
        completion_tokens = usage.completion_tokens,
        prefill_tokens_per_s = per_second(usage.uncached_prompt_tokens(), prefill),
        decode_tokens_per_s = per_second(usage.completion_tokens.saturating_sub(1), decode),
        "llama.cpp call finished"
    );
}
