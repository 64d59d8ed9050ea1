//! Sessions: a question's life as a persisted state machine, so a UI can leave and come back,
//! a person can take their time at the confirm gate, and a restart mid-question loses nothing.
//!
//! A session is a list of turns; each turn is one question and its [`TurnRecord`], written to
//! a [`SessionStore`] at every status change with a revision number (compare-and-swap, so two
//! writers never silently overwrite each other). Later turns are follow-ups: their plan starts
//! from the earlier turn's plan. [`Sessions`] drives the [`crate::Pipeline`] in background
//! tasks and tells subscribers what happened through [`SessionEvent`]s.
//!
//! ```text
//! planning ──▶ awaiting_confirmation ──confirm──▶ running ──▶ answered
//!    │                 ▲    │                        │   └──▶ failed
//!    │ (policy         │    └──cancel──▶ cancelled   │
//!    │  confirms)      └──── more schema needed ─────┘
//!    └───────────────────────────────────────────▶ running
//! ```
//!
//! Cancel works in every unsettled status; it drops the background task, which cancels the
//! model call or statement in flight.

#[cfg(any(test, feature = "testing"))]
pub mod contract;
mod record;
mod service;
mod store;

pub use record::{
    AnswerColumn, AnswerRecord, AppliedRecord, CheckRecord, MigrationRecord, PreviewRecord, SessionId, TurnError,
    TurnRecord, TurnStatus,
};
pub use service::{SessionError, SessionEvent, Sessions};
pub use store::{MemoryStore, SessionStore, StoreError};
