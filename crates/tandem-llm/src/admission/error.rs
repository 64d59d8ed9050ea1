//! Typed refusals from the admission gate.

use std::time::Duration;

/// Why the gate did not admit a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdmissionError {
    /// The queue already holds `capacity` waiters.
    #[error("model `{model}` is saturated: admission queue is full ({capacity} waiting)")]
    QueueFull { model: String, capacity: usize },
    /// The call waited its whole queue deadline without being admitted.
    #[error("model `{model}` did not admit the call within {waited:?}")]
    DeadlineExceeded { model: String, waited: Duration },
    /// The gate is shutting down.
    #[error("model `{model}` is shutting down")]
    Closed { model: String },
}

impl AdmissionError {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            AdmissionError::QueueFull { .. } => "admission_queue_full",
            AdmissionError::DeadlineExceeded { .. } => "admission_deadline_exceeded",
            AdmissionError::Closed { .. } => "admission_closed",
        }
    }
}
