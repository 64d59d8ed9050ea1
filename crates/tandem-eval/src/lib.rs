//! tandem's measuring instruments: benchmark datasets and the benchmarks behind `tandem bench`
//! and `tandem eval`.
//!
//! Benchmarks are commands that print figures, never timed tests. This crate names no concrete
//! model backend or database driver: the CLI hands it trait objects. Main items:
//! [`llm_bench`] (prefill/decode speed and prefix reuse of a `ChatModel`).

pub mod datasets;
pub mod llm_bench;
pub mod retrieval_bench;
