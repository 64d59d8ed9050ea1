//! A JSON body extractor whose refusals are the API's own errors (size, media type, syntax)
//! instead of axum's plain-text ones.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ServerError;
use crate::state::AppState;

#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ServerError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(refusal(rejection, state.config.max_body_bytes)),
        }
    }
}

fn refusal(rejection: JsonRejection, max_bytes: usize) -> ServerError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ServerError::PayloadTooLarge { max_bytes },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ServerError::UnsupportedMediaType,
        _ => ServerError::MalformedJson { detail: rejection.body_text() },
    }
}
