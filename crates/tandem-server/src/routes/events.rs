//! The event stream (SSE) of one session: a `turn` event with the whole turn first and after
//! every status change, and `progress` events (stage started or finished, SQL ready, repair,
//! rows) in between. It ends when the server shuts down.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast::{self, error::RecvError};

use crate::error::{ErrorBody, ServerError};
use crate::metric_names as names;
use crate::service::{SessionService, TurnEvent, TurnEventKind};
use crate::state::AppState;
use crate::view::{Page, TurnView};

struct Follow {
    service: Arc<dyn SessionService>,
    session: String,
    events: broadcast::Receiver<TurnEvent>,
    page: Page,
    /// The first `turn` event is still to be sent.
    snapshot_due: bool,
    _open: OpenStream,
}

/// Counts open streams in the gauge for as long as it lives.
struct OpenStream;

impl OpenStream {
    fn new() -> Self {
        metrics::gauge!(names::EVENT_STREAMS).increment(1.0);
        Self
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        metrics::gauge!(names::EVENT_STREAMS).decrement(1.0);
    }
}

/// Follow a session's progress as server-sent events.
#[utoipa::path(get, path = "/api/sessions/{id}/events", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/event-stream", body = String,
        description = "`turn` events carry a TurnView, `progress` events a pipeline event"),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn events(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ServerError> {
    // Subscribe before the first read so nothing between the two is missed.
    let events = state.service.subscribe();
    let first = state.service.latest(&id).await?;
    let follow = Follow {
        service: Arc::clone(&state.service),
        session: first.session,
        events,
        page: Page { offset: 0, limit: state.config.page_size },
        snapshot_due: true,
        _open: OpenStream::new(),
    };
    let stream = futures::stream::unfold(follow, next_event).take_until(state.shutdown.clone().cancelled_owned());
    let keep_alive = KeepAlive::new().interval(Duration::from_secs(state.config.sse_keep_alive_s.max(1)));
    Ok(Sse::new(stream.map(Ok)).keep_alive(keep_alive))
}

async fn next_event(mut follow: Follow) -> Option<(SseEvent, Follow)> {
    if std::mem::take(&mut follow.snapshot_due) {
        let event = turn_event(&follow).await?;
        return Some((event, follow));
    }
    loop {
        match follow.events.recv().await {
            Ok(event) if event.session != follow.session => continue,
            Ok(TurnEvent { kind: TurnEventKind::Progress(progress), .. }) => {
                let Ok(event) = SseEvent::default().event("progress").json_data(&progress) else { continue };
                return Some((event, follow));
            }
            // A status change, or missed events: send the whole turn again.
            Ok(TurnEvent { kind: TurnEventKind::Status(_), .. }) | Err(RecvError::Lagged(_)) => {
                let event = turn_event(&follow).await?;
                return Some((event, follow));
            }
            Err(RecvError::Closed) => return None,
        }
    }
}

async fn turn_event(follow: &Follow) -> Option<SseEvent> {
    let turn = follow.service.latest(&follow.session).await.ok()?;
    SseEvent::default().event("turn").json_data(TurnView::new(turn, follow.page)).ok()
}
