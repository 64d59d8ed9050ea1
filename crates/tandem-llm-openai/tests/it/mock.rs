//! A local chat-completions server that replays recorded replies in order and records what
//! the client sent, so tests can assert on both sides of the wire.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use tandem_llm_openai::OpenAiConfig;

/// The model name the tests configure and the fixtures mostly carry.
pub const MODEL: &str = "Qwen/Qwen2.5-Coder-32B-Instruct";

/// A recorded fixture from `tests/it/fixtures/`.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// One scripted reply.
#[derive(Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: ReplyBody,
    /// Wait before sending anything, headers included.
    delay: Duration,
}

#[derive(Debug)]
enum ReplyBody {
    Whole(String),
    Events { events: Vec<String>, first_delay: Duration, gap: Duration, dropped: Option<Arc<AtomicBool>> },
}

impl Reply {
    /// HTTP 200 with a JSON fixture.
    pub fn json(fixture_name: &str) -> Self {
        Self::status(200, fixture_name)
    }

    /// Any status with a JSON fixture as its body.
    pub fn status(status: u16, fixture_name: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: ReplyBody::Whole(fixture(fixture_name)),
            delay: Duration::ZERO,
        }
    }

    /// HTTP 200 with an SSE transcript, sent one event per write.
    pub fn sse(fixture_name: &str) -> Self {
        let transcript = fixture(fixture_name);
        let events = transcript.split_inclusive("\n\n").map(str::to_owned).collect();
        Self {
            status: 200,
            headers: vec![("content-type", "text/event-stream".into())],
            body: ReplyBody::Events { events, first_delay: Duration::ZERO, gap: Duration::ZERO, dropped: None },
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Holds back the whole response, headers included (a server stuck in prefill).
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Sends the headers at once but the first event only after `delay`.
    pub fn first_event_after(mut self, delay: Duration) -> Self {
        if let ReplyBody::Events { first_delay, .. } = &mut self.body {
            *first_delay = delay;
        }
        self
    }

    /// Waits `gap` between events; `dropped` is set once the server lets go of the stream,
    /// which happens when the client goes away.
    pub fn slow_events(mut self, every: Duration, on_drop: Arc<AtomicBool>) -> Self {
        if let ReplyBody::Events { gap, dropped, .. } = &mut self.body {
            *gap = every;
            *dropped = Some(on_drop);
        }
        self
    }
}

/// What the client sent in one request.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub body: serde_json::Value,
    pub authorization: Option<String>,
}

#[derive(Debug, Default)]
struct Script {
    replies: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<Recorded>>,
}

#[derive(Debug)]
pub struct MockServer {
    pub base_url: String,
    script: Arc<Script>,
}

impl MockServer {
    /// Serves `replies` in order on a fresh loopback port, on the test's own runtime.
    #[expect(clippy::disallowed_methods, reason = "the mock server runs beside the test on its runtime")]
    pub async fn start(replies: impl IntoIterator<Item = Reply>) -> Self {
        let script = Arc::new(Script { replies: Mutex::new(replies.into_iter().collect()), ..Script::default() });
        let router = axum::Router::new().route("/v1/chat/completions", post(handle)).with_state(Arc::clone(&script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { base_url: format!("http://{address}/v1"), script }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.script.requests.lock().unwrap().clone()
    }

    /// A config for this server with timeouts and backoffs small enough for tests.
    pub fn config(&self) -> OpenAiConfig {
        OpenAiConfig {
            request_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(1),
            max_retries: 2,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_secs(1),
            stream: false,
            ..OpenAiConfig::new(&self.base_url, MODEL)
        }
    }
}

async fn handle(State(script): State<Arc<Script>>, headers: HeaderMap, body: Bytes) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.to_str().unwrap().to_owned());
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    script.requests.lock().unwrap().push(Recorded { body, authorization });
    let next = script.replies.lock().unwrap().pop_front();
    let Some(reply) = next else {
        return Response::builder().status(StatusCode::IM_A_TEAPOT).body(Body::from("script exhausted")).unwrap();
    };
    tokio::time::sleep(reply.delay).await;
    let mut response = Response::builder().status(reply.status);
    for (name, value) in reply.headers {
        response = response.header(name, value);
    }
    let body = match reply.body {
        ReplyBody::Whole(text) => Body::from(text),
        ReplyBody::Events { events, first_delay, gap, dropped } => {
            let state = (events.into_iter(), Some(first_delay), gap, DropFlag(dropped));
            Body::from_stream(futures::stream::unfold(state, |(mut events, first, gap, flag)| async move {
                tokio::time::sleep(first.unwrap_or(gap)).await;
                let event = events.next()?;
                Some((Ok::<_, Infallible>(event), (events, None, gap, flag)))
            }))
        }
    };
    response.body(body).unwrap()
}

/// Sets its flag when dropped, i.e. when the server stops sending a stream.
#[derive(Debug)]
struct DropFlag(Option<Arc<AtomicBool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        if let Some(flag) = &self.0 {
            flag.store(true, Ordering::SeqCst);
        }
    }
}
