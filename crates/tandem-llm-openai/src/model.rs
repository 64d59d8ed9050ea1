//! [`OpenAiModel`]: the `ChatModel` for one OpenAI-compatible endpoint. It chooses how a
//! request's format is carried out, runs attempts under the timeouts, retries what may
//! succeed on a second try, and settles usage and timing.

use std::time::Duration;

use async_trait::async_trait;
use tandem_llm::{
    ChatModel, ChatRequest, Completion, DeltaSink, LlmError, ResponseFormat, Timing, Usage, approx_token_count,
};
use tokio::time::Instant;

use crate::client::HttpClient;
use crate::config::{OpenAiConfig, StructuredOutput};
use crate::reply::{FirstTokenDeadline, RawReply, parse_whole, read_stream};
use crate::retry::RetryPolicy;
use crate::structured;
use crate::wire::{StreamOptions, WireFormat, WireRequest, WireSchema};

/// A chat model served over an OpenAI-compatible chat-completions API.
#[derive(Debug)]
pub struct OpenAiModel {
    config: OpenAiConfig,
    client: HttpClient,
    retry: RetryPolicy,
}

/// What the request body asks of the decoder beyond sampling.
#[derive(Debug, Clone, Copy)]
enum Constraint<'a> {
    None,
    Format(WireFormat<'a>),
    Grammar(&'a str),
}

impl OpenAiModel {
    /// Checks the config and builds the HTTP client; nothing is sent yet.
    pub fn new(config: OpenAiConfig) -> Result<Self, LlmError> {
        if config.model.trim().is_empty() {
            return Err(LlmError::Unsupported { detail: "the model name is empty".into() });
        }
        let client = HttpClient::new(&config)?;
        let retry = RetryPolicy::from_config(&config);
        Ok(Self { config, client, retry })
    }

    pub fn config(&self) -> &OpenAiConfig {
        &self.config
    }

    /// One call with retries. Retrying stops as soon as any text has reached `on_delta`:
    /// a second attempt would deliver the reply again from its start.
    async fn call(
        &self,
        request: &ChatRequest,
        constraint: Constraint<'_>,
        on_delta: DeltaSink<'_>,
    ) -> Result<Completion, LlmError> {
        let body = self.encode(request, constraint)?;
        let started = Instant::now();
        let mut retry = 0;
        loop {
            let mut streamed = false;
            let result = {
                let mut sink = |delta: &str| {
                    streamed = true;
                    on_delta(delta);
                };
                self.attempt(body.clone(), &mut sink, started).await
            };
            let error = match result {
                Ok(reply) => return Ok(self.completion(reply, request, started)),
                Err(error) => error,
            };
            let delay = if streamed { None } else { self.retry.delay(retry, &error) };
            let Some(delay) = delay else {
                return Err(error);
            };
            tracing::warn!(
                model = %self.config.model,
                code = error.code(),
                retry = retry + 1,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying model call: {error}"
            );
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    fn encode(&self, request: &ChatRequest, constraint: Constraint<'_>) -> Result<Vec<u8>, LlmError> {
        let options = &request.options;
        let body = WireRequest {
            model: &self.config.model,
            messages: &request.messages,
            max_tokens: options.max_tokens,
            temperature: options.temperature,
            stop: &options.stop,
            stream: self.config.stream,
            stream_options: self.config.stream.then_some(StreamOptions { include_usage: true }),
            response_format: match constraint {
                Constraint::Format(format) => Some(format),
                Constraint::None | Constraint::Grammar(_) => None,
            },
            grammar: match constraint {
                Constraint::Grammar(gbnf) => Some(gbnf),
                Constraint::None | Constraint::Format(_) => None,
            },
        };
        // Only a non-finite temperature can fail here (JSON has no NaN).
        serde_json::to_vec(&body)
            .map_err(|e| LlmError::Unsupported { detail: format!("the request cannot be encoded as JSON: {e}") })
    }

    /// One attempt under the request timeout and, when streaming, the first-token timeout.
    async fn attempt(
        &self,
        body: Vec<u8>,
        on_delta: DeltaSink<'_>,
        call_started: Instant,
    ) -> Result<RawReply, LlmError> {
        let attempt_started = Instant::now();
        let stream = self.config.stream;
        let work = async {
            let first_token = self
                .config
                .first_token_timeout
                .filter(|_| stream)
                .and_then(|limit| Some(FirstTokenDeadline { at: attempt_started.checked_add(limit)?, limit }));
            // The wait for response headers counts towards the first token: vLLM and SGLang
            // send nothing at all until prefill is done.
            let response = match first_token {
                Some(deadline) => tokio::time::timeout_at(deadline.at, self.client.send(body, true))
                    .await
                    .map_err(|_| LlmError::Timeout { elapsed: deadline.limit })??,
                None => self.client.send(body, stream).await?,
            };
            if stream {
                return read_stream(&self.client, response, on_delta, call_started, first_token).await;
            }
            let reply = parse_whole(&self.client.read_body(response).await?)?;
            if !reply.text.is_empty() {
                on_delta(&reply.text);
            }
            Ok(reply)
        };
        tokio::time::timeout(self.config.request_timeout, work)
            .await
            .map_err(|_| LlmError::Timeout { elapsed: self.config.request_timeout })?
    }

    fn completion(&self, reply: RawReply, request: &ChatRequest, started: Instant) -> Completion {
        let total = started.elapsed();
        let usage = reply.usage.unwrap_or_else(|| {
            let usage = Usage {
                prompt_tokens: self.estimate_prompt_tokens(request),
                cached_prompt_tokens: 0,
                completion_tokens: approx_token_count(&reply.text),
            };
            tracing::debug!(
                model = %self.config.model,
                prompt_tokens = usage.prompt_tokens,
                completion_tokens = usage.completion_tokens,
                "server reported no usage; token counts are approximated"
            );
            usage
        });
        let completion = Completion {
            text: reply.text,
            finish_reason: reply.finish_reason,
            usage,
            timing: Timing {
                queue_wait: Duration::ZERO,
                time_to_first_token: reply.first_token_at.unwrap_or(total),
                total,
            },
            model: reply.model.unwrap_or_else(|| self.config.model.clone()),
        };
        tracing::debug!(
            model = %completion.model,
            prompt_tokens = completion.usage.prompt_tokens,
            cached_prompt_tokens = completion.usage.cached_prompt_tokens,
            completion_tokens = completion.usage.completion_tokens,
            ttft_ms = u64::try_from(completion.timing.time_to_first_token.as_millis()).unwrap_or(u64::MAX),
            total_ms = u64::try_from(total.as_millis()).unwrap_or(u64::MAX),
            "model call finished"
        );
        completion
    }

    /// JSON by instruction: the schema goes into the prompt and the reply is checked here,
    /// with one repair turn. Replies are held back until they pass, because a rejected first
    /// reply must not reach a caller whose deltas have to add up to the returned text.
    async fn prompted_json(
        &self,
        request: &ChatRequest,
        name: &str,
        schema: &serde_json::Value,
        constraint: Constraint<'_>,
        on_delta: DeltaSink<'_>,
    ) -> Result<Completion, LlmError> {
        let started = Instant::now();
        let mut conversation = ChatRequest {
            messages: structured::with_instruction(&request.messages, name, schema),
            options: request.options.clone(),
        };
        let mut hold = tandem_llm::discard_deltas;
        let first = self.call(&conversation, constraint, &mut hold).await?;
        let problem = match structured::check(&first.text, schema) {
            Ok(_) => return Ok(deliver(first, on_delta)),
            Err(problem) => problem,
        };
        tracing::debug!(model = %self.config.model, %problem, "structured reply failed its check; asking for a repair");
        conversation.messages.extend(structured::repair_turns(&first.text, &problem));
        let mut second = self.call(&conversation, constraint, &mut hold).await?;
        if let Err(detail) = structured::check(&second.text, schema) {
            return Err(LlmError::InvalidStructuredOutput { detail, reply: second.text });
        }
        second.usage.absorb(first.usage);
        second.timing.time_to_first_token = first.timing.time_to_first_token;
        second.timing.total = started.elapsed();
        Ok(deliver(second, on_delta))
    }
}

fn deliver(completion: Completion, on_delta: DeltaSink<'_>) -> Completion {
    if !completion.text.is_empty() {
        on_delta(&completion.text);
    }
    completion
}

#[async_trait]
impl ChatModel for OpenAiModel {
    fn name(&self) -> &str {
        &self.config.model
    }

    async fn complete(&self, request: &ChatRequest, on_delta: DeltaSink<'_>) -> Result<Completion, LlmError> {
        match &request.options.response_format {
            ResponseFormat::Text => self.call(request, Constraint::None, on_delta).await,
            ResponseFormat::Grammar { gbnf } if self.config.gbnf_grammar => {
                self.call(request, Constraint::Grammar(gbnf), on_delta).await
            }
            ResponseFormat::Grammar { .. } => Err(LlmError::Unsupported {
                detail: format!("endpoint for `{}` is not configured to accept GBNF grammars", self.config.model),
            }),
            ResponseFormat::JsonSchema { name, schema } => match self.config.structured_output {
                StructuredOutput::JsonSchema => {
                    let json_schema = WireSchema { name, schema, strict: self.config.json_schema_strict };
                    let format = Constraint::Format(WireFormat::JsonSchema { json_schema });
                    let completion = self.call(request, format, on_delta).await?;
                    // The server constrained decoding, so a failure here means the reply was
                    // cut short (max_tokens); a repair turn could not stream without
                    // repeating text the caller already has.
                    match structured::check(&completion.text, schema) {
                        Ok(_) => Ok(completion),
                        Err(detail) => Err(LlmError::InvalidStructuredOutput { detail, reply: completion.text }),
                    }
                }
                StructuredOutput::JsonObject => {
                    let format = Constraint::Format(WireFormat::JsonObject);
                    self.prompted_json(request, name, schema, format, on_delta).await
                }
                StructuredOutput::Prompted => {
                    self.prompted_json(request, name, schema, Constraint::None, on_delta).await
                }
            },
        }
    }
}
