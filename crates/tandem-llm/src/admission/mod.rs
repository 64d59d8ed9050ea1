//! The admission gate every model call passes (DESIGN §3).

mod error;

pub use error::AdmissionError;
