//! How tandem talks to language models, without knowing any transport.
//!
//! This crate defines the [`ChatModel`] capability (messages in, a streamed or whole
//! [`Completion`] out, with [`Usage`] and [`Timing`]), the typed [`LlmError`] with its retry
//! classification, tolerant JSON extraction for structured replies, and the [`admission`] gate
//! that every model call passes. It must never do HTTP or load model weights: backends live in
//! `tandem-llm-openai` and `tandem-llm-llamacpp`. With the `testing` feature it also offers
//! [`testing::ScriptedModel`], a deterministic stand-in for unit tests.

pub mod admission;
mod completion;
mod error;
mod json;
mod message;
mod model;
pub mod task;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use completion::{Completion, FinishReason, Timing, Usage};
pub use error::LlmError;
pub use json::{JsonExtractError, extract_json};
pub use message::{ChatOptions, ChatRequest, Message, ResponseFormat, Role};
pub use model::{ChatModel, DeltaSink, approx_token_count, discard_deltas};
