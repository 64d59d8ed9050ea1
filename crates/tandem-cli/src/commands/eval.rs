//! `tandem eval`: execution accuracy and savings of a mode on Spider dev (default) or a
//! generic JSONL benchmark, with a progress bar, resumable predictions and a report.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use async_trait::async_trait;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use tandem_agent::Prices;
use tandem_eval::eval::{
    CatalogMode, DbLocation, DbSource, EvalConfig, EvalDeps, EvalQuestion, Mode, OpenDatabase, Progress,
    load_questions_jsonl, load_spider_dev_questions, markdown_header, markdown_row, run_eval, select_questions,
};
use tandem_exec::{ExecError, Executor, PostgresConfig, PostgresExecutor, SqliteExecutor, SqliteOptions};
use tandem_llm::ChatModel;
use tandem_retrieval::{ApproxTokens, IndexOptions};

use crate::config::Config;
use crate::{output, wiring};

/// Options of `tandem eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Questions in the generic JSONL format (`id`, `db_id`, `question`, `gold_sql`, optional
    /// `evidence`); default: Spider dev from --bench-dir.
    #[arg(long, value_name = "FILE")]
    pub questions: Option<PathBuf>,
    /// The benchmark data folder holding `spider/` (for the default questions and databases).
    #[arg(long, default_value = "../shared/bench")]
    pub bench_dir: PathBuf,
    /// SQLite files `<db_id>.sqlite` or `<db_id>/<db_id>.sqlite`.
    #[arg(long, value_name = "DIR", conflicts_with = "db_url")]
    pub db_dir: Option<PathBuf>,
    /// A PostgreSQL server with one database per `db_id` (`postgres://user@host:5432/`).
    #[arg(long, value_name = "URL")]
    pub db_url: Option<String>,
    #[arg(long, value_enum, default_value = "tiered")]
    pub mode: ModeArg,
    #[arg(long, value_enum, default_value = "per-db")]
    pub catalog: CatalogArg,
    /// Only questions on these databases.
    #[arg(long, value_delimiter = ',')]
    pub dbs: Vec<String>,
    /// The first N questions (after --dbs).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Questions in flight at once.
    #[arg(long, default_value_t = 1)]
    pub parallel: usize,
    /// The predictions file (JSONL), appended to and resumed from (default: under the cache
    /// folder, named after the dataset, mode and catalog).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Start over: discard the predictions file's earlier lines.
    #[arg(long)]
    pub fresh: bool,
    /// A fresh plan cache per question instead of one shared by the run.
    #[arg(long)]
    pub no_plan_cache: bool,
    /// Retrieve without the embedding model.
    #[arg(long)]
    pub no_dense: bool,
    /// Print one JSON object as the last line of standard output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Tiered,
    LargeFullSchema,
    SmallOnly,
    Cascade,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CatalogArg {
    PerDb,
    Merged,
}

/// Opens benchmark databases with the concrete engines.
struct Opener;

#[async_trait]
impl OpenDatabase for Opener {
    async fn open(&self, location: &DbLocation) -> Result<Arc<dyn Executor>, ExecError> {
        Ok(match location {
            DbLocation::Sqlite(path) => Arc::new(SqliteExecutor::open(path, &SqliteOptions { n_workers: 1 })?),
            DbLocation::Postgres { url } => Arc::new(PostgresExecutor::connect(&PostgresConfig::new(url)).await?),
        })
    }
}

