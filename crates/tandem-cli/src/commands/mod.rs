//! One module per command; `run` dispatches.

pub mod ask;
mod ask_edit;
mod bench;
pub mod bench_retrieval;
mod check_config;
pub mod db;
pub mod eval;
pub mod index;
mod models;
pub mod serve;

use anyhow::Context as _;

use crate::cli::{BenchCommand, Cli, Command, DbCommand};
use crate::config;

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = config::load(cli.config.as_deref()).context("loading configuration")?;
    match cli.command {
        Command::Ask(args) => ask::run(&config, args).await,
        Command::Models { command } => models::run(&config, command),
        Command::CheckConfig { db } => check_config::run(&config, db.as_deref()).await,
        Command::Db { command: DbCommand::Grant(args) } => db::grant(&config, args).await,
        Command::Index { db, json } => index::run(&config, db.as_deref(), json).await,
        Command::Eval(args) => eval::run(&config, args).await,
        Command::Serve(args) => serve::serve(&config, args).await,
        Command::Mcp(args) => serve::mcp(&config, args).await,
        Command::Bench { command: BenchCommand::Gateway(args) } => serve::bench_gateway(args).await,
        Command::Bench { command: BenchCommand::Retrieval(args) } => bench_retrieval::retrieval(&config, args),
        Command::Bench { command: BenchCommand::Admission { json, preset, requests, load, seed } } => {
            bench::admission(json, &preset, requests, load, seed)
        }
        Command::Bench { command: BenchCommand::Validate { json, bench_dir, repeats, limit } } => {
            bench::validate(json, &bench_dir, repeats, limit)
        }
        Command::Bench { command: BenchCommand::Llm { json, tiers, prompt_tokens } } => {
            bench::llm(&config, json, &tiers, prompt_tokens).await
        }
    }
}
