//! The server's life: build the router, serve until told to stop, then drain.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::auth::ApiKeys;
use crate::config::ServerConfig;
use crate::error::ServerError;
use crate::observe::follow_turns;
use crate::routes;
use crate::service::SessionService;
use crate::state::{AppState, Watched};

/// An HTTP server over a session service.
#[derive(Debug)]
pub struct Server {
    state: AppState,
}

impl Server {
    /// Checks the configuration (key digests) and builds the shared state.
    pub fn new(service: Arc<dyn SessionService>, config: ServerConfig) -> Result<Self, ServerError> {
        let keys = ApiKeys::new(&config.api_keys)?;
        Ok(Self {
            state: AppState {
                service,
                config: Arc::new(config),
                keys: Arc::new(keys),
                prometheus: None,
                shutdown: CancellationToken::new(),
                watched: Watched::default(),
            },
        })
    }

    /// Serves `/metrics` from this exporter handle (the composition root installs it).
    pub fn with_prometheus(mut self, handle: PrometheusHandle) -> Self {
        self.state.prometheus = Some(handle);
        self
    }

    pub fn config(&self) -> &ServerConfig {
        &self.state.config
    }

    /// The whole application as an axum router (for tests that call it in process).
    pub fn router(&self) -> Router {
        let config = &self.state.config;
        let mcp = config.mcp.then(|| {
            let service = Arc::clone(&self.state.service);
            crate::mcp::http_router(
                service,
                self.state.shutdown.clone(),
                config.request_timeout(),
                &config.mcp_allowed_hosts,
            )
        });
        routes::router(self.state.clone(), mcp)
    }

    /// Binds the configured address.
    pub async fn bind(&self) -> Result<TcpListener, ServerError> {
        Ok(TcpListener::bind(&self.state.config.bind).await?)
    }

    /// Serves on `listener` until `shutdown` resolves; then stops accepting, ends event
    /// streams, lets running requests finish, and waits up to the configured grace for turns
    /// still planning or running (the session store keeps any that outlast it).
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let token = self.state.shutdown.clone();
        let stop = token.clone();
        let app = self.router();
        let served = axum::serve(listener, app).with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: no new requests, event streams end");
            stop.cancel();
        });
        let following = follow_turns(Arc::clone(&self.state.service), self.state.watched.clone(), token.clone());
        let (served, ()) = tokio::join!(served.into_future(), following);
        served?;
        self.drain().await;
        Ok(())
    }

    async fn drain(&self) {
        let pending = self.state.watched.snapshot();
        if pending.is_empty() {
            return;
        }
        tracing::info!(n_sessions = pending.len(), "waiting for running turns");
        let service = &self.state.service;
        let waits = futures::future::join_all(pending.iter().map(|id| service.wait_settled(id)));
        if tokio::time::timeout(self.state.config.shutdown_grace(), waits).await.is_err() {
            tracing::warn!("turns still running after the shutdown grace; the session store keeps them");
        }
    }
}
