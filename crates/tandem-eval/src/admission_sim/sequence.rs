//! One request's progress inside the simulated server.

use super::kv::{CacheKey, KvPool};
use super::workload::{Prefix, RequestSpec};

/// A request the server has accepted. Token positions follow vLLM: the sequence is the prompt
/// followed by the tokens generated so far; `computed` of them have KV. When a step brings
/// `computed` up to the sequence's length, a token is sampled.
#[derive(Debug, Clone)]
pub(crate) struct Sequence {
    pub(crate) id: usize,
    pub(crate) prompt_tokens: u32,
    pub(crate) output_tokens: u32,
    pub(crate) prefix: Option<Prefix>,
    pub(crate) computed: u32,
    pub(crate) generated: u32,
    /// KV tokens this sequence holds alone (not in a shared entry).
    pub(crate) private_tokens: u64,
    /// Whether it references its shared prefix's cache entry.
    pub(crate) holds_prefix: bool,
    /// Prompt tokens served from the prefix cache at its first admission.
    pub(crate) cached_prompt_tokens: u32,
    pub(crate) admitted_before: bool,
    /// The furthest `computed` ever reached; computing below it again is recompute.
    pub(crate) high_water: u32,
}

impl Sequence {
    pub(crate) fn new(spec: &RequestSpec) -> Self {
        Self {
            id: spec.id,
            prompt_tokens: spec.prompt_tokens,
            output_tokens: spec.output_tokens.max(1),
            prefix: spec.prefix,
            computed: 0,
            generated: 0,
            private_tokens: 0,
            holds_prefix: false,
            cached_prompt_tokens: 0,
            admitted_before: false,
            high_water: 0,
        }
    }

    /// The sequence's current length: prompt plus generated tokens.
    pub(crate) fn len(&self) -> u32 {
        self.prompt_tokens.saturating_add(self.generated)
    }

    /// The most KV the sequence will ever need.
    pub(crate) fn peak_tokens(&self) -> u64 {
        u64::from(self.prompt_tokens) + u64::from(self.output_tokens)
    }

    /// Tokens still to compute before the next sample.
    pub(crate) fn new_tokens(&self) -> u32 {
        self.len().saturating_sub(self.computed)
    }

    /// A plain decode step: one token after the first has been sampled.
    pub(crate) fn is_decoding(&self) -> bool {
        self.generated > 0 && self.new_tokens() == 1
    }

    /// Looks up what the cache already holds for this sequence: its shared prefix, then the
    /// remnant it left when preempted if that continues right where the prefix ends. Takes
    /// references on what it uses and returns the tokens that need no computing, always
    /// leaving at least one token to compute.
    pub(crate) fn take_cached(&mut self, kv: &mut KvPool) -> u32 {
        let limit = self.len().saturating_sub(1);
        let mut hit = 0u32;
        if let Some(prefix) = self.prefix
            && kv.resident(CacheKey::Prefix(prefix.id)).is_some()
            && prefix.tokens <= limit
        {
            kv.add_ref(CacheKey::Prefix(prefix.id));
            self.holds_prefix = true;
            hit = prefix.tokens;
        }
        if let Some((tokens, start)) = kv.resident(CacheKey::Remnant(self.id)) {
            let usable = u32::try_from(tokens).unwrap_or(u32::MAX).min(limit.saturating_sub(hit));
            if start == hit && usable > 0 {
                kv.reclaim(self.id);
                // A remnant longer than usable (it cannot cover the token still to sample)
                // gives its extra tokens back.
                let extra = tokens - u64::from(usable);
                kv.release(extra);
                self.private_tokens += u64::from(usable);
                hit += usable;
            } else {
                kv.forget(CacheKey::Remnant(self.id));
            }
        }
        if !self.admitted_before {
            self.cached_prompt_tokens = hit.min(self.prompt_tokens);
        }
        self.computed = hit;
        hit
    }

    /// Undoes [`Sequence::take_cached`] when the sequence could not be admitted after all.
    pub(crate) fn give_back_cached(&mut self, kv: &mut KvPool) {
        self.leave(kv);
        self.cached_prompt_tokens = 0;
    }

    /// Leaves the running set without finishing: private KV becomes an evictable remnant,
    /// the prefix reference is dropped, and everything must be found in the cache or
    /// recomputed on the way back.
    pub(crate) fn leave(&mut self, kv: &mut KvPool) {
        let start = match self.prefix {
            Some(prefix) if self.holds_prefix => prefix.tokens,
            _ => 0,
        };
        kv.stash(self.id, start, self.private_tokens);
        self.drop_prefix(kv);
        self.private_tokens = 0;
        self.computed = 0;
    }

    /// Frees everything a finished sequence holds.
    pub(crate) fn finish(&mut self, kv: &mut KvPool) {
        kv.release(self.private_tokens);
        kv.forget(CacheKey::Remnant(self.id));
        self.drop_prefix(kv);
        self.private_tokens = 0;
    }

    /// Once the shared prefix is computed, it moves from private space into the shared cache.
    pub(crate) fn publish_prefix(&mut self, kv: &mut KvPool) {
        let Some(prefix) = self.prefix else { return };
        if self.holds_prefix || self.computed < prefix.tokens || self.private_tokens < u64::from(prefix.tokens) {
            return;
        }
        kv.share(CacheKey::Prefix(prefix.id), u64::from(prefix.tokens));
        self.private_tokens -= u64::from(prefix.tokens);
        self.holds_prefix = true;
    }

    fn drop_prefix(&mut self, kv: &mut KvPool) {
        if let Some(prefix) = self.prefix
            && self.holds_prefix
        {
            kv.drop_ref(CacheKey::Prefix(prefix.id));
        }
        self.holds_prefix = false;
    }
}
