//! MCP (the Model Context Protocol) over the same session service: tools to ask, show a plan,
//! confirm it with edits, cancel, run validated SQL, and apply or export a transform preview. Served as streamable HTTP at `/mcp`
//! (behind the same API keys and body limit as the rest) and over stdio for `tandem mcp`.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use tandem_agent::PlanEdit;
use tokio_util::sync::CancellationToken;

use crate::auth::KeyName;
use crate::error::ServerError;
use crate::service::{ServiceError, SessionService, Turn};
use crate::state::AppState;
use crate::view::{Page, TurnView};

/// Rows an MCP reply carries; the rest are counted, not sent.
const MCP_ROWS: usize = 50;

/// The MCP server: one per MCP session, all sharing the session service.
#[derive(Clone)]
pub struct TandemMcp {
    service: Arc<dyn SessionService>,
    /// How long a tool waits for a turn to settle before answering with where it stands.
    wait: Duration,
    #[expect(dead_code, reason = "read by the code #[tool_handler] generates")]
    tool_router: ToolRouter<Self>,
}

impl std::fmt::Debug for TandemMcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TandemMcp").field("wait", &self.wait).finish_non_exhaustive()
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AskArgs {
    /// The question about the database, in plain language.
    pub question: String,
    /// Continue this session instead of starting one.
    #[serde(default)]
    pub session: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SessionArgs {
    /// The session id `ask` returned.
    pub session: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ConfirmArgs {
    /// The session id `ask` returned.
    pub session: String,
    /// Plan edits applied all-or-nothing before approval, each an object tagged by `kind`:
    /// `{"kind":"remove_table","table":"orders"}`, `{"kind":"add_table","table":"t"}`,
    /// `{"kind":"add_column","column":{"table":"t","column":"c"}}`, `remove_column`,
    /// `{"kind":"add_filter","filter":{"column":{"table":"t","column":"c"},"op":"eq","value":"x"}}`,
    /// `{"kind":"change_filter","index":0,"filter":{…}}`, `{"kind":"remove_filter","index":0}`,
    /// `{"kind":"answer_question","index":0,"answer":"…"}`, `{"kind":"set_limit","limit":10}`.
    #[serde(default)]
    pub edits: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SqlArgs {
    /// One read-only SQL query; it is validated against the catalog and the policy first.
    pub sql: String,
}

#[tool_router]
impl TandemMcp {
    pub fn new(service: Arc<dyn SessionService>, wait: Duration) -> Self {
        Self { service, wait, tool_router: Self::tool_router() }
    }

    #[tool(
        description = "Ask a question about the database. The small model writes a plan (tables, columns, filters, open questions); the reply shows it. Nothing runs on the large model until confirm_plan."
    )]
    async fn ask(&self, Parameters(args): Parameters<AskArgs>) -> CallToolResult {
        let started = match &args.session {
            Some(session) => self.service.follow_up(session, &args.question).await,
            None => self.service.start(&args.question).await,
        };
        self.settle(started).await
    }

    #[tool(description = "Show a session's latest turn: its status, plan, SQL, rows and cost.")]
    async fn show_plan(&self, Parameters(args): Parameters<SessionArgs>) -> CallToolResult {
        reply(self.service.latest(&args.session).await)
    }

    #[tool(
        description = "Approve the plan awaiting confirmation, after applying optional edits; the large model then writes SQL, which is validated and run read-only. Returns the rows and the ledger. For a transform (a request to create or fill a table) it returns a preview awaiting approval instead: rows it would write, a sample and its quality checks; nothing is written until apply_transform."
    )]
    async fn confirm_plan(&self, Parameters(args): Parameters<ConfirmArgs>) -> CallToolResult {
        let edits: Result<Vec<PlanEdit>, _> = args.edits.into_iter().map(serde_json::from_value).collect();
        let edits = match edits {
            Ok(edits) => edits,
            Err(error) => return failure(&ServiceError::new("invalid_edit", format!("unreadable edit: {error}"))),
        };
        let confirmed = self.service.confirm(&args.session, edits).await;
        self.settle(confirmed).await
    }

    #[tool(description = "Cancel a session's latest turn.")]
    async fn cancel(&self, Parameters(args): Parameters<SessionArgs>) -> CallToolResult {
        reply(self.service.cancel(&args.session).await)
    }

    #[tool(
        description = "Apply the transform preview a session waits with: it runs for real in one transaction and enters the audit log. Refused (nothing written) when a quality check failed, or when the data or catalog changed since the preview: then the reply names the fresh preview to review."
    )]
    async fn apply_transform(
        &self,
        Parameters(args): Parameters<SessionArgs>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        reply(self.service.apply(&args.session, &actor(&context)).await)
    }

    #[tool(
        description = "Export the transform preview a session waits with as a SQL migration file instead of applying it; nothing is written. The reply carries the file's name and text in preview.migration."
    )]
    async fn export_transform(
        &self,
        Parameters(args): Parameters<SessionArgs>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        reply(self.service.export(&args.session, &actor(&context)).await)
    }

    #[tool(
        description = "Send the transform preview a session waits with back to its plan, to edit it (target, write mode, expectations, tables, filters) and confirm_plan again."
    )]
    async fn revise_transform(&self, Parameters(args): Parameters<SessionArgs>) -> CallToolResult {
        reply(self.service.revise(&args.session).await)
    }

    #[tool(
        description = "Run one read-only SQL query after the validator checked it against the catalog and the read-only policy (row cap, no writes, no dangerous functions)."
    )]
    async fn run_sql(&self, Parameters(args): Parameters<SqlArgs>) -> CallToolResult {
        match self.service.run_sql(&args.sql).await {
            Ok(result) => json_result(&result),
            Err(error) => failure(&error),
        }
    }
}

