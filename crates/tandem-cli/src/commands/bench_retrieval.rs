//! `tandem bench retrieval`: recall of gold tables and columns at a budget, slice size,
//! latency, index build time and memory, per catalog.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::bail;
use tandem_eval::retrieval_bench::{
    BenchCatalog, CatalogReport, PerDatabaseReport, RetrievalBenchConfig, RetrievalReport, run_retrieval_bench,
};
use tandem_retrieval::ApproxTokens;

use crate::config::Config;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct RetrievalArgs {
    /// Print one JSON object as the last line of standard output.
    #[arg(long)]
    pub json: bool,
    /// The benchmark data folder (holding `spider/` and `spider2-lite/`).
    #[arg(long, default_value = "../shared/bench")]
    pub bench_dir: PathBuf,
    /// Token budget of a slice.
    #[arg(long, default_value_t = 2000)]
    pub budget_tokens: u32,
    /// Budgets of the recall sweep.
    #[arg(long, value_delimiter = ',', default_value = "500,1000,2000,4000")]
    pub sweep: Vec<u32>,
    /// Questions per catalog (default: all).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Catalogs to measure: spider-merged, spider-per-database, bigquery, snowflake, sqlite
    /// (default: all).
    #[arg(long, value_delimiter = ',')]
    pub catalog: Vec<String>,
    /// Skip Spider 2.0-lite.
    #[arg(long)]
    pub no_spider2: bool,
    /// Retrieve without the embedding model (BM25, values and keys only).
    #[arg(long)]
    pub no_dense: bool,
    /// The dense signal's embedder: `distilled` (static piece vectors distilled from MiniLM)
    /// or `minilm` (the full model, a forward pass per text); default: `[retrieval] embedder`.
    #[arg(long, value_enum)]
    pub embedder: Option<crate::config::EmbedderKind>,
    /// Embed every table again instead of reading embeddings an earlier run stored, so the
    /// index build time includes embedding.
    #[arg(long)]
    pub cold: bool,
    /// Retrieval knob: place the best-scoring database whole before anything else when it
    /// renders within this share of the budget (0 turns it off; default: the index's own).
    #[arg(long)]
    pub whole_schema_share: Option<f32>,
    /// Retrieval knob: slices hold one database only, the best-scoring one, whole when it fits
    /// (what `tandem eval --catalog merged` uses, since its databases cannot be joined).
    #[arg(long)]
    pub single_schema: bool,
    /// Retrieval knob: most tables in a slice, bridges included (default: the index's own).
    #[arg(long)]
    pub max_tables: Option<usize>,
    /// List this many misses (questions whose slice lacks a gold table) per catalog.
    #[arg(long, default_value_t = 0)]
    pub misses: usize,
}

pub fn retrieval(config: &Config, args: RetrievalArgs) -> anyhow::Result<()> {
    if !args.bench_dir.join("spider").join("tables.json").is_file() {
        bail!("{} holds no spider/tables.json; pass --bench-dir", args.bench_dir.display());
    }
    if args.budget_tokens == 0 || args.sweep.contains(&0) {
        bail!("--budget-tokens and --sweep need positive budgets");
    }
    let mut catalogs = Vec::new();
    for name in &args.catalog {
        match BenchCatalog::parse(name) {
            Some(catalog) if !catalogs.contains(&catalog) => catalogs.push(catalog),
            Some(_) => {}
            None => bail!(
                "unknown catalog {name:?}; choose among spider-merged, spider-per-database, bigquery, snowflake, sqlite"
            ),
        }
    }
    if catalogs.is_empty() {
        catalogs = BenchCatalog::ALL.to_vec();
    }
    if args.no_spider2 {
        catalogs.retain(|c| !matches!(c, BenchCatalog::Spider2(_)));
    }
    let embedder = match (args.no_dense, args.embedder) {
        (true, _) => None,
        (false, Some(kind)) => crate::wiring::load_embedder_of(config, kind),
        (false, None) => crate::wiring::load_embedder(config),
    };
    let mut bench = RetrievalBenchConfig::new(&args.bench_dir);
    bench.budget_tokens = args.budget_tokens;
    bench.sweep_budgets_tokens = args.sweep;
    bench.max_questions = args.limit;
    bench.catalogs = catalogs;
    bench.n_misses = args.misses;
    if let Some(share) = args.whole_schema_share {
        if !(0.0..=1.0).contains(&share) {
            bail!("--whole-schema-share must be between 0 and 1");
        }
        bench.index.whole_schema_share = share;
    }
    bench.index.single_schema = args.single_schema;
    if let Some(max_tables) = args.max_tables {
        if max_tables == 0 {
            bail!("--max-tables must be positive");
        }
        bench.index.max_tables = max_tables;
    }
    if !args.cold {
        bench.index.embedding_cache_dir = Some(config.cache_dir()?.join("index"));
    }
    output::progress("running the retrieval benchmark (a cold run embeds every table)");
    let report = run_retrieval_bench(&bench, embedder, Arc::new(ApproxTokens))?;
    print_report(&report);
    if args.json {
        output::json_line(&serde_json::json!({ "benchmark": "retrieval", "report": report }));
    }
    Ok(())
}

