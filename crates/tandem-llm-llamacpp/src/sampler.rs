//! Picking the next token, under a grammar when the request asks for structured output.
//!
//! Applying a grammar means matching every one of the ~152k vocabulary entries against the
//! grammar's stacks, 20–30 ms per token on a small CPU: longer than the 0.5B model's whole
//! decode step. The model usually wants a token the grammar allows anyway, so the sampler
//! first picks without the grammar, checks only that one token, and pays for the full pass
//! only when the grammar rejects it (llama.cpp's own common sampler does the same).

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;
use tandem_llm::LlmError;

/// llama.cpp draws a fresh random seed when given this one.
const RANDOM_SEED: u32 = u32::MAX;

/// Chooses tokens for one reply.
pub(crate) struct TokenSampler {
    /// `None` means greedy decoding.
    chain: Option<LlamaSampler>,
    grammar: Option<LlamaSampler>,
}

impl std::fmt::Debug for TokenSampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSampler")
            .field("greedy", &self.chain.is_none())
            .field("grammar", &self.grammar.is_some())
            .finish()
    }
}

impl TokenSampler {
    /// A sampler for `temperature` (0, negative or NaN mean greedy), constrained by `gbnf`
    /// when given.
    pub(crate) fn new(model: &LlamaModel, temperature: f32, gbnf: Option<&str>) -> Result<Self, LlmError> {
        let chain = (temperature > 0.0).then(|| {
            // llama.cpp's usual truncation before temperature, so a warm sampler still never
            // picks from the long tail of nonsense tokens.
            LlamaSampler::chain_simple([
                LlamaSampler::top_k(40),
                LlamaSampler::top_p(0.95, 1),
                LlamaSampler::min_p(0.05, 1),
                LlamaSampler::temp(temperature),
                LlamaSampler::dist(RANDOM_SEED),
            ])
        });
        let grammar = gbnf
            .map(|gbnf| {
                LlamaSampler::grammar(model, gbnf, "root")
                    .map_err(|e| LlmError::Unsupported { detail: format!("grammar cannot be used: {e}") })
            })
            .transpose()?;
        Ok(Self { chain, grammar })
    }

    /// Picks the next token from the logits of batch position `idx`.
    pub(crate) fn sample(&mut self, ctx: &LlamaContext<'_>, idx: i32) -> Result<LlamaToken, LlmError> {
        let logits = ctx.get_logits_ith(idx);
        let first = match &mut self.chain {
            None => argmax(logits.iter().copied()),
            Some(chain) => pick_with(chain, candidates(logits)),
        }
        .ok_or_else(|| LlmError::Backend { detail: "the model produced no usable logits".to_owned() })?;
        let Some(grammar) = &mut self.grammar else { return Ok(first) };
        if allowed(grammar, first, logits) {
            return Ok(first);
        }
        let mut constrained = candidates(logits);
        grammar.apply(&mut constrained);
        let token = match &mut self.chain {
            None => argmax_tokens(&constrained),
            Some(chain) => pick_with(chain, constrained),
        };
        token.ok_or_else(|| LlmError::Backend { detail: "the grammar allows no next token".to_owned() })
    }

    /// Advances the grammar past a chosen token. End-of-generation tokens must not be passed:
    /// llama.cpp aborts the process when a grammar that is not complete accepts one.
    pub(crate) fn accept(&mut self, token: LlamaToken) -> Result<(), LlmError> {
        if let Some(chain) = &mut self.chain {
            chain.accept(token);
        }
        if let Some(grammar) = &mut self.grammar {
            grammar
                .try_accept(token)
                .map_err(|e| LlmError::Backend { detail: format!("grammar rejected token {}: {e}", token.0) })?;
        }
        Ok(())
    }
}

/// Whether the grammar allows `token`, checked on a one-entry candidate list.
fn allowed(grammar: &mut LlamaSampler, token: LlamaToken, logits: &[f32]) -> bool {
    let logit = usize::try_from(token.0).ok().and_then(|i| logits.get(i)).copied().unwrap_or(0.0);
    let mut single = LlamaTokenDataArray::new(vec![LlamaTokenData::new(token, logit, 0.0)], false);
    grammar.apply(&mut single);
    single.data.first().is_some_and(|d| d.logit() > f32::NEG_INFINITY)
}

fn candidates(logits: &[f32]) -> LlamaTokenDataArray {
    LlamaTokenDataArray::from_iter(
        (0_i32..).zip(logits).map(|(id, &logit)| LlamaTokenData::new(LlamaToken::new(id), logit, 0.0)),
        false,
    )
}

fn pick_with(chain: &mut LlamaSampler, mut candidates: LlamaTokenDataArray) -> Option<LlamaToken> {
    chain.apply(&mut candidates);
    let chosen = candidates.data.get(candidates.selected?)?;
    // A masked token is never a choice, even if every candidate was masked.
    (chosen.logit() > f32::NEG_INFINITY).then(|| chosen.id())
}

fn argmax_tokens(candidates: &LlamaTokenDataArray) -> Option<LlamaToken> {
    let best = argmax(candidates.data.iter().map(LlamaTokenData::logit))?;
    candidates.data.get(usize::try_from(best.0).ok()?).map(LlamaTokenData::id)
}

/// The index of the largest finite logit, as a token.
fn argmax(logits: impl Iterator<Item = f32>) -> Option<LlamaToken> {
    let mut best: Option<(i32, f32)> = None;
    for (i, logit) in (0_i32..).zip(logits) {
        if logit > f32::NEG_INFINITY && best.is_none_or(|(_, b)| logit > b) {
            best = Some((i, logit));
        }
    }
    best.map(|(i, _)| LlamaToken::new(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_skips_masked_and_nan_logits() {
        assert_eq!(argmax([1.0, 3.0, 2.0].into_iter()), Some(LlamaToken::new(1)));
        assert_eq!(argmax([f32::NEG_INFINITY, f32::NAN, 0.5].into_iter()), Some(LlamaToken::new(2)));
        assert_eq!(argmax([f32::NEG_INFINITY].into_iter()), None);
        assert_eq!(argmax(std::iter::empty()), None);
    }

    #[test]
    fn argmax_over_candidates_returns_the_token_id() {
        let data = vec![
            LlamaTokenData::new(LlamaToken::new(7), f32::NEG_INFINITY, 0.0),
            LlamaTokenData::new(LlamaToken::new(9), 1.5, 0.0),
        ];
        assert_eq!(argmax_tokens(&LlamaTokenDataArray::new(data, false)), Some(LlamaToken::new(9)));
    }
}
