//! The KV cache of the simulated server, counted in tokens.
//!
//! Tokens are either private to a running sequence or held in cache entries: a shared prompt
//! prefix (kept after its first use, as vLLM's prefix caching does) or the remnant of a
//! preempted sequence (vLLM frees a preempted sequence's blocks but leaves them cached, so
//! what survives eviction need not be recomputed). An entry nobody references is evictable,
//! least recently used first; an allocation fails, without evicting anything, only when free
//! plus evictable tokens cannot cover it. Counting tokens instead of 16-token blocks is the
//! one simplification; at prompt lengths of thousands of tokens it changes nothing visible.

use std::collections::BTreeMap;

/// What a cache entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum CacheKey {
    /// A shared prompt prefix, by its id.
    Prefix(u32),
    /// What is left of a preempted sequence, by request id.
    Remnant(usize),
}

#[derive(Debug, Clone)]
struct Entry {
    tokens: u64,
    /// Sequences using the entry; zero makes it evictable.
    refs: u32,
    /// Logical time of the last use, for least-recently-used eviction.
    last_used: u64,
    /// For a remnant: the position in its sequence where the remnant's tokens start.
    start: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct KvPool {
    capacity: u64,
    private: u64,
    cached: u64,
    evictable: u64,
    entries: BTreeMap<CacheKey, Entry>,
    clock: u64,
    evicted_tokens: u64,
}

impl KvPool {
    pub(crate) fn new(capacity_tokens: u32) -> Self {
        Self {
            capacity: u64::from(capacity_tokens),
            private: 0,
            cached: 0,
            evictable: 0,
            entries: BTreeMap::new(),
            clock: 0,
            evicted_tokens: 0,
        }
    }

    pub(crate) fn capacity(&self) -> u64 {
        self.capacity
    }

    fn free(&self) -> u64 {
        self.capacity.saturating_sub(self.private + self.cached)
    }

    /// Tokens in use by sequences or referenced entries (what cannot be evicted).
    pub(crate) fn pinned(&self) -> u64 {
        self.private + self.cached - self.evictable
    }

    pub(crate) fn evicted_tokens(&self) -> u64 {
        self.evicted_tokens
    }

    /// Takes `tokens` of private space, evicting unreferenced entries if needed. False, and
    /// nothing changed, when even eviction cannot make room.
    pub(crate) fn allocate(&mut self, tokens: u64) -> bool {
        if self.free() + self.evictable < tokens {
            return false;
        }
        while self.free() < tokens {
            if !self.evict_one(tokens - self.free()) {
                return false;
            }
        }
        self.private += tokens;
        true
    }

    pub(crate) fn release(&mut self, tokens: u64) {
        self.private = self.private.saturating_sub(tokens);
    }

    /// The tokens of entry `key` if it is resident.
    pub(crate) fn resident(&self, key: CacheKey) -> Option<(u64, u32)> {
        self.entries.get(&key).map(|entry| (entry.tokens, entry.start))
    }

    /// Starts using a resident entry (it can no longer be evicted); returns its tokens.
    pub(crate) fn add_ref(&mut self, key: CacheKey) -> u64 {
        self.clock += 1;
        let clock = self.clock;
        let Some(entry) = self.entries.get_mut(&key) else { return 0 };
        if entry.refs == 0 {
            self.evictable -= entry.tokens;
        }
        entry.refs += 1;
        entry.last_used = clock;
        entry.tokens
    }

    /// Stops using an entry; the last user leaves it evictable.
    pub(crate) fn drop_ref(&mut self, key: CacheKey) {
        let Some(entry) = self.entries.get_mut(&key) else { return };
        if entry.refs == 0 {
            return;
        }
        entry.refs -= 1;
        if entry.refs == 0 {
            self.evictable += entry.tokens;
        }
    }

    /// Turns `tokens` of a sequence's private space into the shared entry `key`, referenced
    /// by that sequence. If the entry already exists (another sequence computed it first),
    /// the duplicate is freed and the existing entry is referenced instead.
    pub(crate) fn share(&mut self, key: CacheKey, tokens: u64) {
        self.private = self.private.saturating_sub(tokens);
        if self.entries.contains_key(&key) {
            self.add_ref(key);
            return;
        }
        self.clock += 1;
        self.cached += tokens;
        self.entries.insert(key, Entry { tokens, refs: 1, last_used: self.clock, start: 0 });
    }

