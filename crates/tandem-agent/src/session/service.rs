//! [`Sessions`]: drives the pipeline for many sessions at once, in background tasks, and
//! writes every status change to the store before telling subscribers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tandem_llm::task::{self, Task};
use tokio::sync::broadcast;

use super::record::{
    AnswerRecord, AppliedRecord, MigrationRecord, PreviewRecord, SessionId, TurnError, TurnRecord, TurnStatus, now_ms,
};
use super::store::{SessionStore, StoreError};
use crate::edit::PlanEdit;
use crate::error::AgentError;
use crate::events::{Event, EventSink};
use crate::pipeline::{ConfirmedQuestion, Decision, Outcome, Pipeline, PlannedQuestion, Restored};
use crate::stage::Stage;
use crate::transform::TransformPreview;

/// Something that happened to a session's turn: a pipeline event, or a status change
/// ([`Event::TurnStatus`]) once it is stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionEvent {
    pub session: SessionId,
    pub turn: u32,
    pub event: Event,
}

/// Why a session operation was refused; the session is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("there is no session {0}")]
    UnknownSession(SessionId),
    #[error("the question is empty")]
    EmptyQuestion,
    #[error("the turn is {status}, not awaiting confirmation", status = .0.as_str())]
    NotAwaitingConfirmation(TurnStatus),
    #[error("the turn is {status}, not a transform preview awaiting approval", status = .0.as_str())]
    NotAwaitingApproval(TurnStatus),
    /// The catalog or the data moved since the preview was shown: it ran again and needs a
    /// fresh look before anything is written.
    #[error("the preview is out of date; it was run again: review the new preview and approve again")]
    PreviewChanged,
    #[error("the session's current turn is still {status}; wait for it or cancel it", status = .0.as_str())]
    TurnInProgress(TurnStatus),
    #[error("the turn is already {status}", status = .0.as_str())]
    AlreadySettled(TurnStatus),
    /// The plan was edited in a way that breaks it; the plan is unchanged.
    #[error(transparent)]
    InvalidEdit(AgentError),
    /// The catalog changed under a stored plan: it was checked again and needs a fresh look.
    #[error("the catalog changed since the plan was shown; review the updated plan and confirm again")]
    PlanChanged,
    #[error(transparent)]
    Agent(AgentError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SessionError {
    /// A stable machine code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::UnknownSession(_) => "unknown_session",
            SessionError::EmptyQuestion => "empty_question",
            SessionError::NotAwaitingConfirmation(_) => "not_awaiting_confirmation",
            SessionError::NotAwaitingApproval(_) => "not_awaiting_approval",
            SessionError::PreviewChanged => "preview_changed",
            SessionError::TurnInProgress(_) => "turn_in_progress",
            SessionError::AlreadySettled(_) => "already_settled",
            SessionError::InvalidEdit(_) => "invalid_edit",
            SessionError::PlanChanged => "plan_changed",
            SessionError::Agent(error) => error.code(),
            SessionError::Store(_) => "store_failed",
        }
    }
}

/// The session service. Cheap to clone; clones share everything.
#[derive(Debug, Clone)]
pub struct Sessions {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pipeline: Pipeline,
    store: Arc<dyn SessionStore>,
    events: broadcast::Sender<SessionEvent>,
    live: Mutex<HashMap<SessionId, Live>>,
}

/// The part of a session only this process has.
#[derive(Debug, Default)]
struct Live {
    /// Serialises a person's operations (confirm, cancel, follow-up) on the session.
    lock: Arc<tokio::sync::Mutex<()>>,
    /// The question waiting at the confirm gate, with its slice and ledger.
    planned: Option<PlannedQuestion>,
    /// The transform preview waiting for approval.
    preview: Option<TransformPreview>,
    /// Planning or running in the background; dropping it cancels the work.
    task: Option<Task<()>>,
}

/// What the background work of a turn starts from.
enum Work {
    Plan { earlier: Option<Box<(String, crate::plan::Plan)>> },
    Run(Box<ConfirmedQuestion>),
}

