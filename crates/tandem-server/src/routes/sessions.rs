//! The session endpoints: ask, follow up, confirm (with edits), cancel, read, page rows, CSV;
//! and for transforms: apply, export as a migration, revise the plan, download the migration.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use tandem_agent::PlanEdit;
use utoipa::ToSchema;

use crate::auth::KeyName;
use crate::error::{ErrorBody, ServerError};
use crate::json::ApiJson;
use crate::service::Turn;
use crate::state::AppState;
use crate::view::{Page, PageQuery, TurnView, answer_csv};

/// A question in plain language.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    pub question: String,
}

/// Approve the plan after these edits (none to approve it as it is). Each edit is an object
/// tagged by `kind`: `add_table`, `remove_table`, `add_column`, `remove_column`, `add_filter`,
/// `change_filter`, `remove_filter`, `answer_question`, `set_limit`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub edits: Vec<PlanEdit>,
}

fn page(state: &AppState, query: Result<Query<PageQuery>, QueryRejection>) -> Result<Page, ServerError> {
    let Query(query) = query.map_err(|e| ServerError::BadQuery { detail: e.body_text() })?;
    Page::new(query, state.config.page_size, state.config.max_page_size)
}

fn first_page(state: &AppState) -> Page {
    Page { offset: 0, limit: state.config.page_size }
}

/// A turn that set work running: 202, and the session is drained at shutdown.
fn accepted(state: &AppState, turn: Turn) -> Response {
    if turn.status.is_busy() {
        state.watched.watch(&turn.session);
    }
    let view = TurnView::new(turn, first_page(state));
    (StatusCode::ACCEPTED, Json(view)).into_response()
}

fn refuse_when_stopping(state: &AppState) -> Result<(), ServerError> {
    if state.shutdown.is_cancelled() { Err(ServerError::ShuttingDown) } else { Ok(()) }
}

