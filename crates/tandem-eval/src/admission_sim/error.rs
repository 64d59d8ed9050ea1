//! `SimError`: a simulation that could not be set up or could not finish.

/// Why an admission simulation produced no result. Refused or failed calls inside a run are
/// outcomes, counted in the report, never errors.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A workload or bench setting that makes no sense (no requests, a negative load).
    #[error("invalid simulation setting `{setting}`: {detail}")]
    InvalidSetting { setting: &'static str, detail: String },

    /// The simulator's private runtime could not be built.
    #[error("building the simulation runtime: {source}")]
    Runtime {
        #[source]
        source: std::io::Error,
    },

    /// The server model had requests but could schedule none of them: a bug in the model,
    /// reported instead of looping forever.
    #[error("the simulated server stalled at step {step} with {n_waiting} waiting and {n_running} running")]
    Stalled { step: u64, n_waiting: usize, n_running: usize },

    /// The run went past its step limit, which only an unstable configuration reaches.
    #[error("the simulation exceeded {max_steps} server steps")]
    TooLong { max_steps: u64 },

    /// A simulation task ended abnormally (it panicked or was cancelled).
    #[error("a simulation task failed: {detail}")]
    Task { detail: String },
}
