//! The admission gate every model call passes (DESIGN §3).
//!
//! Long-context prefill is compute-bound: a server that accepts every request runs them all at
//! once and makes each one slow ("no queue but high latency"). An [`AdmissionGate`] sits in
//! front of one model endpoint (replica) and admits a call only while both hold:
//!
//! - fewer than `max_in_flight` calls are running, and
//! - the estimated prompt tokens in flight stay within the token budget.
//!
//! Waiters queue strictly first come, first served: a big call at the head is never overtaken
//! by small ones behind it. A call larger than the whole budget is admitted once nothing else
//! runs, so it is slow but never starved. A full queue is refused at once
//! ([`AdmissionError::QueueFull`]), a call that waits past `queue_deadline` is refused with
//! [`AdmissionError::DeadlineExceeded`], and [`AdmissionGate::close`] refuses the rest with
//! [`AdmissionError::Closed`].
//!
//! A [`Permit`] holds the slot and the tokens until it is dropped, on every path: success,
//! error, timeout, the `acquire` future dropped while queued, a grant racing with that drop,
//! and a task unwinding from a panic. [`GatedModel`] wraps any [`ChatModel`](crate::ChatModel)
//! with a gate, fills `Timing::queue_wait`, and records the metrics named in
//! [`metric_names`].
//!
//! # Adaptive budget: a learned prefill rate, which acts as a gradient step
//!
//! With [`AdaptiveConfig`] the budget is `prefill_rate × (ttft_target − overhead)` and the
//! rate is learned. Each call that reports its time to first token gives a sample
//! `rate = work / (ttft − overhead)`, where `work` is the prompt tokens already in flight when
//! it was admitted plus its own uncached ones, i.e. the prefill queued ahead of and including
//! it on a first-come first-served server such as vLLM. Samples enter an exponential moving
//! average (`smoothing`), each sample bounded to between a quarter and twice the current
//! estimate, and the rate is clamped so the budget stays within `[min, max]`.
//!
//! Why this and not AIMD: AIMD needs a binary congestion signal and settles into a sawtooth
//! around the target, and every additive probe past it costs a round of slow first tokens for
//! every call admitted meanwhile. Time to first token is a continuous signal and the server is
//! close to linear in the prefill queued ahead, so one observation says how far off the budget
//! is. When the gate is saturated, `work ≈ budget` and the update is exactly the gradient step
//! `budget × (target − overhead) / (ttft − overhead)`: its only fixed point is `ttft = target`,
//! whatever the server really does (decode interference, chunk sizes), because work is counted
//! in the same tokens the budget caps. When the gate is lightly loaded it measures the actual
//! rate instead, so a quiet spell does not inflate the budget (the failure of a plain ratio
//! controller, which would see fast calls and grow without bound).
//!
//! # Time
//!
//! The gate reads time only through `tokio::time` (`Instant`, `timeout_at`), never the system
//! clock and never a thread sleep. On a paused runtime (`#[tokio::test(start_paused = true)]`,
//! `tokio::time::pause`) queue waits, deadlines and adaptive observations are therefore exact
//! and deterministic, which is what lets an admission simulator (a step-loop model of a
//! prefill-bound server) drive this same gate in simulated time. The tests below run that way.

mod adaptive;
mod config;
mod error;
mod gate;
mod gated_model;
pub mod metric_names;
mod permit;
mod state;
#[cfg(test)]
mod tests;

pub use config::{AdaptiveConfig, GateConfig};
pub use error::AdmissionError;
pub use gate::{AdmissionGate, GateSnapshot};
pub use gated_model::GatedModel;
pub use permit::Permit;