impl Sessions {
    pub fn new(pipeline: Pipeline, store: Arc<dyn SessionStore>) -> Self {
        let (events, _) = broadcast::channel(1024);
        Self { inner: Arc::new(Inner { pipeline, store, events, live: Mutex::new(HashMap::new()) }) }
    }

    pub fn pipeline(&self) -> &Pipeline {
        &self.inner.pipeline
    }

    /// Every session's events; filter by [`SessionEvent::session`]. A slow receiver may miss
    /// events (it is told it lagged); the store always has the latest state.
    pub fn subscribe(&self) -> broadcast::Receiver<SessionEvent> {
        self.inner.events.subscribe()
    }

    /// Opens a session with its first question; the plan is written in the background.
    pub async fn start(&self, question: &str) -> Result<TurnRecord, SessionError> {
        if question.trim().is_empty() {
            return Err(SessionError::EmptyQuestion);
        }
        let record = TurnRecord::new(SessionId::random(), 0, question, self.catalog_version());
        self.inner.store.insert(&record).await?;
        self.inner.spawn(record.session.clone(), record.turn, question.trim().to_owned(), Work::Plan { earlier: None });
        Ok(record)
    }

    /// Asks a follow-up question: a new turn whose plan starts from the latest plan.
    pub async fn follow_up(&self, id: &SessionId, question: &str) -> Result<TurnRecord, SessionError> {
        if question.trim().is_empty() {
            return Err(SessionError::EmptyQuestion);
        }
        let lock = self.inner.session_lock(id);
        let _held = lock.lock().await;
        let latest = self.latest(id).await?;
        if !latest.status.is_settled() {
            return Err(SessionError::TurnInProgress(latest.status));
        }
        let earlier = self.inner.earlier_plan(id, latest.turn + 1).await?;
        let record = TurnRecord::new(id.clone(), latest.turn + 1, question, self.catalog_version());
        self.inner.store.insert(&record).await?;
        self.inner.spawn(
            id.clone(),
            record.turn,
            question.trim().to_owned(),
            Work::Plan { earlier: earlier.map(Box::new) },
        );
        Ok(record)
    }

    /// Approves the waiting plan after applying `edits` (all or nothing); the question then
    /// runs in the background. Bad edits leave the plan waiting, unchanged.
    pub async fn confirm(&self, id: &SessionId, edits: Vec<PlanEdit>) -> Result<TurnRecord, SessionError> {
        let lock = self.inner.session_lock(id);
        let _held = lock.lock().await;
        let latest = self.latest(id).await?;
        if latest.status != TurnStatus::AwaitingConfirmation {
            return Err(SessionError::NotAwaitingConfirmation(latest.status));
        }
        let planned = match self.inner.live(|live| live.get_mut(id).and_then(|l| l.planned.take())) {
            Some(planned) => planned,
            None => self.inner.restore_waiting(&latest).await?,
        };
        let confirmed = match self.inner.pipeline.confirm(planned.clone(), Decision::Approve(edits)) {
            Ok(confirmed) => confirmed,
            Err(error) => {
                self.inner.live(|live| live.entry(id.clone()).or_default().planned = Some(planned));
                return Err(match error {
                    AgentError::InvalidEdit { .. } => SessionError::InvalidEdit(error),
                    other => SessionError::Agent(other),
                });
            }
        };
        let plan = confirmed.plan().clone();
        let record = self
            .inner
            .transition(id, latest.turn, |record| {
                record.status = TurnStatus::Running;
                record.plan = Some(plan.clone());
                record.trace.push(Stage::Confirmed);
                Ok(())
            })
            .await?;
        self.inner.spawn(id.clone(), latest.turn, record.question.clone(), Work::Run(Box::new(confirmed)));
        Ok(record)
    }

