//! The simulated model server: a vLLM-like scheduler stepped one batch at a time.
//!
//! Each step follows vLLM's (v1) scheduler. Running sequences come first, in admission
//! order: a decoding sequence takes one token of the step budget, a sequence still prefilling
//! takes as much of what is left as it needs (chunked prefill), so prefill is served first
//! come, first served. A sequence that cannot get KV space preempts the most recently
//! admitted running sequence (recompute mode: its KV is freed but stays cached until
//! evicted), possibly itself. Only in a step without preemption are waiting requests admitted,
//! in order, while budget, sequence slots and KV space for their first chunk remain; their
//! cached prefix (and surviving remnant) is not computed again. The step then takes
//! `d0 + d1·decoding + d2·context + prefill/rate` ([`ServerPreset::step_duration`]).
//!
//! Pure and synchronous: [`Server::step`] says how long the step takes and what it produced;
//! the driver sleeps that long in simulated time and delivers the results.

use std::collections::VecDeque;
use std::time::Duration;

use serde::Serialize;

use super::error::SimError;
use super::kv::KvPool;
use super::preset::ServerPreset;
use super::sequence::Sequence;
use super::workload::RequestSpec;

/// What one step produced.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StepOutcome {
    pub(crate) duration: Duration,
    /// Requests whose first token this step sampled.
    pub(crate) first_tokens: Vec<usize>,
    /// Requests that finished, with their prompt tokens served from the prefix cache.
    pub(crate) finished: Vec<(usize, u32)>,
}

/// Server-side counters over a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServerStats {
    pub steps: u64,
    pub busy_s: f64,
    pub preemptions: u64,
    /// Prefill tokens computed again after a preemption.
    pub recomputed_tokens: u64,
    /// Prompt tokens that needed no prefill because the prefix cache held them.
    pub prefix_cache_hit_tokens: u64,
    /// Cached tokens (unused prefixes, preemption remnants) evicted to make room.
    pub evicted_cache_tokens: u64,
    pub peak_running: usize,
    pub peak_kv_tokens: u64,
}

#[derive(Debug)]
pub(crate) struct Server {
    preset: ServerPreset,
    kv: KvPool,
    waiting: VecDeque<Sequence>,
    running: Vec<Sequence>,
    stats: ServerStats,
}

impl Server {
    pub(crate) fn new(preset: &ServerPreset) -> Self {
        Self {
            kv: KvPool::new(preset.kv_capacity_tokens),
            preset: preset.clone(),
            waiting: VecDeque::new(),
            running: Vec::new(),
            stats: ServerStats::default(),
        }
    }

    /// Queues a request. False when it could never fit the KV cache (a real server rejects
    /// such a prompt up front).
    pub(crate) fn submit(&mut self, spec: &RequestSpec) -> bool {
        let sequence = Sequence::new(spec);
        if sequence.peak_tokens() > self.kv.capacity() {
            return false;
        }
        self.waiting.push_back(sequence);
        true
    }

    pub(crate) fn is_idle(&self) -> bool {
        self.waiting.is_empty() && self.running.is_empty()
    }

    pub(crate) fn steps(&self) -> u64 {
        self.stats.steps
    }

    pub(crate) fn stats(&self) -> ServerStats {
        ServerStats { evicted_cache_tokens: self.kv.evicted_tokens(), ..self.stats.clone() }
    }

    /// Schedules and runs one step. `Ok(None)` when there is nothing to do.
    pub(crate) fn step(&mut self) -> Result<Option<StepOutcome>, SimError> {
        if self.is_idle() {
            return Ok(None);
        }
        let mut budget = self.preset.step_token_budget.max(1);
        let mut scheduled: Vec<(usize, u32)> = Vec::new();
        let preempted = self.schedule_running(&mut budget, &mut scheduled);
        if !preempted {
            self.admit_waiting(&mut budget, &mut scheduled);
        }
        if scheduled.is_empty() {
            return Err(SimError::Stalled {
                step: self.stats.steps,
                n_waiting: self.waiting.len(),
                n_running: self.running.len(),
            });
        }
        Ok(Some(self.run(&scheduled)))
    }

