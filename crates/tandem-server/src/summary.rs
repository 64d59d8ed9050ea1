//! The ledger in plain words, for the chat page and MCP replies: what the large model read
//! against what the whole schema would have cost it, and what the cheaper tiers did.

use tandem_agent::{Ledger, TierLedger};

/// One sentence per tier that did something, the large model first.
pub fn ledger_in_words(ledger: &Ledger) -> Vec<String> {
    let mut words = Vec::new();
    let large = &ledger.large;
    if large.n_calls > 0 {
        let mut sentence = format!("the large model read {} tokens", thousands(large.prompt_tokens));
        if ledger.counterfactual_full_schema_prompt_tokens > 0 {
            sentence += &format!(" instead of {}", thousands(ledger.counterfactual_full_schema_prompt_tokens));
        }
        sentence += &format!(" — {}, {} in queue", calls(large), seconds(large.queue_wait_ms));
        if large.cached_prompt_tokens > 0 {
            sentence += &format!(" ({} of them from its prompt cache)", thousands(large.cached_prompt_tokens));
        }
        words.push(sentence);
    } else if ledger.cache_hit {
        words.push("the large model was not called: a plan like this one was answered before".to_owned());
    } else {
        words.push("no large-model call completed".to_owned());
    }
    if ledger.small.n_calls > 0 {
        words.push(format!(
            "the small model read {} tokens and wrote {} — {}",
            thousands(ledger.small.prompt_tokens),
            thousands(ledger.small.completion_tokens),
            calls(&ledger.small),
        ));
    }
    if ledger.rules.n_calls > 0 {
        let rounds = ledger.rules.n_calls;
        words.push(format!("rules fixed the SQL without a model in {rounds} round{}", plural(u64::from(rounds))));
    }
    let cost = ledger.total_cost();
    let mut total = format!("{} in all", seconds(ledger.wall_ms));
    if cost > 0.0 {
        total += &format!(", cost {cost:.4}");
    }
    words.push(total);
    words
}

fn calls(tier: &TierLedger) -> String {
    format!("{} call{}", tier.n_calls, plural(u64::from(tier.n_calls)))
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn seconds(ms: f64) -> String {
    if ms < 100.0 { format!("{:.2} s", ms / 1_000.0) } else { format!("{:.1} s", ms / 1_000.0) }
}

/// `41300` → `41,300`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_sentence() {
        let mut ledger = Ledger::default();
        ledger.large.n_calls = 1;
        ledger.large.prompt_tokens = 1_180;
        ledger.large.queue_wait_ms = 400.0;
        ledger.counterfactual_full_schema_prompt_tokens = 41_300;
        ledger.small.n_calls = 2;
        ledger.small.prompt_tokens = 900;
        ledger.small.completion_tokens = 120;
        ledger.wall_ms = 2_345.0;
        assert_eq!(
            ledger_in_words(&ledger),
            [
                "the large model read 1,180 tokens instead of 41,300 — 1 call, 0.4 s in queue",
                "the small model read 900 tokens and wrote 120 — 2 calls",
                "2.3 s in all",
            ]
        );
    }

    #[test]
    fn a_cache_hit_says_so() {
        let ledger = Ledger { cache_hit: true, ..Ledger::default() };
        assert!(ledger_in_words(&ledger)[0].contains("answered before"));
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
