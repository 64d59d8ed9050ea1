//! What every handler shares.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use metrics_exporter_prometheus::PrometheusHandle;
use tokio_util::sync::CancellationToken;

use crate::auth::ApiKeys;
use crate::config::ServerConfig;
use crate::service::SessionService;

#[derive(Clone)]
pub(crate) struct AppState {
    pub service: Arc<dyn SessionService>,
    pub config: Arc<ServerConfig>,
    pub keys: Arc<ApiKeys>,
    pub prometheus: Option<PrometheusHandle>,
    /// Cancelled when shutdown starts: event streams end, readiness turns false.
    pub shutdown: CancellationToken,
    pub watched: Watched,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("config", &self.config).finish_non_exhaustive()
    }
}

/// Sessions this server set running and has not yet seen settle, for draining at shutdown.
#[derive(Debug, Clone, Default)]
pub(crate) struct Watched(Arc<Mutex<HashSet<String>>>);

impl Watched {
    pub fn watch(&self, session: &str) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).insert(session.to_owned());
    }

    pub fn forget(&self, session: &str) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).remove(session);
    }

    pub fn snapshot(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }
}
