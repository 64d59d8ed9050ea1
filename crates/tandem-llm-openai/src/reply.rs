//! Reading one reply, whole or streamed, into text, finish reason and reported usage.

use std::time::Duration;

use tandem_llm::{DeltaSink, FinishReason, LlmError, Usage};
use tokio::time::Instant;

use crate::client::HttpClient;
use crate::sse::SseDecoder;
use crate::wire::{WireChunk, WireResponse, finish_reason};

/// What one attempt produced, before usage fallbacks and timing are settled.
#[derive(Debug)]
pub(crate) struct RawReply {
    pub text: String,
    pub finish_reason: FinishReason,
    /// `None` when the server reported no usage.
    pub usage: Option<Usage>,
    pub model: Option<String>,
    /// Since the attempt started; `None` for a whole reply, where it cannot be observed.
    pub first_token_at: Option<Duration>,
}

/// Parses a whole chat-completion body.
pub(crate) fn parse_whole(body: &[u8]) -> Result<RawReply, LlmError> {
    let response: WireResponse = serde_json::from_slice(body)
        .map_err(|e| LlmError::MalformedReply { detail: format!("reply is not chat-completion JSON: {e}") })?;
    let choice = response
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| LlmError::MalformedReply { detail: "reply holds no choices".into() })?;
    let text = choice.message.and_then(|m| m.content).unwrap_or_default();
    Ok(RawReply {
        text,
        finish_reason: choice.finish_reason.as_deref().map(finish_reason).unwrap_or_default(),
        usage: response.usage.as_ref().map(|u| u.to_usage()),
        model: response.model,
        first_token_at: None,
    })
}

/// Limits on the wait for the first token of a streamed reply.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FirstTokenDeadline {
    pub at: Instant,
    pub limit: Duration,
}

/// Reads a streamed reply, passing each piece of text to `on_delta` as it arrives.
pub(crate) async fn read_stream(
    client: &HttpClient,
    mut response: reqwest::Response,
    on_delta: DeltaSink<'_>,
    started: Instant,
    first_token: Option<FirstTokenDeadline>,
) -> Result<RawReply, LlmError> {
    let is_json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        // Some servers ignore `stream: true` and answer with a whole body.
        let reply = parse_whole(&client.read_body(response).await?)?;
        if !reply.text.is_empty() {
            on_delta(&reply.text);
        }
        return Ok(reply);
    }

    let mut state = StreamState::default();
    let mut decoder = SseDecoder::default();
    loop {
        let chunk = match first_token.filter(|_| state.first_token_at.is_none()) {
            Some(deadline) => tokio::time::timeout_at(deadline.at, response.chunk())
                .await
                .map_err(|_| LlmError::Timeout { elapsed: deadline.limit })?,
            None => response.chunk().await,
        };
        let Some(bytes) = chunk.map_err(|e| client.transport_error(e))? else {
            if let Some(data) = decoder.finish() {
                state.apply(&data, on_delta, started)?;
            }
            return state.finish();
        };
        decoder.push(&bytes);
        while let Some(data) = decoder.next_event()? {
            state.apply(&data, on_delta, started)?;
            if state.done {
                // Whatever follows `[DONE]` is not part of the reply, so we do not wait for
                // it. The end of the body usually arrives with `[DONE]`; one poll lets the
                // client see it and keep the connection for the next call.
                let _ = tokio::time::timeout(Duration::ZERO, response.chunk()).await;
                return state.finish();
            }
        }
    }
}

#[derive(Debug, Default)]
struct StreamState {
    text: String,
    finish_reason: Option<FinishReason>,
    usage: Option<Usage>,
    model: Option<String>,
    first_token_at: Option<Duration>,
    done: bool,
}

impl StreamState {
    fn apply(&mut self, data: &str, on_delta: DeltaSink<'_>, started: Instant) -> Result<(), LlmError> {
        if data.trim() == "[DONE]" {
            self.done = true;
            return Ok(());
        }
        let chunk: WireChunk = serde_json::from_str(data).map_err(|e| LlmError::MalformedReply {
            detail: format!("stream event is not a chat-completion chunk: {e}"),
        })?;
        if let Some(error) = chunk.error {
            return Err(error.into_llm_error());
        }
        if chunk.model.is_some() {
            self.model = chunk.model;
        }
        // vLLM's continuous usage stats send usage on every chunk; the last one is the total.
        if let Some(usage) = &chunk.usage {
            self.usage = Some(usage.to_usage());
        }
        // We never ask for more than one choice.
        let Some(choice) = chunk.choices.into_iter().next() else {
            return Ok(());
        };
        let delta = choice.delta.unwrap_or_default();
        // A reasoning model's thinking is generated tokens too: it ends the wait for the
        // first token even though it is not part of the reply.
        let thought = delta.reasoning_content.as_deref().is_some_and(|t| !t.is_empty());
        let content = delta.content.filter(|c| !c.is_empty());
        if (thought || content.is_some() || choice.finish_reason.is_some()) && self.first_token_at.is_none() {
            self.first_token_at = Some(started.elapsed());
        }
        if let Some(content) = content {
            on_delta(&content);
            self.text.push_str(&content);
        }
        if let Some(reason) = choice.finish_reason.as_deref() {
            self.finish_reason = Some(finish_reason(reason));
        }
        Ok(())
    }

    fn finish(self) -> Result<RawReply, LlmError> {
        // A stream cut off by a crashed server or proxy ends cleanly at the TCP level; only
        // the missing terminator tells it from a complete reply.
        if !self.done && self.finish_reason.is_none() {
            return Err(LlmError::MalformedReply {
                detail: format!("stream ended after {} characters without [DONE] or a finish_reason", self.text.len()),
            });
        }
        Ok(RawReply {
            text: self.text,
            finish_reason: self.finish_reason.unwrap_or_default(),
            usage: self.usage,
            model: self.model,
            first_token_at: self.first_token_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_reply_with_null_content_is_empty_text() {
        let body = br#"{"choices":[{"message":{"role":"assistant","content":null},"finish_reason":"length"}]}"#;
        let reply = parse_whole(body).unwrap();
        assert_eq!(reply.text, "");
        assert_eq!(reply.finish_reason, FinishReason::Length);
        assert_eq!(reply.usage, None);
    }

    #[test]
    fn whole_reply_without_choices_is_malformed() {
        assert!(matches!(parse_whole(br#"{"choices":[]}"#), Err(LlmError::MalformedReply { .. })));
        assert!(matches!(parse_whole(b"<html>"), Err(LlmError::MalformedReply { .. })));
    }

    #[test]
    fn stream_state_collects_deltas_and_detects_truncation() {
        let started = Instant::now();
        let mut seen = String::new();
        let mut sink = |d: &str| seen.push_str(d);
        let mut state = StreamState::default();
        state.apply(r#"{"choices":[{"delta":{"role":"assistant","content":""}}]}"#, &mut sink, started).unwrap();
        assert_eq!(state.first_token_at, None, "an empty role chunk is not a token");
        state.apply(r#"{"choices":[{"delta":{"content":"SELECT"}}]}"#, &mut sink, started).unwrap();
        state.apply(r#"{"choices":[{"delta":{"content":" 1"}}]}"#, &mut sink, started).unwrap();
        assert!(state.first_token_at.is_some());
        assert!(matches!(state.finish(), Err(LlmError::MalformedReply { .. })));
        assert_eq!(seen, "SELECT 1");
    }
}