fn print_report(report: &RetrievalReport) {
    output::line(format!(
        "budget {} tokens (approximate count: 4 characters a token), embedder {}, embeddings {}",
        report.budget_tokens,
        report.embedder.as_deref().unwrap_or("none"),
        if report.embedding_cache { "from the disk cache when present" } else { "computed (cold)" },
    ));
    let catalogs: Vec<&CatalogReport> = report.spider_merged.iter().chain(&report.spider2).collect();
    if !catalogs.is_empty() {
        output::line(
            "\n| catalog | tables | columns | questions | table recall | column recall | database hit | database first | slice tokens | full tokens | p50 ms | p95 ms | p99 ms | max ms |",
        );
        output::line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for c in &catalogs {
            output::line(format!(
                "| {} | {} | {} | {} | {:.3} | {} | {:.3} | {:.3} | {:.0} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
                c.catalog,
                c.n_tables,
                c.n_columns,
                c.n_questions,
                c.table_recall,
                optional(c.column_recall),
                c.database_hit,
                c.database_first,
                c.slice_tokens_mean,
                c.full_tokens,
                c.latency_ms_p50,
                c.latency_ms_p95,
                c.latency_ms_p99,
                c.latency_ms_max,
            ));
        }
        output::line("\n| catalog | load ms | index build ms | index RSS MiB | peak RSS MiB | dense |");
        output::line("|---|---:|---:|---:|---:|---|");
        for c in &catalogs {
            output::line(format!(
                "| {} | {:.0} | {:.0} | {} | {} | {} |",
                c.catalog,
                c.load_ms,
                c.index_build_ms,
                mebibytes(c.index_rss_bytes),
                mebibytes(c.peak_rss_bytes),
                if c.dense { "yes" } else { "no" },
            ));
        }
        output::line("\n| catalog | budget | table recall | column recall | database hit | slice tokens |");
        output::line("|---|---:|---:|---:|---:|---:|");
        for c in &catalogs {
            for p in &c.sweep {
                output::line(format!(
                    "| {} | {} | {:.3} | {} | {:.3} | {:.0} |",
                    c.catalog,
                    p.budget_tokens,
                    p.table_recall,
                    optional(p.column_recall),
                    p.database_hit,
                    p.slice_tokens_mean
                ));
            }
        }
        for c in &catalogs {
            print_misses(c);
        }
    }
    if let Some(per_db) = &report.spider_per_database {
        print_per_database(per_db);
    }
}

fn print_misses(c: &CatalogReport) {
    let counts = &c.miss_counts;
    let total = counts.wrong_database + counts.table_left_out_database_fits + counts.table_left_out_database_larger;
    if total == 0 {
        return;
    }
    output::line(format!(
        "\n{}: {total} questions miss a gold table: {} picked another database, {} left a table of a database that fits the budget out, {} left a table of a larger database out",
        c.catalog, counts.wrong_database, counts.table_left_out_database_fits, counts.table_left_out_database_larger
    ));
    for miss in &c.misses {
        output::line(format!(
            "  [{:?}] {} | missing {} | slice {}",
            miss.cause,
            miss.question.trim(),
            miss.missing.join(", "),
            miss.slice.join(", ")
        ));
    }
}

fn print_per_database(per_db: &PerDatabaseReport) {
    output::line(format!(
        "\nSpider per database ({} questions over {} databases):",
        per_db.n_questions, per_db.n_databases
    ));
    output::line(
        "| budget | databases that fit | questions on them | passed whole | recall on them | recall, all questions |",
    );
    output::line("|---:|---:|---:|---:|---:|---:|");
    for p in &per_db.points {
        output::line(format!(
            "| {} | {} | {} | {} | {:.3} | {:.3} |",
            p.budget_tokens,
            p.n_databases_fitting,
            p.n_fitting,
            p.n_fitting_whole,
            p.table_recall_fitting,
            p.table_recall
        ));
    }
}

fn optional(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.3}"))
}

fn mebibytes(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "–".to_owned(), |b| format!("{:.0}", b as f64 / (1024.0 * 1024.0)))
}
