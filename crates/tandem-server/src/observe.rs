//! Request metrics and spans, and per-turn telemetry recorded when a turn settles.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use crate::metric_names as names;
use crate::service::{SessionService, TurnEventKind, TurnStatus};
use crate::state::Watched;

pub(crate) fn route_of(request: &Request) -> String {
    request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned())
}

/// Counts each request and times it to its response head.
pub(crate) async fn record_http(request: Request, next: Next) -> Response {
    let route = route_of(&request);
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(names::HTTP_REQUEST_SECONDS, names::LABEL_ROUTE => route.clone(), names::LABEL_METHOD => method.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(
        names::HTTP_REQUESTS_TOTAL,
        names::LABEL_ROUTE => route,
        names::LABEL_METHOD => method,
        names::LABEL_STATUS => status
    )
    .increment(1);
    response
}

/// The span each request runs in: method, route, and the key name once it is known.
pub(crate) fn request_span(request: &Request) -> tracing::Span {
    tracing::info_span!(
        "http",
        method = %request.method(),
        route = %route_of(request),
        key = tracing::field::Empty,
    )
}

/// Follows every session's events until `stop`: records what settled turns cost and forgets
/// sessions that no longer need draining at shutdown.
pub(crate) async fn follow_turns(service: Arc<dyn SessionService>, watched: Watched, stop: CancellationToken) {
    let mut events = service.subscribe();
    loop {
        let event = tokio::select! {
            () = stop.cancelled() => return,
            event = events.recv() => event,
        };
        let event = match event {
            Ok(event) => event,
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        let status = match event.kind {
            TurnEventKind::Status(status) => status,
            TurnEventKind::Progress(tandem_agent::Event::RepairStarted { tier, .. }) => {
                metrics::counter!(names::REPAIRS_TOTAL, names::LABEL_TIER => tier.as_str()).increment(1);
                continue;
            }
            TurnEventKind::Progress(_) => continue,
        };
        if status.is_busy() {
            continue;
        }
        watched.forget(&event.session);
        if let Ok(turn) = service.latest(&event.session).await
            && turn.turn == event.turn
        {
            record_turn(status, &turn.ledger);
            if let Some(error) = &turn.error {
                metrics::counter!(names::TURN_ERRORS_TOTAL, names::LABEL_CODE => error.code.clone()).increment(1);
            }
        }
    }
}

fn record_turn(status: TurnStatus, ledger: &tandem_agent::Ledger) {
    let outcome = status.as_str();
    metrics::counter!(names::TURNS_TOTAL, names::LABEL_OUTCOME => outcome).increment(1);
    metrics::histogram!(names::TURN_SECONDS, names::LABEL_OUTCOME => outcome).record(ledger.wall_ms / 1_000.0);
    if status == TurnStatus::AwaitingConfirmation {
        return;
    }
    if ledger.cache_hit {
        metrics::counter!(names::PLAN_CACHE_HITS_TOTAL).increment(1);
    }
    for (tier, calls) in
        [("small", ledger.small.n_calls), ("large", ledger.large.n_calls), ("rules", ledger.rules.n_calls)]
    {
        metrics::counter!(names::TIER_CALLS_TOTAL, names::LABEL_TIER => tier).increment(u64::from(calls));
    }
    metrics::counter!(names::SAVED_PROMPT_TOKENS_TOTAL).increment(ledger.saved_prompt_tokens());
}