    /// Gives running sequences their tokens, preempting from the back when KV runs out.
    /// Returns whether anything was preempted.
    fn schedule_running(&mut self, budget: &mut u32, scheduled: &mut Vec<(usize, u32)>) -> bool {
        let mut preempted = false;
        let mut index = 0;
        while index < self.running.len() && *budget > 0 {
            let tokens = self.running[index].new_tokens().min(*budget);
            let mut fits = false;
            while index < self.running.len() {
                if self.kv.allocate(u64::from(tokens)) {
                    fits = true;
                    break;
                }
                if let Some(mut victim) = self.running.pop() {
                    victim.leave(&mut self.kv);
                    self.waiting.push_front(victim);
                    self.stats.preemptions += 1;
                    preempted = true;
                }
            }
            if !fits {
                break;
            }
            self.running[index].private_tokens += u64::from(tokens);
            scheduled.push((index, tokens));
            *budget -= tokens;
            index += 1;
        }
        preempted
    }

    /// Admits waiting requests in order while the step has room for their first chunk.
    fn admit_waiting(&mut self, budget: &mut u32, scheduled: &mut Vec<(usize, u32)>) {
        while *budget > 0 && self.running.len() < self.preset.max_running {
            let Some(mut sequence) = self.waiting.pop_front() else { break };
            sequence.take_cached(&mut self.kv);
            let tokens = sequence.new_tokens().min(*budget);
            if !self.kv.allocate(u64::from(tokens)) {
                sequence.give_back_cached(&mut self.kv);
                self.waiting.push_front(sequence);
                break;
            }
            if !sequence.admitted_before {
                self.stats.prefix_cache_hit_tokens += u64::from(sequence.cached_prompt_tokens);
                sequence.admitted_before = true;
            }
            sequence.private_tokens += u64::from(tokens);
            scheduled.push((self.running.len(), tokens));
            self.running.push(sequence);
            *budget -= tokens;
        }
    }

    /// Computes the scheduled tokens, samples where a sequence is complete, and retires the
    /// finished ones.
    fn run(&mut self, scheduled: &[(usize, u32)]) -> StepOutcome {
        let mut prefill_tokens = 0u64;
        let mut n_decode = 0usize;
        let mut decode_context = 0u64;
        let mut first_tokens = Vec::new();
        for &(index, tokens) in scheduled {
            let Some(sequence) = self.running.get_mut(index) else { continue };
            if sequence.is_decoding() {
                n_decode += 1;
                decode_context += u64::from(sequence.computed);
            } else {
                prefill_tokens += u64::from(tokens);
            }
            let recomputed = sequence.high_water.saturating_sub(sequence.computed).min(tokens);
            self.stats.recomputed_tokens += u64::from(recomputed);
            sequence.computed += tokens;
            sequence.high_water = sequence.high_water.max(sequence.computed);
            if sequence.computed >= sequence.len() {
                sequence.generated += 1;
                if sequence.generated == 1 {
                    first_tokens.push(sequence.id);
                }
            }
            sequence.publish_prefix(&mut self.kv);
        }
        let mut finished = Vec::new();
        let kv = &mut self.kv;
        self.running.retain_mut(|sequence| {
            if sequence.generated < sequence.output_tokens {
                return true;
            }
            sequence.finish(kv);
            finished.push((sequence.id, sequence.cached_prompt_tokens));
            false
        });
        let duration = self.preset.step_duration(prefill_tokens, n_decode, decode_context);
        self.stats.steps += 1;
        self.stats.busy_s += duration.as_secs_f64();
        self.stats.peak_running = self.stats.peak_running.max(self.running.len() + finished.len());
        self.stats.peak_kv_tokens = self.stats.peak_kv_tokens.max(self.kv.pinned());
        StepOutcome { duration, first_tokens, finished }
    }
}

#[cfg(test)]
mod tests {
    use super::super::preset::Preset;
    use super::super::workload::Prefix;
    use super::*;

    fn spec(id: usize, prompt_tokens: u32, output_tokens: u32, prefix: Option<Prefix>) -> RequestSpec {
        RequestSpec { id, class: 0, arrival_s: 0.0, prompt_tokens, output_tokens, prefix }
    }