/// Who applies or exports through MCP: the API key's name over HTTP, `mcp-stdio` for the
/// local process `tandem mcp` serves.
fn actor(context: &RequestContext<RoleServer>) -> String {
    context
        .extensions
        .get::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<KeyName>())
        .map_or_else(|| "mcp-stdio".to_owned(), |KeyName(name)| name.clone())
}

impl TandemMcp {
    /// Waits (up to `wait`) for the turn to settle, then replies with it as it stands.
    async fn settle(&self, started: Result<Turn, ServiceError>) -> CallToolResult {
        let turn = match started {
            Ok(turn) => turn,
            Err(error) => return failure(&error),
        };
        match tokio::time::timeout(self.wait, self.service.wait_settled(&turn.session)).await {
            Ok(settled) => reply(settled),
            Err(_) => reply(Ok(turn)),
        }
    }
}

#[tool_handler(
    name = "tandem",
    instructions = "Answer questions about a database: ask → review the plan → confirm_plan (optionally with edits) → rows. run_sql runs validated read-only SQL. A transform request (create or fill a table) ends confirm_plan with a sandbox preview: apply_transform writes it, export_transform returns it as a migration, revise_transform goes back to the plan."
)]
impl ServerHandler for TandemMcp {}

fn reply(turn: Result<Turn, ServiceError>) -> CallToolResult {
    match turn {
        Ok(turn) => json_result(&TurnView::new(turn, Page { offset: 0, limit: MCP_ROWS })),
        Err(error) => failure(&error),
    }
}

fn json_result(value: &impl serde::Serialize) -> CallToolResult {
    match serde_json::to_string_pretty(value) {
        Ok(text) => CallToolResult::success(vec![ContentBlock::text(text)]),
        Err(error) => CallToolResult::error(vec![ContentBlock::text(format!("cannot encode the reply: {error}"))]),
    }
}

fn failure(error: &ServiceError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(format!("{}: {}", error.code, error.message))])
}

/// `/mcp` as streamable HTTP, ending its sessions when `shutdown` is cancelled.
pub(crate) fn http_router(
    service: Arc<dyn SessionService>,
    shutdown: CancellationToken,
    wait: Duration,
    allowed_hosts: &[String],
) -> Router<AppState> {
    let mut config = StreamableHttpServerConfig::default();
    config.cancellation_token = shutdown.child_token();
    if !allowed_hosts.is_empty() {
        config.allowed_hosts = allowed_hosts.to_vec();
    }
    let mcp = StreamableHttpService::new(
        move || Ok(TandemMcp::new(Arc::clone(&service), wait)),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    Router::new().nest_service("/mcp", mcp)
}

/// Serves MCP on standard input and output until the client closes it.
pub async fn serve_stdio(service: Arc<dyn SessionService>, wait: Duration) -> Result<(), ServerError> {
    let running = TandemMcp::new(service, wait)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))?;
    running.waiting().await.map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))?;
    Ok(())
}
