//! The `[server]` section: where to listen, request limits, and the API keys (stored only as
//! SHA-256 digests) with their per-key limits.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How the server runs. Every field has a default, so `[server]` may be empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// `host:port` to listen on; port 0 picks a free one.
    pub bind: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest a non-streaming request may take before it is answered 408.
    pub request_timeout_ms: u64,
    /// Rows per page when a request names none.
    pub page_size: usize,
    /// Largest page a request may ask for.
    pub max_page_size: usize,
    /// On shutdown, how long in-flight turns may run on before the server stops anyway (the
    /// session store keeps them, and the next start resumes them).
    pub shutdown_grace_ms: u64,
    /// Seconds between keep-alive comments on event streams.
    pub sse_keep_alive_s: u64,
    /// Whether `/mcp` (the MCP streamable-HTTP endpoint) is mounted.
    pub mcp: bool,
    /// `Host` values `/mcp` accepts (DNS-rebinding guard); empty means loopback only.
    pub mcp_allowed_hosts: Vec<String>,
    /// With no keys every request is allowed (local use); with keys, every `/api`, `/mcp` and
    /// `/metrics` request needs one.
    pub api_keys: Vec<ApiKeyConfig>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            max_body_bytes: 64 * 1024,
            request_timeout_ms: 30_000,
            page_size: 50,
            max_page_size: 1_000,
            shutdown_grace_ms: 30_000,
            sse_keep_alive_s: 15,
            mcp: true,
            mcp_allowed_hosts: Vec::new(),
            api_keys: Vec::new(),
        }
    }
}

impl ServerConfig {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_millis(self.shutdown_grace_ms)
    }
}

/// One API key: a name for logs and metrics, the key as its SHA-256 or by reference, and its
/// limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    pub name: String,
    /// The SHA-256 of the key, 64 hex digits: the key itself is never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Or the key by reference, `env::NAME`: the binary reads it from that environment
    /// variable at startup and hands the server only its SHA-256 (this crate reads no
    /// environment, so [`crate::Server::new`] refuses a key still given this way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Sustained requests per minute; bursts up to a tenth of it (at least 1) pass at once.
    #[serde(default = "default_per_minute")]
    pub requests_per_minute: u32,
    /// Requests of this key running at once.
    #[serde(default = "default_concurrent")]
    pub max_concurrent: u32,
}

fn default_per_minute() -> u32 {
    600
}

fn default_concurrent() -> u32 {
    16
}