    fn preset(kv_capacity_tokens: u32) -> ServerPreset {
        ServerPreset {
            step_token_budget: 100,
            kv_capacity_tokens,
            prefill_tokens_per_s: 1_000.0,
            step_base_ms: 10.0,
            decode_per_seq_ms: 1.0,
            decode_per_context_token_ns: 0.0,
            ..Preset::DeepSeekV3H200x8.server()
        }
    }

    /// Steps until idle, numbering steps after the `done` already taken; returns the events
    /// (request, step, kind) and the stats.
    fn drain(server: &mut Server, done: u64) -> (Vec<(usize, u64, &'static str)>, ServerStats) {
        let mut events = Vec::new();
        let mut step = done;
        while let Some(outcome) = server.step().unwrap() {
            step += 1;
            events.extend(outcome.first_tokens.iter().map(|&id| (id, step, "first")));
            events.extend(outcome.finished.iter().map(|&(id, _)| (id, step, "done")));
            assert!(step < 10_000, "runaway");
        }
        (events, server.stats())
    }

    #[test]
    fn prefill_is_chunked_and_first_come_first_served() {
        let mut server = Server::new(&preset(10_000));
        assert!(server.submit(&spec(0, 250, 3, None)));
        assert!(server.submit(&spec(1, 120, 2, None)));
        let first = server.step().unwrap().unwrap();
        // 100 prefill tokens of request 0 at 1,000 tokens/s plus the 10 ms base.
        assert_eq!(first.duration, Duration::from_millis(110));
        let (events, stats) = drain(&mut server, 1);
        // Request 0 finishes its prompt in step 3 (50 tokens), request 1 starts in that step
        // with the 50 left and finishes its 120 in step 4, behind request 0's decode token.
        assert_eq!(events, vec![(0, 3, "first"), (1, 4, "first"), (0, 5, "done"), (1, 5, "done")]);
        assert_eq!(stats.preemptions, 0);
    }

    #[test]
    fn full_kv_preempts_the_newest_and_recomputes_what_was_evicted() {
        // Room for one sequence's prompt and a bit: the second admitted one gets preempted.
        let mut server = Server::new(&preset(330));
        assert!(server.submit(&spec(0, 150, 40, None)));
        assert!(server.submit(&spec(1, 150, 40, None)));
        let (events, stats) = drain(&mut server, 0);
        assert!(stats.preemptions > 0, "{stats:?}");
        assert!(stats.peak_kv_tokens <= 330);
        let done: Vec<usize> = events.iter().filter(|e| e.2 == "done").map(|e| e.0).collect();
        assert_eq!(done, vec![0, 1]);
    }

    #[test]
    fn a_shared_prefix_is_prefilled_once() {
        let prefix = Some(Prefix { id: 9, tokens: 80 });
        let mut server = Server::new(&preset(10_000));
        assert!(server.submit(&spec(0, 100, 1, prefix)));
        drain(&mut server, 0);
        assert!(server.submit(&spec(1, 100, 1, prefix)));
        let outcome = server.step().unwrap().unwrap();
        // Only the 20 uncached tokens are prefilled: 10 ms + 20 ms.
        assert_eq!(outcome.duration, Duration::from_millis(30));
        assert_eq!(outcome.finished, vec![(1, 80)]);
        assert_eq!(server.stats().prefix_cache_hit_tokens, 80);
    }

    #[test]
    fn decode_steps_cost_per_sequence() {
        let mut server = Server::new(&preset(10_000));
        assert!(server.submit(&spec(0, 50, 5, None)));
        assert!(server.submit(&spec(1, 50, 5, None)));
        server.step().unwrap().unwrap();
        let decode = server.step().unwrap().unwrap();
        assert_eq!(decode.duration, Duration::from_millis(12), "10 ms base + 2 × 1 ms");
    }

    #[test]
    fn requests_that_can_never_fit_are_refused() {
        let mut server = Server::new(&preset(100));
        assert!(!server.submit(&spec(0, 90, 20, None)));
        assert!(server.is_idle());
    }
}
