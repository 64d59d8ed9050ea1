//! tandem over HTTP: the JSON API (ask, read the plan, confirm with edits, cancel, page the
//! rows, CSV), a server-sent event stream of each session's progress, the embedded web chat
//! page, health and readiness, Prometheus `/metrics`, `/openapi.json`, and MCP (streamable
//! HTTP at `/mcp`, stdio through [`mcp::serve_stdio`]).
//!
//! What it must never do: run anything but through its [`SessionService`] (it opens no
//! database and calls no model itself), serve data without a valid key when keys are
//! configured, keep an API key in clear (only SHA-256 digests are configured), or need files
//! or a network at run time (the page's assets are compiled in).
//!
//! Main types: [`Server`] (router, serve, graceful shutdown), [`ServerConfig`],
//! [`SessionService`] with the wire types [`Turn`] and [`TurnView`], [`ServerError`] with its
//! one code → status table, and [`mcp::TandemMcp`].

mod auth;
pub mod bench;
mod bucket;
mod config;
mod error;
mod json;
pub mod mcp;
pub mod metric_names;
mod observe;
mod openapi;
mod routes;
mod server;
mod service;
pub mod sessions;
mod state;
mod summary;
mod view;

pub use auth::{KeyName, key_digest_hex};
pub use config::{ApiKeyConfig, ServerConfig};
pub use error::{ErrorBody, ErrorDetail, ServerError, status_for};
pub use server::Server;
pub use service::{
    Answer, AnswerColumn, ServiceError, SessionService, SqlResult, Turn, TurnError, TurnEvent, TurnEventKind,
    TurnStatus,
};
pub use summary::{ledger_in_words, thousands};
pub use view::{AnswerPage, PageQuery, TurnView};
