//! `tandem index`: introspect a database and build its retrieval index, with figures.

use std::sync::Arc;
use std::time::Instant;

use tandem_exec::IntrospectOptions;
use tandem_retrieval::{ApproxTokens, IndexOptions, SchemaIndex};

use crate::config::Config;
use crate::{database, output};

pub async fn run(config: &Config, db: Option<&str>, json: bool) -> anyhow::Result<()> {
    let (label, executor) = database::open(config, db).await?;
    let started = Instant::now();
    let mut catalog = executor.introspect(&IntrospectOptions::default()).await?;
    // The demo warehouse keeps its comments in a side table as well; it is not business data.
    catalog.tables.retain(|t| t.name.name != tandem_demo::COMMENTS_TABLE);
    let introspect_s = started.elapsed().as_secs_f64();
    let embedder = crate::wiring::load_embedder(config);
    let embedder_name = embedder.as_ref().map(|e| e.name().to_owned());
    let started = Instant::now();
    let options =
        IndexOptions { embedding_cache_dir: Some(config.cache_dir()?.join("index")), ..IndexOptions::default() };
    let index = SchemaIndex::build(Arc::new(catalog), embedder, Arc::new(ApproxTokens), options);
    let dense = index.warm();
    let index_s = started.elapsed().as_secs_f64();
    let catalog = index.catalog();
    let n_tables = catalog.tables.len();
    let n_columns = catalog.n_columns();
    output::line(format!("database: {label}"));
    output::line(format!("catalog version: {}", index.version()));
    output::line(format!("tables: {n_tables}, columns: {n_columns}"));
    output::line(format!("full schema: ≈{} tokens (≈4 characters per token)", index.full_tokens()));
    output::line(format!(
        "introspection: {introspect_s:.2} s, index: {index_s:.2} s (BM25{})",
        match (&embedder_name, dense) {
            (Some(name), true) => format!(" + {name} embeddings"),
            _ => " only: embedder unavailable".to_owned(),
        }
    ));
    if json {
        output::json_line(&serde_json::json!({
            "command": "index",
            "database": label,
            "catalog_version": index.version().to_string(),
            "n_tables": n_tables,
            "n_columns": n_columns,
            "full_schema_tokens": index.full_tokens(),
            "introspect_seconds": introspect_s,
            "index_seconds": index_s,
            "dense_embeddings": dense,
        }));
    }
    Ok(())
}
