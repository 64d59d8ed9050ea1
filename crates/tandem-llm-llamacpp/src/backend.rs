//! The process-wide llama.cpp backend.
//!
//! `llama_backend_init` may run only once per process (llama-cpp-2 refuses a second
//! `LlamaBackend`), yet tandem loads several models (the small planner and the local "large"
//! writer). Every model therefore borrows one backend that lives as long as the process.

use std::sync::OnceLock;

use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::{LogOptions, send_logs_to_tracing};
use tandem_llm::LlmError;

/// The shared backend, initialised on first use.
pub(crate) fn shared() -> Result<&'static LlamaBackend, LlmError> {
    static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            // Before init, so that even the backend's own start-up lines go to `tracing`
            // (targets under `llama-cpp-2`, filterable) instead of spraying stderr.
            send_logs_to_tracing(LogOptions::default());
            LlamaBackend::init().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| LlmError::Backend { detail: format!("cannot initialise llama.cpp: {e}") })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_backend_can_be_borrowed_twice() {
        let first = super::shared().map(std::ptr::from_ref);
        let second = super::shared().map(std::ptr::from_ref);
        assert!(first.is_ok());
        assert_eq!(first.ok(), second.ok());
    }
}