pub async fn run(config: &Config, args: EvalArgs) -> anyhow::Result<()> {
    let mode = match args.mode {
        ModeArg::Tiered => Mode::Tiered,
        ModeArg::LargeFullSchema => Mode::LargeFullSchema,
        ModeArg::SmallOnly => Mode::SmallOnly,
        ModeArg::Cascade => Mode::Cascade,
    };
    let catalog = match args.catalog {
        CatalogArg::PerDb => CatalogMode::PerDb,
        CatalogArg::Merged => CatalogMode::Merged,
    };
    let (dataset, questions, source) = load(&args)?;
    let questions = select_questions(questions, &args.dbs, args.limit);
    if questions.is_empty() {
        bail!("no questions selected (check --dbs and --limit)");
    }
    let out = match &args.out {
        Some(out) => out.clone(),
        None => {
            config.cache_dir()?.join("eval").join(format!("{dataset}-{}-{}.jsonl", mode.as_str(), catalog.as_str()))
        }
    };
    if args.fresh && out.exists() {
        std::fs::remove_file(&out).with_context(|| format!("removing {}", out.display()))?;
    }

    let [small_settings, large_settings] = config.model_settings()?;
    let prices = |p: crate::config::model::Prices| Prices {
        input_per_million: p.input_per_mtok,
        cached_input_per_million: p.cached_input_per_mtok,
        output_per_million: p.output_per_mtok,
    };
    let mut eval = EvalConfig::new(mode, catalog, &out);
    eval.agent.small_prices = prices(small_settings.prices);
    eval.agent.large_prices = prices(large_settings.prices);
    eval.parallel = args.parallel.max(1);
    eval.share_plan_cache = !args.no_plan_cache;
    eval.index =
        IndexOptions { embedding_cache_dir: Some(config.cache_dir()?.join("index")), ..IndexOptions::default() };
    // Load only the tiers the mode calls; the other slot gets the same model, never called
    // (the large slot also counts the full-schema counterfactual's tokens).
    let (small, large): (Arc<dyn ChatModel>, Arc<dyn ChatModel>) = match mode {
        Mode::SmallOnly => {
            let small = wiring::load_tier(config, &small_settings).await?.model;
            (small.clone(), small)
        }
        Mode::LargeFullSchema => {
            let large = wiring::load_tier(config, &large_settings).await?.model;
            (large.clone(), large)
        }
        Mode::Tiered | Mode::Cascade => (
            wiring::load_tier(config, &small_settings).await?.model,
            wiring::load_tier(config, &large_settings).await?.model,
        ),
    };
    let embedder = if args.no_dense { None } else { crate::wiring::load_embedder(config) };
    let deps = EvalDeps { small, large, opener: Arc::new(Opener), embedder, counter: Arc::new(ApproxTokens) };

    output::progress(format!(
        "{} questions of {dataset}, mode {}, catalog {}; predictions: {}",
        questions.len(),
        mode.as_str(),
        catalog.as_str(),
        out.display()
    ));
    let bar = ProgressBar::hidden();
    let on_progress = |progress: Progress<'_>| match progress {
        Progress::Opening { db_id } => bar.set_message(format!("opening {db_id}")),
        Progress::Started { n_total, n_done } => {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} questions, {elapsed} elapsed, eta {eta} · {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_length(n_total as u64);
            bar.set_position(n_done as u64);
            bar.set_message(format!("{n_done} resumed"));
        }
        Progress::Finished(prediction) => {
            bar.inc(1);
            let verdict = match prediction.correct {
                Some(true) => "correct",
                Some(false) => "wrong",
                None => "unscored",
            };
            bar.set_message(format!("{}: {verdict}", prediction.id));
        }
    };
    let run = run_eval(&eval, &deps, &questions, &source, &on_progress).await?;
    bar.finish_and_clear();

    let report = &run.report;
    let table = format!("{}\n{}", markdown_header(), markdown_row(report));
    output::line(&table);
    output::line(format!(
        "\n{} questions ({} skipped: database missing), {} scored, {} answered, {} needed more schema, {} failed",
        report.n_questions,
        report.n_skipped,
        report.n_scored,
        report.n_answered,
        report.n_needs_more_schema,
        report.n_failed
    ));
    let json = serde_json::json!({ "command": "eval", "dataset": dataset, "predictions_file": out, "report": report });
    let stem = out.with_extension("");
    std::fs::write(stem.with_extension("report.md"), format!("{table}\n"))
        .and_then(|()| std::fs::write(stem.with_extension("report.json"), format!("{json:#}\n")))
        .with_context(|| format!("writing the report next to {}", out.display()))?;
    if args.json {
        output::json_line(&json);
    }
    Ok(())
}

/// The dataset's name, its questions and where its databases are.
fn load(args: &EvalArgs) -> anyhow::Result<(String, Vec<EvalQuestion>, DbSource)> {
    let source = match (&args.db_dir, &args.db_url) {
        (Some(dir), _) => Some(DbSource::Dir(dir.clone())),
        (None, Some(url)) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Some(DbSource::Postgres(url.clone()))
        }
        (None, Some(_)) => bail!("--db-url must be a postgres:// URL"),
        (None, None) => None,
    };
    match &args.questions {
        Some(path) => {
            let Some(source) = source else { bail!("--questions needs --db-dir or --db-url") };
            let questions = load_questions_jsonl(path)?;
            let name = path.file_stem().map_or_else(|| "questions".to_owned(), |s| s.to_string_lossy().into_owned());
            Ok((name, questions, source))
        }
        None => {
            let spider = args.bench_dir.join("spider");
            if !spider.join("dev.json").is_file() {
                bail!("{} holds no spider/dev.json; pass --bench-dir or --questions", args.bench_dir.display());
            }
            let questions = load_spider_dev_questions(&spider.join("dev.json"))?;
            Ok(("spider-dev".to_owned(), questions, source.unwrap_or(DbSource::Dir(spider.join("database")))))
        }
    }
}
