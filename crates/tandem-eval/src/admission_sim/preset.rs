//! Server presets: the constants of the step-loop model for two published deployments.
//!
//! Each constant says where it comes from. "The issue" is the project issue that asked for
//! this simulator, which quotes the published figures; derived constants show their
//! arithmetic. Nothing here is fitted to the figures the validation checks compare against.

use std::time::Duration;

use serde::Serialize;

/// The constants of one simulated model server (one replica).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerPreset {
    /// The stable name used on the command line (`--preset`).
    pub name: &'static str,
    pub description: &'static str,
    /// Prompt tokens prefilled per second when a step is all prefill.
    pub prefill_tokens_per_s: f64,
    /// Tokens one step may compute (vLLM's `max_num_batched_tokens`): decodes take one each,
    /// prefill takes the rest in chunks.
    pub step_token_budget: u32,
    /// Sequences one step may run (vLLM's `max_num_seqs`).
    pub max_running: usize,
    /// `d0`: the fixed cost of a step (weights read once, launch overhead).
    pub step_base_ms: f64,
    /// `d1`: the cost of each decoding sequence in a step.
    pub decode_per_seq_ms: f64,
    /// `d2`: the cost of each context token a decoding sequence attends to, in nanoseconds.
    pub decode_per_context_token_ns: f64,
    /// KV-cache capacity in tokens across the replica.
    pub kv_capacity_tokens: u32,
}

impl ServerPreset {
    /// The duration of one step: `d0 + d1·n_decode + d2·context + prefill / rate`.
    pub fn step_duration(&self, prefill_tokens: u64, n_decode: usize, decode_context_tokens: u64) -> Duration {
        let prefill_s = prefill_tokens as f64 / self.prefill_tokens_per_s.max(1.0);
        let decode_ms = self.decode_per_seq_ms * n_decode as f64
            + self.decode_per_context_token_ns * decode_context_tokens as f64 / 1e6;
        let seconds = (self.step_base_ms + decode_ms) / 1e3 + prefill_s;
        Duration::from_secs_f64(seconds.max(0.0))
    }
}

/// The deployments the simulator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// DeepSeek-V3/R1 (671B MoE, FP8) on one 8×H200 node, tensor parallel 8, vLLM.
    DeepSeekV3H200x8,
    /// Llama-3.3-70B-Instruct FP8 on 2×H100 80 GB, tensor parallel 2.
    Llama33H100x2,
}

impl Preset {
    pub const ALL: [Preset; 2] = [Preset::DeepSeekV3H200x8, Preset::Llama33H100x2];

    pub fn name(self) -> &'static str {
        self.server().name
    }

    /// The preset called `name` (see [`Preset::name`]).
    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|preset| preset.name() == name.trim())
    }

    pub fn server(self) -> ServerPreset {
        match self {
            Preset::DeepSeekV3H200x8 => deepseek_v3_h200x8(),
            Preset::Llama33H100x2 => llama33_70b_h100x2(),
        }
    }
}

fn deepseek_v3_h200x8() -> ServerPreset {
    ServerPreset {
        name: "deepseek-v3-h200x8",
        description: "DeepSeek-V3/R1 FP8, 8×H200, TP8 (vLLM)",
        // The issue: prefill ≈ 16,000 tokens/s. The same figure as the total token throughput
        // (15,515 tokens/s) of vLLM 0.11 serving 100 random 32K-token prompts on 8×H200 in
        // GPUStack's performance lab.
        prefill_tokens_per_s: 16_000.0,
        // The issue: step budget 8,192 tokens (vLLM's server-mode default).
        step_token_budget: 8_192,
        // vLLM's default cap on running sequences; KV capacity binds long before it here.
        max_running: 256,
        // The issue: decode ≈ 10–18 ms per step plus 0.33 ms per sequence; the middle of the
        // range is taken.
        step_base_ms: 14.0,
        decode_per_seq_ms: 0.33,
        // Derived: MLA caches 512 + 64 values per token and layer, 61 layers, BF16 = 70,272
        // bytes per token; vLLM replicates that latent cache on every tensor-parallel rank,
        // so each H200 reads it all at 4.8 TB/s: 70,272 / 4.8e12 s ≈ 14.6 ns per token.
        decode_per_context_token_ns: 14.6,
        // The issue: KV ≈ 0.5M tokens (what is left of 141 GB per GPU after the weights,
        // with the latent cache replicated per rank).
        kv_capacity_tokens: 500_000,
    }
}

fn llama33_70b_h100x2() -> ServerPreset {
    ServerPreset {
        name: "llama-3.3-70b-h100x2",
        description: "Llama-3.3-70B FP8, 2×H100 80 GB, TP2",
        // The issue: prefill ≈ 20,000 tokens/s.
        prefill_tokens_per_s: 20_000.0,
        // vLLM's server-mode default on H100-class GPUs (the issue names none for this preset).
        step_token_budget: 8_192,
        max_running: 256,
        // The issue: decode ≈ 18 ms per step (NVIDIA's NIM tables give 18.6 ms between
        // tokens for one 5,000-token request).
        step_base_ms: 18.0,
        // Derived: a decoded token costs the same matrix work as a prefilled one, so
        // 1 / 20,000 tokens/s = 0.05 ms per sequence.
        decode_per_seq_ms: 0.05,
        // Derived: 80 layers × 8 KV heads × 128 × 2 (K and V) × 2 bytes (BF16 cache) = 327,680
        // bytes per token, half on each GPU under TP2, read at 3.35 TB/s: ≈ 48.9 ns per token.
        decode_per_context_token_ns: 48.9,
        // The issue: KV ≈ 0.21M tokens.
        kv_capacity_tokens: 210_000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for preset in Preset::ALL {
            assert_eq!(Preset::from_name(preset.name()), Some(preset));
        }
        assert_eq!(Preset::from_name("gpt-9-on-a-toaster"), None);
    }

    #[test]
    fn a_full_prefill_step_costs_its_chunk_at_the_prefill_rate_plus_the_base() {
        let server = Preset::DeepSeekV3H200x8.server();
        let step = server.step_duration(8_192, 0, 0).as_secs_f64();
        assert!((step - (0.014 + 8_192.0 / 16_000.0)).abs() < 1e-9, "{step}");
        // Twenty-five decoding sequences of 5,250 context tokens each on the Llama preset:
        // 18 + 25 × 0.05 + 131,250 × 48.9e-6 ≈ 25.67 ms.
        let llama = Preset::Llama33H100x2.server();
        let decode = llama.step_duration(0, 25, 131_250).as_secs_f64() * 1e3;
        assert!((decode - 25.668).abs() < 0.01, "{decode}");
    }
}
