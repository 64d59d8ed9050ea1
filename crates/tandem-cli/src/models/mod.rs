//! The built-in local models and how to fetch them (`tandem models pull`).

mod pull;
mod registry;

pub use pull::{PullOutcome, default_pip, ensure_model, pull};
pub use registry::{BUILTIN_MODELS, BuiltinModel};

/// Every built-in model, in a stable order.
pub fn registry_models() -> &'static [BuiltinModel] {
    &BUILTIN_MODELS
}
