//! API keys: looked up by the SHA-256 of what the client sends (the key itself is never
//! stored), each with a request rate and a cap on requests running at once.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::bucket::TokenBucket;
use crate::config::ApiKeyConfig;
use crate::error::ServerError;
use crate::metric_names as names;
use crate::state::AppState;

/// The configured keys; empty means every request is allowed.
#[derive(Debug, Default)]
pub(crate) struct ApiKeys {
    by_digest: HashMap<[u8; 32], Arc<KeyState>>,
}

#[derive(Debug)]
struct KeyState {
    name: String,
    per_minute: u32,
    max_concurrent: u32,
    bucket: TokenBucket,
    running: Arc<Semaphore>,
}

/// The name of the key a request came with, for handlers, logs and metrics.
#[derive(Debug, Clone)]
pub struct KeyName(pub String);

/// The SHA-256 of a key as 64 lowercase hex digits: what `[[server.api_keys]] sha256` holds.
pub fn key_digest_hex(key: &str) -> String {
    Sha256::digest(key.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl ApiKeys {
    pub(crate) fn new(keys: &[ApiKeyConfig]) -> Result<Self, ServerError> {
        let mut by_digest = HashMap::new();
        for key in keys {
            if key.key.is_some() {
                return Err(ServerError::Config {
                    detail: format!("api key `{}`: `key` must be resolved to its sha256 before serving", key.name),
                });
            }
            let sha256 = key.sha256.as_deref().ok_or_else(|| ServerError::Config {
                detail: format!("api key `{}`: give `sha256` or `key = \"env::NAME\"`", key.name),
            })?;
            let digest = parse_hex(sha256).ok_or_else(|| ServerError::Config {
                detail: format!("api key `{}`: sha256 must be 64 hex digits", key.name),
            })?;
            let state = KeyState {
                name: key.name.clone(),
                per_minute: key.requests_per_minute,
                max_concurrent: key.max_concurrent.max(1),
                bucket: TokenBucket::new(key.requests_per_minute, (key.requests_per_minute / 10).max(1)),
                running: Arc::new(Semaphore::new(key.max_concurrent.max(1) as usize)),
            };
            if by_digest.insert(digest, Arc::new(state)).is_some() {
                return Err(ServerError::Config { detail: format!("api key `{}` is listed twice", key.name) });
            }
        }
        Ok(Self { by_digest })
    }

    pub(crate) fn is_open(&self) -> bool {
        self.by_digest.is_empty()
    }
}

fn presented_key(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    bearer.or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok())).map(str::trim)
}

/// Admits a request with a known key within its limits; holds a concurrency slot until the
/// response is ready (an event stream's slot is released once its headers are sent).
pub(crate) async fn require_key(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ServerError> {
    if state.keys.is_open() {
        request.extensions_mut().insert(KeyName("anonymous".into()));
        return Ok(next.run(request).await);
    }
    let digest: [u8; 32] = match presented_key(request.headers()) {
        Some(key) => Sha256::digest(key.as_bytes()).into(),
        None => return Err(refuse("missing", ServerError::Unauthorized)),
    };
    let Some(key) = state.keys.by_digest.get(&digest).cloned() else {
        return Err(refuse("unknown", ServerError::Unauthorized));
    };
    if let Err(wait) = key.bucket.try_take() {
        let error = ServerError::RateLimited {
            key: key.name.clone(),
            per_minute: key.per_minute,
            retry_after_s: wait.as_secs().max(1),
        };
        return Err(refuse("rate", error));
    }
    let Ok(_slot) = Arc::clone(&key.running).try_acquire_owned() else {
        let error = ServerError::TooManyConcurrent { key: key.name.clone(), max_concurrent: key.max_concurrent };
        return Err(refuse("concurrency", error));
    };
    tracing::Span::current().record("key", key.name.as_str());
    request.extensions_mut().insert(KeyName(key.name.clone()));
    Ok(next.run(request).await)
}

fn refuse(reason: &'static str, error: ServerError) -> ServerError {
    metrics::counter!(names::AUTH_REFUSALS_TOTAL, names::LABEL_REASON => reason).increment(1);
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_round_trip_and_bad_hex_is_a_config_error() {
        let hex = key_digest_hex("secret");
        assert_eq!(hex.len(), 64);
        assert_eq!(parse_hex(&hex), Some(Sha256::digest(b"secret").into()));
        let bad = ApiKeyConfig {
            name: "a".into(),
            sha256: Some("xyz".into()),
            key: None,
            requests_per_minute: 1,
            max_concurrent: 1,
        };
        assert!(matches!(ApiKeys::new(std::slice::from_ref(&bad)), Err(ServerError::Config { .. })));
        let neither = ApiKeyConfig { sha256: None, ..bad.clone() };
        assert!(matches!(ApiKeys::new(&[neither]), Err(ServerError::Config { .. })));
        let unresolved = ApiKeyConfig { sha256: None, key: Some("env::K".into()), ..bad };
        let Err(ServerError::Config { detail }) = ApiKeys::new(&[unresolved]) else { panic!("accepted") };
        assert!(detail.contains("resolved"), "{detail}");
    }

    #[test]
    fn the_key_comes_from_bearer_or_x_api_key() {
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", "k1".parse().unwrap());
        assert_eq!(presented_key(&headers), Some("k1"));
        headers.insert(axum::http::header::AUTHORIZATION, "Bearer k2".parse().unwrap());
        assert_eq!(presented_key(&headers), Some("k2"));
    }
}