    /// Leaves a preempted sequence's private tokens behind as an evictable remnant that starts
    /// at position `start` of its sequence.
    pub(crate) fn stash(&mut self, request: usize, start: u32, tokens: u64) {
        self.private = self.private.saturating_sub(tokens);
        self.forget(CacheKey::Remnant(request));
        if tokens == 0 {
            return;
        }
        self.clock += 1;
        self.cached += tokens;
        self.evictable += tokens;
        self.entries.insert(CacheKey::Remnant(request), Entry { tokens, refs: 0, last_used: self.clock, start });
    }

    /// Takes a remnant back into a sequence's private space; returns its tokens.
    pub(crate) fn reclaim(&mut self, request: usize) -> u64 {
        let Some(entry) = self.entries.remove(&CacheKey::Remnant(request)) else { return 0 };
        self.cached -= entry.tokens;
        if entry.refs == 0 {
            self.evictable -= entry.tokens;
        }
        self.private += entry.tokens;
        entry.tokens
    }

    /// Drops an entry outright (a remnant that can no longer be used).
    pub(crate) fn forget(&mut self, key: CacheKey) {
        if let Some(entry) = self.entries.remove(&key) {
            self.cached -= entry.tokens;
            if entry.refs == 0 {
                self.evictable -= entry.tokens;
            }
        }
    }

    /// Evicts the least recently used unreferenced entry: a remnant loses only its last
    /// `wanted` tokens (its head stays usable), a prefix goes whole. False if none is left.
    fn evict_one(&mut self, wanted: u64) -> bool {
        let victim = self
            .entries
            .iter()
            .filter(|(_, entry)| entry.refs == 0)
            .min_by_key(|(key, entry)| (entry.last_used, **key))
            .map(|(key, entry)| (*key, entry.tokens));
        let Some((key, tokens)) = victim else { return false };
        let taken = match key {
            CacheKey::Remnant(_) if tokens > wanted => wanted,
            _ => tokens,
        };
        if taken == tokens {
            self.entries.remove(&key);
        } else if let Some(entry) = self.entries.get_mut(&key) {
            entry.tokens -= taken;
        }
        self.cached -= taken;
        self.evictable -= taken;
        self.evicted_tokens += taken;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_fails_whole_when_nothing_can_be_evicted() {
        let mut kv = KvPool::new(100);
        assert!(kv.allocate(60));
        assert!(!kv.allocate(41));
        assert!(kv.allocate(40));
        kv.release(30);
        assert!(kv.allocate(30));
        assert_eq!(kv.pinned(), 100);
    }

    #[test]
    fn shared_prefixes_are_counted_once_and_evicted_only_when_unused() {
        let mut kv = KvPool::new(100);
        assert!(kv.allocate(30));
        kv.share(CacheKey::Prefix(1), 30);
        // A second sequence computes the same prefix: its copy is freed, the entry shared.
        assert!(kv.allocate(30));
        kv.share(CacheKey::Prefix(1), 30);
        assert_eq!(kv.pinned(), 30);
        assert!(!kv.allocate(71), "a referenced prefix cannot be evicted");
        kv.drop_ref(CacheKey::Prefix(1));
        kv.drop_ref(CacheKey::Prefix(1));
        assert_eq!(kv.resident(CacheKey::Prefix(1)), Some((30, 0)));
        assert!(kv.allocate(71), "an unreferenced prefix is evicted to make room");
        assert_eq!(kv.resident(CacheKey::Prefix(1)), None);
        assert_eq!(kv.evicted_tokens(), 30);
    }

    #[test]
    fn remnants_lose_their_tail_first_and_can_be_reclaimed() {
        let mut kv = KvPool::new(100);
        assert!(kv.allocate(80));
        kv.stash(7, 0, 80);
        assert_eq!(kv.pinned(), 0);
        assert!(kv.allocate(50));
        // 20 tokens were free; 30 came off the remnant's tail.
        assert_eq!(kv.resident(CacheKey::Remnant(7)), Some((50, 0)));
        assert_eq!(kv.reclaim(7), 50);
        assert_eq!(kv.pinned(), 100);
        assert_eq!(kv.resident(CacheKey::Remnant(7)), None);
    }

    #[test]
    fn least_recently_used_goes_first() {
        let mut kv = KvPool::new(100);
        assert!(kv.allocate(40));
        kv.share(CacheKey::Prefix(1), 40);
        assert!(kv.allocate(40));
        kv.share(CacheKey::Prefix(2), 40);
        kv.drop_ref(CacheKey::Prefix(2));
        kv.drop_ref(CacheKey::Prefix(1));
        kv.add_ref(CacheKey::Prefix(2));
        kv.drop_ref(CacheKey::Prefix(2));
        assert!(kv.allocate(50));
        assert_eq!(kv.resident(CacheKey::Prefix(1)), None);
        assert!(kv.resident(CacheKey::Prefix(2)).is_some());
    }
}
