//! Progress events for UIs, sent over a tokio channel so a terminal spinner or an HTTP event
//! stream can follow a question without polling.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use tandem_core::RepairTier;
use tokio::sync::mpsc::UnboundedSender;

use crate::plan::Plan;
use crate::stage::Stage;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    StageStarted {
        stage: Stage,
    },
    StageFinished {
        stage: Stage,
        elapsed_ms: f64,
    },
    PlanReady {
        plan: Box<Plan>,
        needs_confirmation: bool,
    },
    SqlReady {
        sql: String,
        from_cache: bool,
    },
    RepairStarted {
        tier: RepairTier,
        attempt: u32,
        reason: String,
    },
    RowsReady {
        n_rows: usize,
        truncated: bool,
    },
    /// A transform ran in the sandbox and its preview is ready.
    PreviewReady {
        rows_affected: u64,
        target_rows: u64,
        n_checks: usize,
        n_checks_failed: usize,
    },
    /// A previewed transform was applied.
    Applied {
        rows_affected: u64,
    },
    /// A session's turn changed status (sent by [`crate::session::Sessions`] only).
    TurnStatus {
        status: crate::session::TurnStatus,
    },
}

/// Where events go; a dropped receiver silences it rather than failing the question.
#[derive(Clone, Default)]
pub struct EventSink(Target);

#[derive(Clone, Default)]
enum Target {
    #[default]
    Nowhere,
    Channel(UnboundedSender<Event>),
    Callback(Arc<dyn Fn(Event) + Send + Sync>),
}

impl EventSink {
    pub fn new(sender: UnboundedSender<Event>) -> Self {
        Self(Target::Channel(sender))
    }

    /// Calls `deliver` with every event, on the pipeline's task; it must not block.
    pub fn from_fn(deliver: impl Fn(Event) + Send + Sync + 'static) -> Self {
        Self(Target::Callback(Arc::new(deliver)))
    }

    pub fn none() -> Self {
        Self(Target::Nowhere)
    }

    pub(crate) fn send(&self, event: Event) {
        match &self.0 {
            Target::Nowhere => {}
            // A UI that went away must not end the question.
            Target::Channel(sender) => drop(sender.send(event)),
            Target::Callback(deliver) => deliver(event),
        }
    }
}

impl fmt::Debug for EventSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Target::Nowhere => "EventSink(none)",
            Target::Channel(_) => "EventSink(channel)",
            Target::Callback(_) => "EventSink(callback)",
        })
    }
}
