//! The adapter from `tandem_agent::session::Sessions` to [`SessionService`]: id parsing, the
//! record → wire mapping, and `run_sql` (validator, then the read-only sandbox).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tandem_agent::session::{PreviewRecord, SessionError, SessionEvent, SessionId, Sessions, TurnRecord};
use tandem_agent::{Event, PlanEdit};
use tandem_exec::{Executor, Limits, Value};
use tandem_sql::Policy;
use tokio::sync::broadcast;

use crate::service::{
    Answer, AnswerColumn, Applied, Migration, Preview, QualityCheck, ServiceError, SessionService, SqlResult, Turn,
    TurnError, TurnEvent, TurnEventKind, TurnStatus,
};

/// Sessions plus what `run_sql` needs: the executor questions run on and its limits.
#[derive(Debug, Clone)]
pub struct SessionsService {
    sessions: Sessions,
    executor: Arc<dyn Executor>,
    limits: Limits,
    /// Relays the sessions' events in wire form; one task per service.
    events: broadcast::Sender<TurnEvent>,
    _relay: Arc<tandem_llm::task::Task<()>>,
}

impl SessionsService {
    /// Must be called inside a tokio runtime: it starts the event relay.
    pub fn new(sessions: Sessions, executor: Arc<dyn Executor>, limits: Limits) -> Self {
        let (events, _) = broadcast::channel(1024);
        let relay = tandem_llm::task::spawn("session-events", relay(sessions.subscribe(), events.clone()));
        Self { sessions, executor, limits, events, _relay: Arc::new(relay) }
    }

    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }
}

