//! Progress events for UIs, sent over a tokio channel so a terminal spinner or an HTTP event
//! stream can follow a question without polling.

use serde::Serialize;
use tandem_core::RepairTier;
use tokio::sync::mpsc::UnboundedSender;

use crate::plan::Plan;
use crate::stage::Stage;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    StageStarted { stage: Stage },
    StageFinished { stage: Stage, elapsed_ms: f64 },
    PlanReady { plan: Box<Plan>, needs_confirmation: bool },
    SqlReady { sql: String, from_cache: bool },
    RepairStarted { tier: RepairTier, attempt: u32, reason: String },
    RowsReady { n_rows: usize, truncated: bool },
}

/// Where events go; a dropped receiver silences it rather than failing the question.
#[derive(Debug, Clone, Default)]
pub struct EventSink(Option<UnboundedSender<Event>>);

impl EventSink {
    pub fn new(sender: UnboundedSender<Event>) -> Self {
        Self(Some(sender))
    }

    pub fn none() -> Self {
        Self(None)
    }

    pub(crate) fn send(&self, event: Event) {
        if let Some(sender) = &self.0 {
            // A UI that went away must not end the question.
            let _ = sender.send(event);
        }
    }
}