/// Start a session: the small model plans in the background; follow the events or poll.
#[utoipa::path(post, path = "/api/sessions", request_body = AskRequest, tag = "sessions",
    responses((status = 202, body = TurnView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn ask(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<AskRequest>,
) -> Result<Response, ServerError> {
    refuse_when_stopping(&state)?;
    let turn = state.service.start(&body.question).await?;
    Ok(accepted(&state, turn))
}

/// Ask a further question in a session whose latest turn is settled.
#[utoipa::path(post, path = "/api/sessions/{id}/questions", request_body = AskRequest, tag = "sessions",
    params(("id" = String, Path)),
    responses((status = 202, body = TurnView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn follow_up(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AskRequest>,
) -> Result<Response, ServerError> {
    refuse_when_stopping(&state)?;
    let turn = state.service.follow_up(&id, &body.question).await?;
    Ok(accepted(&state, turn))
}

/// Approve the plan awaiting confirmation, after applying edits all-or-nothing.
#[utoipa::path(post, path = "/api/sessions/{id}/confirm", request_body = ConfirmRequest, tag = "sessions",
    params(("id" = String, Path)),
    responses((status = 202, body = TurnView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConfirmRequest>,
) -> Result<Response, ServerError> {
    refuse_when_stopping(&state)?;
    let turn = state.service.confirm(&id, body.edits).await?;
    Ok(accepted(&state, turn))
}

/// Cancel the latest turn (awaiting confirmation, planning or running).
#[utoipa::path(post, path = "/api/sessions/{id}/cancel", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, body = TurnView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TurnView>, ServerError> {
    let turn = state.service.cancel(&id).await?;
    Ok(Json(TurnView::new(turn, first_page(&state))))
}

/// Apply the transform preview awaiting approval: it runs for real in one transaction and
/// enters the audit log under the request's API key name. If the catalog or the data moved
/// since the preview, nothing is written: the preview runs again and the answer is 409
/// `preview_changed` (read the turn for the fresh preview). A preview whose quality checks
/// failed is refused with 409 `transform_quality_check_failed`.
#[utoipa::path(post, path = "/api/sessions/{id}/apply", tag = "transforms", params(("id" = String, Path)),
    responses((status = 200, body = TurnView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn apply(
    State(state): State<AppState>,
    Extension(KeyName(actor)): Extension<KeyName>,
    Path(id): Path<String>,
) -> Result<Json<TurnView>, ServerError> {
    refuse_when_stopping(&state)?;
    let turn = state.service.apply(&id, &actor).await?;
    Ok(Json(TurnView::new(turn, first_page(&state))))
}

/// Export the transform preview awaiting approval as a SQL migration instead of applying it;
/// nothing is written. The turn ends `exported`, with the file's text in `preview.migration`.
#[utoipa::path(post, path = "/api/sessions/{id}/export", tag = "transforms", params(("id" = String, Path)),
    responses((status = 200, body = TurnView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    Extension(KeyName(actor)): Extension<KeyName>,
    Path(id): Path<String>,
) -> Result<Json<TurnView>, ServerError> {
    refuse_when_stopping(&state)?;
    let turn = state.service.export(&id, &actor).await?;
    Ok(Json(TurnView::new(turn, first_page(&state))))
}

/// Send the transform preview awaiting approval back to its plan, to edit and confirm again.
#[utoipa::path(post, path = "/api/sessions/{id}/revise", tag = "transforms", params(("id" = String, Path)),
    responses((status = 200, body = TurnView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn revise(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TurnView>, ServerError> {
    refuse_when_stopping(&state)?;
    let turn = state.service.revise(&id).await?;
    Ok(Json(TurnView::new(turn, first_page(&state))))
}

/// The migration file of an exported transform.
#[utoipa::path(get, path = "/api/sessions/{id}/migration.sql", tag = "transforms", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/sql", body = String), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(crate) async fn migration(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ServerError> {
    let turn = state.service.latest(&id).await?;
    let Some(migration) = turn.preview.and_then(|p| p.migration) else {
        return Err(ServerError::NoMigration { status: turn.status.as_str().to_owned() });
    };
    let disposition = format!("attachment; filename=\"{}\"", sanitize_file_name(&migration.file_name));
    Ok((
        [
            (header::CONTENT_TYPE, "application/sql; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        migration.sql,
    )
        .into_response())
}

/// The latest turn, with one page of rows.
#[utoipa::path(get, path = "/api/sessions/{id}", tag = "sessions", params(("id" = String, Path), PageQuery),
    responses((status = 200, body = TurnView), (status = 404, body = ErrorBody)))]
pub(crate) async fn latest(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<TurnView>, ServerError> {
    let page = page(&state, query)?;
    let turn = state.service.latest(&id).await?;
    Ok(Json(TurnView::new(turn, page)))
}

/// Waits (up to the request timeout) until the latest turn is not busy (awaiting
/// confirmation, answered, failed or cancelled), then returns it.
#[utoipa::path(get, path = "/api/sessions/{id}/settled", tag = "sessions", params(("id" = String, Path), PageQuery),
    responses((status = 200, body = TurnView), (status = 404, body = ErrorBody), (status = 408, body = ErrorBody)))]
pub(crate) async fn settled(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<TurnView>, ServerError> {
    let page = page(&state, query)?;
    let turn = state.service.wait_settled(&id).await?;
    Ok(Json(TurnView::new(turn, page)))
}

/// Every turn of the session, oldest first, each with its first page of rows.
#[utoipa::path(get, path = "/api/sessions/{id}/turns", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, body = Vec<TurnView>), (status = 404, body = ErrorBody)))]
pub(crate) async fn turns(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<TurnView>>, ServerError> {
    let turns = state.service.turns(&id).await?;
    Ok(Json(turns.into_iter().map(|t| TurnView::new(t, first_page(&state))).collect()))
}

/// The latest answer as CSV, every row.
#[utoipa::path(get, path = "/api/sessions/{id}/rows.csv", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(crate) async fn csv(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ServerError> {
    let turn = state.service.latest(&id).await?;
    let body = answer_csv(&turn)?;
    let disposition = format!("attachment; filename=\"tandem-{}-{}.csv\"", sanitize(&turn.session), turn.turn);
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        body,
    )
        .into_response())
}

fn sanitize(id: &str) -> String {
    id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

fn sanitize_file_name(name: &str) -> String {
    let kept: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
    if kept.trim_matches('.').is_empty() { "migration.sql".to_owned() } else { kept }
}