async fn relay(mut from: broadcast::Receiver<SessionEvent>, to: broadcast::Sender<TurnEvent>) {
    loop {
        let event = match from.recv().await {
            Ok(event) => event,
            // Missed events: subscribers re-read the turn on the next status change.
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let kind = match event.event {
            Event::TurnStatus { status } => TurnEventKind::Status(status_of(status)),
            other => TurnEventKind::Progress(other),
        };
        // No subscriber is fine.
        let _ = to.send(TurnEvent { session: event.session.to_string(), turn: event.turn, kind });
    }
}

fn id(text: &str) -> Result<SessionId, ServiceError> {
    SessionId::parse(text).ok_or_else(|| ServiceError::new("bad_session_id", format!("`{text}` is not a session id")))
}

fn refused(error: SessionError) -> ServiceError {
    ServiceError::new(error.code(), error.to_string())
}

fn status_of(status: tandem_agent::session::TurnStatus) -> TurnStatus {
    use tandem_agent::session::TurnStatus as S;
    match status {
        S::Planning => TurnStatus::Planning,
        S::AwaitingConfirmation => TurnStatus::AwaitingConfirmation,
        S::Running => TurnStatus::Running,
        S::Answered => TurnStatus::Answered,
        S::Failed => TurnStatus::Failed,
        S::Cancelled => TurnStatus::Cancelled,
        S::AwaitingApproval => TurnStatus::AwaitingApproval,
        S::Applied => TurnStatus::Applied,
        S::Exported => TurnStatus::Exported,
    }
}

fn wire(record: TurnRecord) -> Turn {
    Turn {
        session: record.session.to_string(),
        turn: record.turn,
        revision: record.revision,
        question: record.question,
        status: status_of(record.status),
        plan: record.plan,
        trace: record.trace,
        catalog_version: record.catalog_version,
        ledger: record.ledger,
        answer: record.answer.map(|a| Answer {
            sql: a.sql,
            columns: a.columns.into_iter().map(|c| AnswerColumn { name: c.name, type_name: c.type_name }).collect(),
            rows: a.rows,
            truncated: a.truncated,
            from_cache: a.from_cache,
            notes: a.notes,
        }),
        preview: record.preview.map(preview),
        error: record.error.map(|e| TurnError { code: e.code, message: e.message }),
        created_at_ms: record.created_at_ms,
        updated_at_ms: record.updated_at_ms,
    }
}

fn preview(record: PreviewRecord) -> Preview {
    Preview {
        sql: record.sql,
        target: record.target,
        write: record.write,
        method: record.method,
        rows_affected: record.rows_affected,
        target_rows: record.target_rows,
        columns: record.columns.into_iter().map(|c| AnswerColumn { name: c.name, type_name: c.type_name }).collect(),
        sample: record.sample,
        checks: record
            .checks
            .into_iter()
            .map(|c| QualityCheck {
                code: c.code,
                check: c.check,
                passed: c.passed,
                observed: c.observed,
                detail: c.detail,
            })
            .collect(),
        can_apply: record.can_apply,
        notes: record.notes,
        applied: record.applied.map(|a| Applied {
            applied_at: a.applied_at,
            actor: a.actor,
            rows_affected: a.rows_affected,
        }),
        migration: record.migration.map(|m| Migration { file_name: m.file_name, sql: m.sql }),
    }
}

#[async_trait]
impl SessionService for SessionsService {
    async fn start(&self, question: &str) -> Result<Turn, ServiceError> {
        self.sessions.start(question).await.map(wire).map_err(refused)
    }

    async fn follow_up(&self, session: &str, question: &str) -> Result<Turn, ServiceError> {
        self.sessions.follow_up(&id(session)?, question).await.map(wire).map_err(refused)
    }

    async fn confirm(&self, session: &str, edits: Vec<PlanEdit>) -> Result<Turn, ServiceError> {
        self.sessions.confirm(&id(session)?, edits).await.map(wire).map_err(refused)
    }

    async fn cancel(&self, session: &str) -> Result<Turn, ServiceError> {
        self.sessions.cancel(&id(session)?).await.map(wire).map_err(refused)
    }

    async fn apply(&self, session: &str, actor: &str) -> Result<Turn, ServiceError> {
        self.sessions.apply(&id(session)?, actor).await.map(wire).map_err(refused)
    }

    async fn export(&self, session: &str, actor: &str) -> Result<Turn, ServiceError> {
        self.sessions.export(&id(session)?, actor).await.map(wire).map_err(refused)
    }

    async fn revise(&self, session: &str) -> Result<Turn, ServiceError> {
        self.sessions.revise(&id(session)?).await.map(wire).map_err(refused)
    }

    async fn latest(&self, session: &str) -> Result<Turn, ServiceError> {
        self.sessions.latest(&id(session)?).await.map(wire).map_err(refused)
    }

    async fn turns(&self, session: &str) -> Result<Vec<Turn>, ServiceError> {
        let turns = self.sessions.turns(&id(session)?).await.map_err(refused)?;
        Ok(turns.into_iter().map(wire).collect())
    }

    async fn wait_settled(&self, session: &str) -> Result<Turn, ServiceError> {
        self.sessions.wait_settled(&id(session)?).await.map(wire).map_err(refused)
    }

    fn subscribe(&self) -> broadcast::Receiver<TurnEvent> {
        self.events.subscribe()
    }

    async fn run_sql(&self, sql: &str) -> Result<SqlResult, ServiceError> {
        let catalog = self.sessions.pipeline().catalog();
        let policy = Policy::new(self.executor.dialect()).with_max_rows(self.limits.max_rows as u64);
        let started = Instant::now();
        let validated = tandem_sql::validate(sql, &policy, catalog).map_err(|rejection| {
            ServiceError::new("invalid_sql", format!("the validator refused the SQL: {rejection}"))
        })?;
        // Validation counts against the statement's time limit: the sandbox gets what is left.
        let limits = Limits { timeout: self.limits.timeout.saturating_sub(started.elapsed()), ..self.limits };
        let rows = self.executor.execute(&validated, &limits).await.map_err(|error| {
            if let tandem_exec::ExecError::Timeout { dialect, .. } = &error {
                tandem_agent::telemetry::record_sandbox_timeout(*dialect);
            }
            ServiceError::new("execution_failed", error.to_string())
        })?;
        Ok(SqlResult {
            sql: validated.as_str().to_owned(),
            columns: rows
                .columns
                .iter()
                .map(|c| AnswerColumn { name: c.name.clone(), type_name: c.type_name.clone() })
                .collect(),
            rows: rows.rows.iter().map(|row| row.iter().map(Value::to_json).collect()).collect(),
            truncated: rows.truncated,
        })
    }
}

/// How long `tandem mcp` and `/mcp` tools wait for a turn to settle.
pub const MCP_WAIT: Duration = Duration::from_secs(120);
