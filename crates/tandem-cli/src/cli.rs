//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// tandem: a text-to-SQL gateway that spends the large model's tokens only where they count.
#[derive(Debug, Parser)]
#[command(name = "tandem", version, about)]
pub struct Cli {
    /// Configuration file (default: ./tandem.toml if present, else built-in defaults).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log filter, e.g. `info` or `tandem=debug` (also RUST_LOG).
    #[arg(long, global = true, value_name = "FILTER")]
    pub log: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask a question in plain language: review the plan, then get SQL, rows and the ledger.
    Ask(crate::commands::ask::AskArgs),
    /// Manage the built-in local models.
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
    /// Load the configuration, check it, and print what it resolves to; with `--db`, also
    /// check what the database login can read beyond the catalog.
    CheckConfig {
        /// `postgres://…` or `mysql://…` to check as `tandem serve --db` would connect.
        #[arg(long)]
        db: Option<String>,
    },
    /// Database administration for tandem's sandbox.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Introspect a database and build its retrieval index; prints tables, columns,
    /// full-schema tokens and timings.
    Index {
        /// `postgres://…`, `mysql://…`, `sqlite:PATH` or a SQLite file (default: the demo
        /// warehouse, generated on first use).
        #[arg(long)]
        db: Option<String>,
        /// Print one JSON object as the last line of standard output.
        #[arg(long)]
        json: bool,
    },
    /// Execution accuracy and savings of a mode on Spider dev or a JSONL benchmark.
    Eval(crate::commands::eval::EvalArgs),
    /// Serve the HTTP API, the web chat page, Prometheus /metrics and MCP (at /mcp).
    Serve(crate::commands::serve::ServeArgs),
    /// Serve MCP on standard input and output.
    Mcp(crate::commands::serve::McpArgs),
    /// Benchmarks that print figures.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Print (or with --apply run) the SQL for a role that can SELECT the catalog's tables
    /// and nothing else, with session limits.
    Grant(crate::commands::db::GrantArgs),
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// List the built-in models and whether they are present.
    List,
    /// Download, assemble and verify built-in models (default: both).
    Pull {
        /// Model names (see `tandem models list`).
        names: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// The gateway's own cost per request and its sustained rate, with instant models.
    Gateway(crate::commands::serve::GatewayBenchArgs),
    /// Recall and latency of schema retrieval on Spider's merged catalog (~870 tables) and
    /// Spider 2.0-lite's large catalogs.
    Retrieval(crate::commands::bench_retrieval::RetrievalArgs),
    /// Admission strategies in front of a simulated prefill-bound model server (simulated
    /// time: takes seconds), and the simulator's checks against published benchmarks.
    Admission {
        /// Print one JSON object as the last line of standard output.
        #[arg(long)]
        json: bool,
        /// The simulated deployment: deepseek-v3-h200x8 or llama-3.3-70b-h100x2.
        #[arg(long, default_value = "deepseek-v3-h200x8")]
        preset: String,
        /// Requests in the workload.
        #[arg(long, default_value_t = 500)]
        requests: usize,
        /// Offered prefill work as a share of the server's prefill rate.
        #[arg(long, default_value_t = 0.8)]
        load: f64,
        /// Seed of the workload.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Latency of the SQL validator over Spider's gold queries (dev and train), and how many
    /// it accepts.
    Validate {
        /// Print one JSON object as the last line of standard output.
        #[arg(long)]
        json: bool,
        /// The benchmark data folder (holding `spider/`).
        #[arg(long, default_value = "../shared/bench")]
        bench_dir: std::path::PathBuf,
        /// Timed validations of each query; a query's latency is their median.
        #[arg(long, default_value_t = 5)]
        repeats: usize,
        /// Queries per gold file (default: all).
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Prefill and decode speed of the configured models, and the prefix-reuse saving.
    Llm {
        /// Print one JSON object as the last line of standard output.
        #[arg(long)]
        json: bool,
        /// Which tiers to measure.
        #[arg(long, value_delimiter = ',', default_value = "small,large")]
        tiers: Vec<String>,
        /// Prompt sizes in tokens.
        #[arg(long, value_delimiter = ',', default_value = "500,2000")]
        prompt_tokens: Vec<u32>,
    },
}