    /// Cancels the current turn wherever it is: planning, waiting, or running (the model call
    /// or statement in flight is dropped, which stops it).
    pub async fn cancel(&self, id: &SessionId) -> Result<TurnRecord, SessionError> {
        let lock = self.inner.session_lock(id);
        let _held = lock.lock().await;
        let latest = self.latest(id).await?;
        if latest.status.is_settled() {
            return Err(SessionError::AlreadySettled(latest.status));
        }
        let task = self.inner.live(|live| {
            let live = live.entry(id.clone()).or_default();
            live.planned = None;
            live.preview = None;
            live.task.take()
        });
        drop(task);
        self.inner
            .transition(id, latest.turn, |record| {
                if record.status.is_settled() {
                    return Err(SessionError::AlreadySettled(record.status));
                }
                record.status = TurnStatus::Cancelled;
                record.trace.push(Stage::Cancelled);
                Ok(())
            })
            .await
    }

    /// Applies the transform preview the latest turn waits with: the person's approval, recorded
    /// as `actor` in the audit log. If the catalog moved since the preview (or this process
    /// restarted and the sandbox now shows something else), nothing is written: the preview
    /// runs again, is stored, and [`SessionError::PreviewChanged`] asks for a fresh look.
    pub async fn apply(&self, id: &SessionId, actor: &str) -> Result<TurnRecord, SessionError> {
        let lock = self.inner.session_lock(id);
        let _held = lock.lock().await;
        let (latest, preview) = self.waiting_preview(id).await?;
        match self.inner.pipeline.apply(&preview, actor).await {
            Ok(applied) => {
                let record = AppliedRecord {
                    idempotency_key: applied.record.idempotency_key.clone(),
                    applied_at: applied.record.applied_at.clone(),
                    actor: applied.record.actor.clone(),
                    rows_affected: applied.record.rows_affected,
                };
                self.inner
                    .transition(id, latest.turn, |r| {
                        r.status = TurnStatus::Applied;
                        r.ledger = applied.ledger.clone();
                        r.trace = applied.trace.clone();
                        if let Some(stored) = r.preview.as_mut() {
                            stored.applied = Some(record.clone());
                        }
                        Ok(())
                    })
                    .await
            }
            Err(error) => Err(self.inner.refused(id, latest.turn, preview, error).await),
        }
    }

    /// Exports the waiting transform preview as a migration file instead of applying it; the
    /// turn ends as exported and keeps the file's text.
    pub async fn export(&self, id: &SessionId, actor: &str) -> Result<TurnRecord, SessionError> {
        let lock = self.inner.session_lock(id);
        let _held = lock.lock().await;
        let (latest, preview) = self.waiting_preview(id).await?;
        match self.inner.pipeline.export(&preview, actor) {
            Ok(migration) => {
                let stored = MigrationRecord { file_name: migration.file_name, sql: migration.sql };
                self.inner
                    .transition(id, latest.turn, |r| {
                        r.status = TurnStatus::Exported;
                        if let Some(preview) = r.preview.as_mut() {
                            preview.migration = Some(stored.clone());
                        }
                        Ok(())
                    })
                    .await
            }
            Err(error) => Err(self.inner.refused(id, latest.turn, preview, error).await),
        }
    }

    /// Sends a waiting transform preview back to its plan, for the person to edit and confirm
    /// again (the preview is dropped; nothing was written).
    pub async fn revise(&self, id: &SessionId) -> Result<TurnRecord, SessionError> {
        let lock = self.inner.session_lock(id);
        let _held = lock.lock().await;
        let latest = self.latest(id).await?;
        let Some(plan) = latest.plan.clone().filter(|_| latest.status == TurnStatus::AwaitingApproval) else {
            return Err(SessionError::NotAwaitingApproval(latest.status));
        };
        self.inner.live(|live| live.entry(id.clone()).or_default().preview = None);
        let restored = self.inner.pipeline.restore(
            &latest.question,
            plan,
            latest.ledger.clone(),
            latest.trace.clone(),
            false,
            &latest.catalog_version,
        );
        match restored {
            Ok(Restored::AwaitingConfirmation(planned)) => self.inner.await_person(id, latest.turn, planned).await?,
            Ok(Restored::Confirmed(_)) => return Err(SessionError::NotAwaitingApproval(latest.status)),
            Err(error) => {
                self.inner.fail(id, latest.turn, &error).await?;
                return Err(SessionError::Agent(error));
            }
        }
        self.latest(id).await
    }

