//! The router: public routes (page, health, OpenAPI), key-protected routes (API, events,
//! metrics, MCP), and the layers every request passes (span, metrics, body limit).

pub(crate) mod events;
pub(crate) mod sessions;
pub(crate) mod system;
pub(crate) mod web;

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::auth::require_key;
use crate::error::ServerError;
use crate::observe::{record_http, request_span};
use crate::state::AppState;

pub(crate) fn router(state: AppState, mcp: Option<Router<AppState>>) -> Router {
    let api = Router::new()
        .route("/api/sessions", post(sessions::ask))
        .route("/api/sessions/{id}", get(sessions::latest))
        .route("/api/sessions/{id}/questions", post(sessions::follow_up))
        .route("/api/sessions/{id}/confirm", post(sessions::confirm))
        .route("/api/sessions/{id}/cancel", post(sessions::cancel))
        .route("/api/sessions/{id}/settled", get(sessions::settled))
        .route("/api/sessions/{id}/turns", get(sessions::turns))
        .route("/api/sessions/{id}/rows.csv", get(sessions::csv))
        .route("/api/sessions/{id}/apply", post(sessions::apply))
        .route("/api/sessions/{id}/export", post(sessions::export))
        .route("/api/sessions/{id}/revise", post(sessions::revise))
        .route("/api/sessions/{id}/migration.sql", get(sessions::migration))
        .route("/metrics", get(system::metrics))
        .route_layer(middleware::from_fn_with_state(state.clone(), time_limit));
    // Streams run as long as the session is followed: no request timeout.
    let mut protected = api.route("/api/sessions/{id}/events", get(events::events));
    if let Some(mcp) = mcp {
        // The MCP transport reads its body itself, past axum's extractor limit.
        protected = protected.merge(mcp.layer(RequestBodyLimitLayer::new(state.config.max_body_bytes)));
    }
    let protected = protected.route_layer(middleware::from_fn_with_state(state.clone(), require_key));
    let max_body = state.config.max_body_bytes;
    Router::new()
        .route("/", get(web::index))
        .route("/assets/app.js", get(web::app_js))
        .route("/assets/app.css", get(web::app_css))
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .route("/openapi.json", get(system::openapi))
        .merge(protected)
        .fallback(system::not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn(record_http))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// Answers 408 with the API's error body when a request runs past the configured timeout.
async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Result<Response, ServerError> {
    let limit: Duration = state.config.request_timeout();
    tokio::time::timeout(limit, next.run(request))
        .await
        .map_err(|_| ServerError::Timeout { timeout_ms: state.config.request_timeout_ms })
}
