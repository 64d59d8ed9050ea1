//! `tandem bench admission`: a discrete-event simulator of a prefill-bound model server, used
//! to compare admission strategies in front of it, and checked against published benchmarks.
//!
//! # The server model
//!
//! A vLLM-like step loop ([`server`]): each step has a token budget; decoding sequences take
//! one token each and prefill takes the rest in chunks, first come first served; a step lasts
//! `d0 + d1·decoding + d2·context + prefill/rate`; the KV cache holds a fixed number of tokens
//! ([`kv`]), a sequence that cannot grow preempts the newest one (recompute, with whatever
//! survives in the cache reused), and shared prompt prefixes are served from a prefix cache
//! after their first use. Two presets carry published constants ([`preset`]).
//!
//! # Why a paused tokio runtime and not a hand-written event queue
//!
//! The point is to measure the real admission gate (`tandem_llm::admission`), not a model of
//! it. The gate is async: callers queue on `acquire`, permits travel through channels, the
//! queue deadline is a tokio timer and queue wait and time to first token are read from
//! `tokio::time::Instant`. An explicit event loop would have to re-implement or bypass exactly
//! that machinery. Instead each run gets a private current-thread runtime whose clock is
//! paused ([`driver`]): tokio advances it to the next timer whenever every task waits, which
//! is a discrete-event simulation whose events are server steps, arrivals and gate deadlines.
//! The clients call through the production `GatedModel`, so the gate needs no hook and sees
//! what it sees in production. A run is deterministic: one thread, FIFO task scheduling, a
//! seeded workload, no wall clock; an hour of serving takes well under a second.
//!
//! Main items: [`run_admission_bench`] with [`AdmissionBenchConfig`], [`markdown`],
//! [`validate`], [`Preset`].

mod bench;
mod driver;
mod error;
mod kv;
mod markdown;
mod preset;
mod report;
mod sequence;
mod server;
mod strategy;
mod validation;
mod workload;

pub use bench::{
    AdmissionBenchConfig, AdmissionBenchReport, GoalCheck, GoalRow, REQUIRED_TTFT_P95_CUT, THROUGHPUT_TOLERANCE,
    long_prompt_classes, run_admission_bench,
};
pub use error::SimError;
pub use markdown::markdown;
pub use preset::{Preset, ServerPreset};
pub use report::{Percentiles, RunReport};
pub use server::ServerStats;
pub use strategy::{BudgetTarget, Strategy};
pub use validation::{TOLERANCE, ValidationCheck, validate};
pub use workload::{Arrival, RequestClass, SharedPrefix, WorkloadConfig};
