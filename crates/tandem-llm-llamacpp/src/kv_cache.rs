//! Prefix reuse: the tokens whose keys and values the context already holds.
//!
//! tandem lays prompts out static first and volatile last (DESIGN §4), and repair turns
//! append to the conversation, so consecutive prompts share long prefixes. Keeping the KV
//! cache of the longest common prefix and prefilling only the rest is what vLLM's prefix
//! caching does on a server; here it turns seconds of CPU prefill into milliseconds.

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::token::LlamaToken;

/// The only sequence this backend uses: one request at a time per context.
pub(crate) const SEQ: i32 = 0;

/// Mirrors sequence [`SEQ`] of a context's KV cache: `tokens[i]` sits at position `i`.
#[derive(Debug, Default)]
pub(crate) struct CachedTokens {
    tokens: Vec<LlamaToken>,
}

impl CachedTokens {
    /// Keeps the longest prefix shared with `prompt`, drops the rest from the context, and
    /// returns how many prompt tokens need no prefill.
    pub(crate) fn reuse_for(&mut self, ctx: &mut LlamaContext<'_>, prompt: &[LlamaToken]) -> usize {
        let keep = reusable_prefix(&self.tokens, prompt);
        if keep == self.tokens.len() {
            return keep;
        }
        let removed = u32::try_from(keep).ok().is_some_and(|p0| ctx.kv_cache_seq_rm(SEQ, Some(p0), None).is_ok());
        if removed {
            self.tokens.truncate(keep);
            keep
        } else {
            // Some memory kinds cannot drop a tail; then start over rather than guess.
            self.clear(ctx);
            0
        }
    }

    /// Records tokens just decoded at the next positions.
    pub(crate) fn extend(&mut self, tokens: &[LlamaToken]) {
        self.tokens.extend_from_slice(tokens);
    }

    /// Forgets everything, in the context too: after a failed decode its state is unknown.
    pub(crate) fn clear(&mut self, ctx: &mut LlamaContext<'_>) {
        ctx.clear_kv_cache();
        self.tokens.clear();
    }

    /// The position the next decoded token takes.
    pub(crate) fn len(&self) -> usize {
        self.tokens.len()
    }
}

/// How many leading tokens of `prompt` the cache already holds, leaving at least one prompt
/// token to decode: the logits for the first reply token come from decoding the last one.
fn reusable_prefix<T: PartialEq>(cached: &[T], prompt: &[T]) -> usize {
    let common = cached.iter().zip(prompt).take_while(|(c, p)| c == p).count();
    common.min(prompt.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::reusable_prefix;

    #[test]
    fn check_reusable_prefix() {
        let check = |cached: &[u8], prompt: &[u8], expect: usize| {
            assert_eq!(reusable_prefix(cached, prompt), expect, "cached {cached:?}, prompt {prompt:?}");
        };
        check(b"", b"abc", 0);
        check(b"abx", b"abc", 2);
        check(b"abcdef", b"abcxyz", 3);
        // A prompt that extends the cache (a repair turn) reuses all of it.
        check(b"abc", b"abcdef", 3);
        // The same prompt again still decodes its last token for fresh logits.
        check(b"abc", b"abc", 2);
        // A shorter prompt inside the cache, and the degenerate empty prompt.
        check(b"abcdef", b"abc", 2);
        check(b"abc", b"", 0);
    }
}