    /// The latest turn and its waiting preview: kept in memory, or (after a restart) run again
    /// from the stored plan and SQL. A re-run that shows other figures than the stored preview
    /// is stored and refused with [`SessionError::PreviewChanged`].
    async fn waiting_preview(&self, id: &SessionId) -> Result<(TurnRecord, TransformPreview), SessionError> {
        let latest = self.latest(id).await?;
        if latest.status != TurnStatus::AwaitingApproval {
            return Err(SessionError::NotAwaitingApproval(latest.status));
        }
        if let Some(preview) = self.inner.live(|live| live.get_mut(id).and_then(|l| l.preview.take())) {
            return Ok((latest, preview));
        }
        let (Some(plan), Some(stored)) = (latest.plan.clone(), latest.preview.clone()) else {
            return Err(SessionError::NotAwaitingApproval(latest.status));
        };
        let script = stored.sql.iter().map(|s| format!("{s};")).collect::<Vec<_>>().join("\n");
        let preview = self
            .inner
            .pipeline
            .preview_sql(&latest.question, plan, &script, latest.ledger.clone())
            .await
            .map_err(SessionError::Agent)?;
        let fresh = PreviewRecord::from_preview(&preview);
        let same = fresh.rows_affected == stored.rows_affected
            && fresh.target_rows == stored.target_rows
            && fresh.checks == stored.checks;
        if !same {
            self.inner.store_preview(id, latest.turn, &preview).await?;
            return Err(SessionError::PreviewChanged);
        }
        Ok((latest, preview))
    }

    /// The session's latest turn.
    pub async fn latest(&self, id: &SessionId) -> Result<TurnRecord, SessionError> {
        self.turns(id).await?.pop().ok_or_else(|| SessionError::UnknownSession(id.clone()))
    }

    /// All of the session's turns, first to last.
    pub async fn turns(&self, id: &SessionId) -> Result<Vec<TurnRecord>, SessionError> {
        let turns = self.inner.store.turns(id).await?;
        if turns.is_empty() {
            return Err(SessionError::UnknownSession(id.clone()));
        }
        Ok(turns)
    }

    /// Waits until the latest turn needs nobody's work but a person's: waiting for
    /// confirmation, or settled.
    pub async fn wait_settled(&self, id: &SessionId) -> Result<TurnRecord, SessionError> {
        let mut events = self.subscribe();
        loop {
            let latest = self.latest(id).await?;
            if !latest.status.is_busy() {
                return Ok(latest);
            }
            loop {
                match events.recv().await {
                    Ok(event) if event.session == *id && matches!(event.event, Event::TurnStatus { .. }) => break,
                    Ok(_) => {}
                    // Missed some: the store knows.
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => return self.latest(id).await,
                }
            }
        }
    }

    /// Picks up turns a stopped process left planning or running, once their last write is
    /// older than `stale_after` (so replicas sharing a store do not take each other's live
    /// work). Planning starts again from the question; a running turn runs again from its
    /// confirmed plan (queries are read-only), unless the catalog changed, which sends the
    /// plan back to a person. Returns how many turns were picked up.
    pub async fn resume_unfinished(&self, stale_after: Duration) -> Result<usize, SessionError> {
        let cutoff = now_ms().saturating_sub(u64::try_from(stale_after.as_millis()).unwrap_or(u64::MAX));
        let mut resumed = 0;
        for record in self.inner.store.unfinished().await? {
            let is_live = self.inner.live(|live| live.get(&record.session).is_some_and(|l| l.task.is_some()));
            if is_live || record.updated_at_ms > cutoff {
                continue;
            }
            let lock = self.inner.session_lock(&record.session);
            let _held = lock.lock().await;
            let id = record.session.clone();
            match record.status {
                TurnStatus::Planning => {
                    let earlier = self.inner.earlier_plan(&id, record.turn).await?;
                    self.inner.spawn(
                        id,
                        record.turn,
                        record.question.clone(),
                        Work::Plan { earlier: earlier.map(Box::new) },
                    );
                }
                _ => self.inner.resume_running(&record).await?,
            }
            resumed += 1;
        }
        Ok(resumed)
    }

