//! A token bucket on `tokio::time`, so rate limits are tested with a paused clock. Small
//! enough that a crate (whose clocks a paused runtime cannot drive) would cost more than it
//! saves.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug)]
pub(crate) struct TokenBucket {
    capacity: f64,
    per_second: f64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    tokens: f64,
    at: Instant,
}

impl TokenBucket {
    /// `per_minute` sustained, `burst` at once (both at least 1).
    pub(crate) fn new(per_minute: u32, burst: u32) -> Self {
        let capacity = f64::from(burst.max(1));
        Self {
            capacity,
            per_second: f64::from(per_minute.max(1)) / 60.0,
            state: Mutex::new(State { tokens: capacity, at: Instant::now() }),
        }
    }

    /// Takes one token, or says how long until one is there.
    pub(crate) fn try_take(&self) -> Result<(), Duration> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let refill = now.saturating_duration_since(state.at).as_secs_f64() * self.per_second;
        state.tokens = (state.tokens + refill).min(self.capacity);
        state.at = now;
        if state.tokens >= 1.0 {
            state.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - state.tokens) / self.per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_passes_then_the_rate_holds() {
        let bucket = TokenBucket::new(60, 3);
        for _ in 0..3 {
            assert!(bucket.try_take().is_ok());
        }
        let wait = bucket.try_take().unwrap_err();
        assert!(wait <= Duration::from_secs(1) && wait > Duration::from_millis(900), "{wait:?}");
        tokio::time::advance(Duration::from_millis(500)).await;
        assert!(bucket.try_take().is_err());
        tokio::time::advance(Duration::from_millis(600)).await;
        assert!(bucket.try_take().is_ok());
        tokio::time::advance(Duration::from_secs(3600)).await;
        for _ in 0..3 {
            assert!(bucket.try_take().is_ok());
        }
        assert!(bucket.try_take().is_err(), "refill never exceeds the burst");
    }
}
