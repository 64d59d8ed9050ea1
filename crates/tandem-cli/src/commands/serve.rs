//! `tandem serve` (HTTP API, chat page, `/metrics`, MCP at `/mcp`), `tandem mcp` (MCP on
//! stdio) and `tandem bench gateway`, over the configured database, models and session store.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use metrics_exporter_prometheus::PrometheusBuilder;
use tandem_exec::Limits;
use tandem_server::Server;
use tandem_server::bench::{GatewayBenchOptions, gateway};
use tandem_server::sessions::SessionsService;

use crate::config::Config;
use crate::output;
use crate::wiring;

/// How long an MCP tool waits for a turn before replying with where it stands.
const MCP_WAIT: Duration = Duration::from_secs(300);

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// `postgres://…`, `mysql://…`, `sqlite:PATH` or a SQLite file (default: the demo
    /// warehouse).
    #[arg(long)]
    pub db: Option<String>,
    /// `host:port` to listen on (default: `server.bind`).
    #[arg(long)]
    pub bind: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct McpArgs {
    /// `postgres://…`, `mysql://…`, `sqlite:PATH` or a SQLite file (default: the demo
    /// warehouse).
    #[arg(long)]
    pub db: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct GatewayBenchArgs {
    /// Print one JSON object as the last line of standard output.
    #[arg(long)]
    pub json: bool,
    /// Questions run one at a time for the per-request figures.
    #[arg(long, default_value_t = 300)]
    pub questions: usize,
    /// Clients running questions at once for the throughput figure.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Seconds the throughput phase runs.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

/// `tandem serve`: until Ctrl-C or SIGTERM; then running turns get the configured grace and
/// the session store keeps whatever outlasts it (the next start resumes it).
pub async fn serve(config: &Config, args: ServeArgs) -> anyhow::Result<()> {
    let prometheus = PrometheusBuilder::new().install_recorder().context("installing the metrics recorder")?;
    tandem_llm::admission::metric_names::describe();
    tandem_server::metric_names::describe();
    tandem_agent::telemetry::describe();
    // Keys by reference are read before anything slow is loaded: a missing one fails at once.
    let mut server_config = config.server_settings()?;
    check_login(config, args.db.as_deref()).await?;
    let service = service(config, args.db.as_deref()).await?;
    if let Some(bind) = args.bind {
        server_config.bind = bind;
    }
    let server = Server::new(service.clone(), server_config)?.with_prometheus(prometheus);
    let listener = server.bind().await.context("binding the server address")?;
    let address = listener.local_addr()?;
    output::progress(format!("serving http://{address}/ (API under /api, MCP at /mcp, metrics at /metrics)"));
    server.run(listener, shutdown_signal()).await?;
    service.sessions().shutdown();
    Ok(())
}

/// `tandem mcp`: MCP on standard input and output until the client closes it.
pub async fn mcp(config: &Config, args: McpArgs) -> anyhow::Result<()> {
    check_login(config, args.db.as_deref()).await?;
    let service = service(config, args.db.as_deref()).await?;
    tandem_server::mcp::serve_stdio(service.clone(), MCP_WAIT).await?;
    service.sessions().shutdown();
    Ok(())
}

/// `tandem bench gateway`: per-request overhead and sustained rate with instant models.
pub async fn bench_gateway(args: GatewayBenchArgs) -> anyhow::Result<()> {
    let options = GatewayBenchOptions {
        n_questions: args.questions.max(1),
        concurrency: args.concurrency.max(1),
        duration: Duration::from_secs(args.seconds.max(1)),
    };
    let dir = tempfile::tempdir().context("creating a scratch directory")?;
    output::progress(format!(
        "running {} questions one at a time, then {} clients for {} s",
        options.n_questions,
        options.concurrency,
        options.duration.as_secs()
    ));
    let path = dir.path().join("gateway-bench.sqlite");
    tandem_exec::create_sqlite_from_script(&path, &tandem_server::bench::database_script())?;
    let database = tandem_exec::SqliteExecutor::open(&path, &tandem_exec::SqliteOptions { n_workers: 4 })?;
    let report = gateway(&options, Arc::new(database)).await?;
    output::line(tandem_server::bench::markdown(&report));
    if args.json {
        output::json_line(&serde_json::json!({ "benchmark": "gateway", "report": report }));
    }
    Ok(())
}

/// The session service over the configured database, models and store, with unfinished
/// turns of an earlier process picked up again.
async fn service(config: &Config, db: Option<&str>) -> anyhow::Result<Arc<SessionsService>> {
    let workspace = wiring::workspace(config, db).await?;
    // `run_sql` (MCP) validates and runs on its own connection to the same database.
    let (_, executor) = crate::database::open(config, db).await?;
    let agent = &config.agent;
    let limits = Limits {
        max_rows: usize::try_from(agent.max_rows).unwrap_or(usize::MAX),
        max_bytes: agent.max_result_bytes,
        timeout: Duration::from_millis(agent.exec_timeout_ms),
    };
    let sessions = wiring::sessions(config, workspace.pipeline).await?;
    // One process per store: whatever is unfinished was left by a process that stopped.
    let resumed = sessions.resume_unfinished(Duration::ZERO).await?;
    if resumed > 0 {
        output::progress(format!("resumed {resumed} unfinished turns"));
    }
    Ok(Arc::new(SessionsService::new(sessions, executor, limits)))
}

/// Refuses a database login that can read beyond the catalog unless `[database]
/// allow_privileged` is set, and then says so loudly, before anything slow is loaded.
async fn check_login(config: &Config, db: Option<&str>) -> anyhow::Result<()> {
    let report = crate::database::privileges(config, db).await?;
    for warning in crate::database::judge_privileges(config, &report)? {
        output::progress(format!("WARNING: {warning}"));
    }
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    output::progress("shutting down: finishing running turns");
}
