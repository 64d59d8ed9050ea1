//! What it takes to run one GGUF model in process.

use std::path::PathBuf;

/// How to load and run one model. The CLI maps its `[models.*]` config into this plain struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlamaCppConfig {
    /// The GGUF file.
    pub model_path: PathBuf,
    /// The name reported in completions, the ledger and metrics labels.
    pub name: String,
    /// Context window in tokens (prompt plus reply). llama.cpp's own default of 512 is too small
    /// for a schema-bearing prompt; 0 means the context length the model was trained with.
    pub n_ctx: u32,
    /// Threads for prefill and decode; `None` means one per available core. llama.cpp's own
    /// default of 4 oversubscribes small machines and makes every step slower.
    pub n_threads: Option<u32>,
    /// Most prompt tokens decoded in one step. Larger batches prefill a little faster; smaller
    /// ones let a cancellation take effect sooner, since the flag is checked between steps.
    pub n_batch: u32,
}

impl LlamaCppConfig {
    /// Default context window: room for a plan-scoped schema, the plan and a SQL reply.
    pub const DEFAULT_N_CTX: u32 = 4096;
    /// Default prompt tokens per decode step.
    pub const DEFAULT_N_BATCH: u32 = 512;

    /// A config with the defaults for everything but the file and the name.
    pub fn new(model_path: impl Into<PathBuf>, name: impl Into<String>) -> Self {
        Self {
            model_path: model_path.into(),
            name: name.into(),
            n_ctx: Self::DEFAULT_N_CTX,
            n_threads: None,
            n_batch: Self::DEFAULT_N_BATCH,
        }
    }

    pub fn with_n_ctx(mut self, n_ctx: u32) -> Self {
        self.n_ctx = n_ctx;
        self
    }

    pub fn with_n_threads(mut self, n_threads: u32) -> Self {
        self.n_threads = Some(n_threads);
        self
    }

    pub fn with_n_batch(mut self, n_batch: u32) -> Self {
        self.n_batch = n_batch;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_leave_room_for_a_schema_prompt() {
        let config = LlamaCppConfig::new("/models/m.gguf", "small");
        assert_eq!(config.n_ctx, 4096);
        assert_eq!(config.n_batch, 512);
        assert_eq!(config.n_threads, None);
        assert_eq!(config.clone().with_n_threads(2).with_n_ctx(1024).n_ctx, 1024);
    }
}
