//! When to try a failed call again, and how long to wait first.

use std::time::Duration;

use tandem_llm::LlmError;

use crate::config::OpenAiConfig;

/// Exponential backoff over retryable errors only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl RetryPolicy {
    pub fn from_config(config: &OpenAiConfig) -> Self {
        Self {
            max_retries: config.max_retries,
            initial_backoff: config.initial_backoff,
            max_backoff: config.max_backoff,
        }
    }

    /// The wait before retry number `retry` (0 for the first retry) after `error`, or `None`
    /// when the call must not be tried again.
    pub fn delay(&self, retry: u32, error: &LlmError) -> Option<Duration> {
        if retry >= self.max_retries || !error.is_retryable() {
            return None;
        }
        let exponential = self.initial_backoff.saturating_mul(2u32.saturating_pow(retry)).min(self.max_backoff);
        match error {
            // The server knows its own load better than our schedule does; asking sooner
            // than it said only earns another 429. Asking for more than we are willing to
            // wait means giving the caller the error now, while it can still act on it.
            LlmError::RateLimited { retry_after: Some(wait) } if *wait > self.max_backoff => None,
            LlmError::RateLimited { retry_after: Some(wait) } => Some(exponential.max(*wait)),
            _ => Some(exponential),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(250),
    };

    fn server_error() -> LlmError {
        LlmError::Server { status: 502, body: String::new() }
    }

    #[test]
    fn doubles_up_to_the_cap_and_stops_after_max_retries() {
        let delays: Vec<_> = (0..4).map(|retry| POLICY.delay(retry, &server_error())).collect();
        assert_eq!(
            delays,
            [
                Some(Duration::from_millis(100)),
                Some(Duration::from_millis(200)),
                Some(Duration::from_millis(250)),
                None
            ]
        );
    }

    #[test]
    fn never_retries_what_cannot_succeed() {
        assert_eq!(POLICY.delay(0, &LlmError::Rejected { status: 400, body: String::new() }), None);
        assert_eq!(POLICY.delay(0, &LlmError::Cancelled), None);
    }

    #[test]
    fn honours_retry_after_within_the_cap() {
        let limited = |ms| LlmError::RateLimited { retry_after: Some(Duration::from_millis(ms)) };
        assert_eq!(POLICY.delay(0, &limited(180)), Some(Duration::from_millis(180)));
        assert_eq!(POLICY.delay(0, &limited(10)), Some(Duration::from_millis(100)));
        assert_eq!(POLICY.delay(0, &limited(5_000)), None);
        assert_eq!(POLICY.delay(0, &LlmError::RateLimited { retry_after: None }), Some(Duration::from_millis(100)));
    }

    #[test]
    fn huge_exponents_saturate_instead_of_overflowing() {
        let policy = RetryPolicy { max_retries: u32::MAX, ..POLICY };
        assert_eq!(policy.delay(200, &server_error()), Some(Duration::from_millis(250)));
    }
}
