//! tandem's measuring instruments: benchmark datasets and the benchmarks behind `tandem bench`
//! and `tandem eval`.
//!
//! Benchmarks are commands that print figures, never timed tests. This crate names no concrete
//! model backend or database driver: the CLI hands it trait objects. Main items:
//! [`llm_bench`] (prefill/decode speed and prefix reuse of a `ChatModel`), [`retrieval_bench`],
//! [`eval`] (execution accuracy and savings: tiered pipeline against the full-schema
//! baseline), [`admission_sim`] (admission strategies against a simulated prefill-bound
//! server) and [`validate_bench`] (the SQL validator's latency over Spider's gold corpus).

pub mod admission_sim;
pub mod datasets;
pub mod eval;
pub mod llm_bench;
pub mod retrieval_bench;
pub mod validate_bench;