    /// Stops all background work; turns stay stored as they were, for
    /// [`Sessions::resume_unfinished`] in the next process.
    pub fn shutdown(&self) {
        let tasks: Vec<Task<()>> = self.inner.live(|live| live.values_mut().filter_map(|l| l.task.take()).collect());
        drop(tasks);
    }

    fn catalog_version(&self) -> String {
        self.inner.pipeline.catalog().version().to_string()
    }
}

impl Inner {
    fn live<T>(&self, f: impl FnOnce(&mut HashMap<SessionId, Live>) -> T) -> T {
        let mut guard: MutexGuard<'_, _> = self.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    fn session_lock(&self, id: &SessionId) -> Arc<tokio::sync::Mutex<()>> {
        self.live(|live| Arc::clone(&live.entry(id.clone()).or_default().lock))
    }

    fn announce(&self, id: &SessionId, turn: u32, event: Event) {
        // Nobody listening is fine.
        let _ = self.events.send(SessionEvent { session: id.clone(), turn, event });
    }

    /// Reads the turn, lets `change` edit it, and writes it back with the next revision;
    /// retried on a conflicting write. The stored status is announced afterwards.
    async fn transition(
        &self,
        id: &SessionId,
        turn: u32,
        mut change: impl FnMut(&mut TurnRecord) -> Result<(), SessionError>,
    ) -> Result<TurnRecord, SessionError> {
        for _ in 0..8 {
            let turns = self.store.turns(id).await?;
            let Some(mut record) = turns.into_iter().find(|r| r.turn == turn) else {
                return Err(SessionError::UnknownSession(id.clone()));
            };
            change(&mut record)?;
            record.revision += 1;
            record.updated_at_ms = now_ms();
            match self.store.update(&record).await {
                Ok(()) => {
                    self.announce(id, turn, Event::TurnStatus { status: record.status });
                    return Ok(record);
                }
                Err(StoreError::Conflict { .. }) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Conflict { session: id.clone(), turn }.into())
    }

    /// The question and plan of the turn before `turn`, for a follow-up.
    async fn earlier_plan(
        &self,
        id: &SessionId,
        turn: u32,
    ) -> Result<Option<(String, crate::plan::Plan)>, SessionError> {
        let turns = self.store.turns(id).await?;
        Ok(turns.into_iter().filter(|r| r.turn < turn).rev().find_map(|r| r.plan.map(|plan| (r.question, plan))))
    }

    /// Brings a waiting turn's question back from the store (after a restart). On a changed
    /// catalog the re-checked plan is stored and the person must look again.
    async fn restore_waiting(&self, record: &TurnRecord) -> Result<PlannedQuestion, SessionError> {
        let Some(plan) = record.plan.clone() else {
            return Err(SessionError::NotAwaitingConfirmation(record.status));
        };
        let restored = self.pipeline.restore(
            &record.question,
            plan,
            record.ledger.clone(),
            record.trace.clone(),
            false,
            &record.catalog_version,
        );
        let planned = match restored {
            Ok(Restored::AwaitingConfirmation(planned)) => planned,
            Ok(Restored::Confirmed(_)) => return Err(SessionError::NotAwaitingConfirmation(record.status)),
            Err(error) => {
                let turn_error = TurnError::from(&error);
                self.transition(&record.session, record.turn, |r| {
                    r.status = TurnStatus::Failed;
                    r.error = Some(turn_error.clone());
                    r.trace.push(Stage::Failed);
                    Ok(())
                })
                .await?;
                return Err(SessionError::Agent(error));
            }
        };
        let version = planned.catalog_version().to_string();
        if version != record.catalog_version {
            let plan = planned.plan().clone();
            self.transition(&record.session, record.turn, |r| {
                r.plan = Some(plan.clone());
                r.catalog_version = version.clone();
                Ok(())
            })
            .await?;
            self.live(|live| live.entry(record.session.clone()).or_default().planned = Some(planned));
            return Err(SessionError::PlanChanged);
        }
        Ok(planned)
    }

    /// Runs a stale preview's SQL again against the current catalog and stores the new
    /// preview for the person to look at; a plan or SQL the catalog no longer takes fails the
    /// turn with the reason.
    async fn repreview(&self, id: &SessionId, turn: u32, stale: &TransformPreview) -> Result<(), SessionError> {
        match self.pipeline.refresh_preview(stale).await {
            Ok(preview) => self.store_preview(id, turn, &preview).await,
            Err(error) => {
                self.fail(id, turn, &error).await?;
                Err(SessionError::Agent(error))
            }
        }
    }

    /// What a refused apply or export leaves: a stale preview is run again and stored (the
    /// person looks again); any other refusal keeps the preview waiting as it was.
    async fn refused(&self, id: &SessionId, turn: u32, preview: TransformPreview, error: AgentError) -> SessionError {
        match error {
            AgentError::Transform { source } if source.needs_preview() => {
                match self.repreview(id, turn, &preview).await {
                    Ok(()) => SessionError::PreviewChanged,
                    Err(error) => error,
                }
            }
            error => {
                self.live(|live| live.entry(id.clone()).or_default().preview = Some(preview));
                SessionError::Agent(error)
            }
        }
    }

    /// Parks a transform preview for approval: kept in memory, stored in the turn.
    async fn store_preview(&self, id: &SessionId, turn: u32, preview: &TransformPreview) -> Result<(), SessionError> {
        let stored = PreviewRecord::from_preview(preview);
        let (plan, trace, ledger) = (preview.plan.clone(), preview.trace.clone(), preview.ledger.clone());
        let version = self.pipeline.catalog().version().to_string();
        self.live(|live| live.entry(id.clone()).or_default().preview = Some(preview.clone()));
        self.transition(id, turn, |r| {
            r.status = TurnStatus::AwaitingApproval;
            r.plan = Some(plan.clone());
            r.trace = trace.clone();
            r.ledger = ledger.clone();
            r.preview = Some(stored.clone());
            r.catalog_version = version.clone();
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// Restarts a turn that was running when its process stopped.
    async fn resume_running(self: &Arc<Self>, record: &TurnRecord) -> Result<(), SessionError> {
        let id = record.session.clone();
        let restored = match record.plan.clone() {
            None => Err(AgentError::PlanHasNoTables),
            Some(plan) => self.pipeline.restore(
                &record.question,
                plan,
                record.ledger.clone(),
                record.trace.clone(),
                true,
                &record.catalog_version,
            ),
        };
        match restored {
            Ok(Restored::Confirmed(confirmed)) => {
                self.spawn(id, record.turn, record.question.clone(), Work::Run(Box::new(confirmed)));
                Ok(())
            }
            Ok(Restored::AwaitingConfirmation(planned)) => self.await_person(&id, record.turn, planned).await,
            Err(error) => self.fail(&id, record.turn, &error).await,
        }
    }

    /// Starts the turn's background work, replacing (and so cancelling) any earlier task.
    fn spawn(self: &Arc<Self>, id: SessionId, turn: u32, question: String, work: Work) {
        let inner = Arc::clone(self);
        let session = id.clone();
        let task = task::spawn("session-turn", async move {
            // Errors here are stored on the turn; a store that fails too leaves the turn
            // unfinished, for `resume_unfinished`.
            if let Err(error) = inner.work(&session, turn, &question, work).await {
                tracing::warn!(%session, turn, %error, "a turn's background work could not store its outcome");
            }
        });
        let earlier = self.live(|live| live.entry(id).or_default().task.replace(task));
        drop(earlier);
    }

    async fn work(self: &Arc<Self>, id: &SessionId, turn: u32, question: &str, work: Work) -> Result<(), SessionError> {
        let pipeline = self.pipeline_for(id, turn);
        let confirmed = match work {
            Work::Run(confirmed) => *confirmed,
            Work::Plan { earlier } => {
                let planned = match &earlier {
                    Some(earlier) => pipeline.plan_follow_up(question, &earlier.0, &earlier.1).await,
                    None => pipeline.plan(question).await,
                };
                let planned = match planned {
                    Ok(planned) => planned,
                    Err(error) => return self.fail(id, turn, &error).await,
                };
                if planned.needs_confirmation() {
                    return self.await_person(id, turn, planned).await;
                }
                let confirmed = match pipeline.confirm(planned.clone(), Decision::Approve(Vec::new())) {
                    Ok(confirmed) => confirmed,
                    Err(error) => return self.fail(id, turn, &error).await,
                };
                let (plan, trace, ledger) =
                    (planned.plan().clone(), planned.trace().to_vec(), planned.ledger().clone());
                self.transition(id, turn, |r| {
                    r.status = TurnStatus::Running;
                    r.plan = Some(plan.clone());
                    r.trace = trace.clone();
                    r.ledger = ledger.clone();
                    Ok(())
                })
                .await?;
                confirmed
            }
        };
        match pipeline.run(confirmed).await {
            Ok(Outcome::Answered(answer)) => {
                let stored = AnswerRecord::from_answer(&answer);
                self.transition(id, turn, |r| {
                    r.status = TurnStatus::Answered;
                    r.plan = Some(answer.plan.clone());
                    r.trace = answer.trace.clone();
                    r.ledger = answer.ledger.clone();
                    r.answer = Some(stored.clone());
                    Ok(())
                })
                .await?;
                Ok(())
            }
            Ok(Outcome::NeedsMoreSchema(more)) => self.await_person(id, turn, more.planned).await,
            Ok(Outcome::Previewed(preview)) => self.store_preview(id, turn, &preview).await,
            Err(error) => self.fail(id, turn, &error).await,
        }
    }

    /// Parks the question at the confirm gate: kept in memory, its plan stored.
    async fn await_person(&self, id: &SessionId, turn: u32, planned: PlannedQuestion) -> Result<(), SessionError> {
        let (plan, trace, ledger) = (planned.plan().clone(), planned.trace().to_vec(), planned.ledger().clone());
        let version = planned.catalog_version().to_string();
        self.live(|live| live.entry(id.clone()).or_default().planned = Some(planned));
        self.transition(id, turn, |r| {
            r.status = TurnStatus::AwaitingConfirmation;
            r.plan = Some(plan.clone());
            r.trace = trace.clone();
            r.ledger = ledger.clone();
            r.catalog_version = version.clone();
            // A plan back at the gate has no preview: confirming runs the transform again.
            r.preview = None;
            Ok(())
        })
        .await?;
        Ok(())
    }

    async fn fail(&self, id: &SessionId, turn: u32, error: &AgentError) -> Result<(), SessionError> {
        let cancelled = matches!(error, AgentError::Cancelled);
        let turn_error = TurnError::from(error);
        self.transition(id, turn, |r| {
            if cancelled {
                r.status = TurnStatus::Cancelled;
                r.trace.push(Stage::Cancelled);
            } else {
                r.status = TurnStatus::Failed;
                r.error = Some(turn_error.clone());
                r.trace.push(Stage::Failed);
            }
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// The pipeline with an event sink that tags events with the session and turn.
    fn pipeline_for(self: &Arc<Self>, id: &SessionId, turn: u32) -> Pipeline {
        let events = self.events.clone();
        let session = id.clone();
        self.pipeline.clone().with_events(EventSink::from_fn(move |event| {
            let _ = events.send(SessionEvent { session: session.clone(), turn, event });
        }))
    }
}
