//! Everything the HTTP layer can answer with instead of a result, and the one table that maps
//! each stable snake_case code to an HTTP status.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::service::ServiceError;

/// Why a request got no result.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// API keys are configured and the request carried none, or an unknown one.
    #[error("a valid API key is required (Authorization: Bearer KEY or X-Api-Key: KEY)")]
    Unauthorized,
    /// The key spent its request rate.
    #[error("API key `{key}` exceeded {per_minute} requests per minute")]
    RateLimited { key: String, per_minute: u32, retry_after_s: u64 },
    /// The key already has as many requests running as it may.
    #[error("API key `{key}` already has {max_concurrent} requests running")]
    TooManyConcurrent { key: String, max_concurrent: u32 },
    /// The body was not JSON, or not the JSON this endpoint takes.
    #[error("the request body is not valid JSON for this endpoint: {detail}")]
    MalformedJson { detail: String },
    /// The body is not sent as `application/json`.
    #[error("the request body must be sent as application/json")]
    UnsupportedMediaType,
    #[error("the request body is larger than {max_bytes} bytes")]
    PayloadTooLarge { max_bytes: usize },
    #[error("bad query parameters: {detail}")]
    BadQuery { detail: String },
    #[error("the request took longer than {timeout_ms} ms")]
    Timeout { timeout_ms: u64 },
    #[error("no such endpoint")]
    NotFound,
    /// The latest turn has no answer (yet) to page or download.
    #[error("this turn has no answer: its status is {status}")]
    NoAnswer { status: String },
    /// The latest turn was not exported as a migration.
    #[error("this turn has no migration to download: its status is {status}")]
    NoMigration { status: String },
    #[error("the server is shutting down")]
    ShuttingDown,
    /// The session service refused or failed; its code passes through.
    #[error("{0}")]
    Service(#[from] ServiceError),
    #[error("cannot bind or serve: {0}")]
    Io(#[from] std::io::Error),
    #[error("invalid server configuration: {detail}")]
    Config { detail: String },
}

/// The error body every failed request gets.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code: branch on this, never on the message.
    pub code: String,
    /// For people.
    pub message: String,
}

impl ServerError {
    /// The stable code clients branch on.
    pub fn code(&self) -> &str {
        match self {
            ServerError::Unauthorized => "unauthorized",
            ServerError::RateLimited { .. } => "rate_limited",
            ServerError::TooManyConcurrent { .. } => "too_many_concurrent_requests",
            ServerError::MalformedJson { .. } => "malformed_json",
            ServerError::UnsupportedMediaType => "unsupported_media_type",
            ServerError::PayloadTooLarge { .. } => "payload_too_large",
            ServerError::BadQuery { .. } => "bad_query",
            ServerError::Timeout { .. } => "timeout",
            ServerError::NotFound => "not_found",
            ServerError::NoAnswer { .. } => "no_answer",
            ServerError::NoMigration { .. } => "no_migration",
            ServerError::ShuttingDown => "shutting_down",
            ServerError::Service(error) => &error.code,
            ServerError::Io(_) => "io",
            ServerError::Config { .. } => "config",
        }
    }

    pub fn status(&self) -> StatusCode {
        status_for(self.code())
    }
}

/// The one table: code → HTTP status. Codes the session service adds later map to 500 until
/// they are listed here, which a test of every known code guards.
pub fn status_for(code: &str) -> StatusCode {
    match code {
        "unauthorized" => StatusCode::UNAUTHORIZED,
        "rate_limited" | "too_many_concurrent_requests" => StatusCode::TOO_MANY_REQUESTS,
        "malformed_json" | "bad_query" | "bad_session_id" | "empty_question" | "question_too_long" => {
            StatusCode::BAD_REQUEST
        }
        "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "payload_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
        "timeout" => StatusCode::REQUEST_TIMEOUT,
        "not_found" | "unknown_session" | "unknown_turn" => StatusCode::NOT_FOUND,
        "no_answer"
        | "no_migration"
        | "not_awaiting_confirmation"
        | "not_awaiting_approval"
        | "turn_in_progress"
        | "already_settled"
        | "plan_changed"
        | "preview_changed"
        | "transform_quality_check_failed"
        | "transform_stale_preview"
        | "transform_receipt_mismatch"
        | "transform_already_applied" => StatusCode::CONFLICT,
        "invalid_edit" | "invalid_sql" | "invalid_transform" | "transform_non_transactional_target" => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        "transforms_disabled" => StatusCode::FORBIDDEN,
        "shutting_down" | "overloaded" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(code = self.code(), error = %self, "request failed");
        }
        let retry_after = match &self {
            ServerError::RateLimited { retry_after_s, .. } => Some(*retry_after_s),
            _ => None,
        };
        let body = ErrorBody { error: ErrorDetail { code: self.code().to_owned(), message: self.to_string() } };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_session_code_has_a_client_status() {
        for code in ["unknown_session", "bad_session_id", "empty_question", "invalid_edit"] {
            assert!(status_for(code).is_client_error(), "{code}");
        }
        assert_eq!(status_for("not_awaiting_confirmation"), StatusCode::CONFLICT);
        for code in
            ["not_awaiting_approval", "preview_changed", "transform_quality_check_failed", "transform_already_applied"]
        {
            assert_eq!(status_for(code), StatusCode::CONFLICT, "{code}");
        }
        assert_eq!(status_for("invalid_transform"), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(status_for("transforms_disabled"), StatusCode::FORBIDDEN);
        assert_eq!(status_for("store"), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
