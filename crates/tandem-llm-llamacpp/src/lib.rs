//! tandem's in-process llama.cpp backend: a [`tandem_llm::ChatModel`] that runs a GGUF model
//! (the small planner, or the local stand-in for the large model) with no network service.
//!
//! [`LlamaCppModel::load`] starts a dedicated worker thread that loads the weights once and
//! owns the llama.cpp context; async callers send it requests over a channel and receive
//! streamed text back, so they never block an executor thread. Each call renders the
//! conversation with the model's own chat template, reuses the KV cache of the longest prefix
//! it shares with the previous call (reported as `Usage::cached_prompt_tokens`), samples under
//! a GBNF grammar when the request asks for a JSON schema or grammar, and stops at
//! end-of-generation tokens, stop strings or `max_tokens`. Dropping a call's future cancels
//! it between decode steps.
//!
//! It must never block an async thread, initialise llama.cpp more than once per process, or
//! let llama.cpp write to stderr: its logs go to `tracing` under the `llama-cpp-2` target.
//!
//! Main types: [`LlamaCppConfig`] (what to load) and [`LlamaCppModel`] (the loaded model).

mod backend;
mod config;
mod generate;
mod kv_cache;
mod model;
mod prompt;
mod reply;
mod sampler;
mod worker;

pub use config::LlamaCppConfig;
pub use model::LlamaCppModel;
