//! `SchemaIndex`: everything retrieval precomputes for one catalog version, and
//! `Retriever`, which builds an index once per version and hands it out again.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tandem_core::{Catalog, CatalogVersion};

use crate::bm25::Bm25Index;
use crate::dense::DenseIndex;
use crate::document::{TableDoc, column_terms};
use crate::embed::Embedder;
use crate::family::Families;
use crate::graph::FkGraph;
use crate::render::{ApproxTokens, RenderOptions, TokenCounter, render_table};
use crate::values::ValueIndex;

/// Knobs of index building and retrieval. The defaults are what the Spider benchmarks were
/// tuned with.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexOptions {
    pub render: RenderOptions,
    /// Tables wider than this show their keys and the columns the question points at, filled
    /// up to this many in table order.
    pub max_columns_per_table: usize,
    /// Tables in a slice, bridges included.
    pub max_tables: usize,
    /// Longest foreign-key path (in joins) that bridges two chosen tables.
    pub max_bridge_hops: usize,
    /// Hits taken from each signal before fusion.
    pub n_candidates: usize,
    /// Reciprocal-rank-fusion constant: larger flattens the difference between ranks.
    pub rrf_k: f32,
    pub bm25_weight: f32,
    pub dense_weight: f32,
    pub value_weight: f32,
    /// Dense hits count only within this cosine similarity of the best hit: a dense model
    /// finds every table somewhat similar, and the tail is noise.
    pub dense_margin: f32,
    /// How strongly a table's schema (database) score lifts it; high values fill a slice from
    /// the best schema before looking at the next.
    pub schema_weight: f32,
    /// When the best-scoring schema renders within this share of the budget, it is placed
    /// whole before anything else: a small database is best shown entire, and a question's
    /// tables often include one no signal points at. Off by default: on merged Spider it
    /// did not raise recall (FK bridges already add the tables no signal finds).
    pub whole_schema_share: f32,
    /// The catalog's schemas are separate databases that no query joins across (the merged
    /// Spider catalog, one SQLite file per schema): a slice then holds the tables of one
    /// schema only, the best-scoring one, placed whole when it fits the budget.
    pub single_schema: bool,
    /// Where table embeddings are kept between runs, per catalog version; `None` keeps them
    /// in memory only.
    pub embedding_cache_dir: Option<PathBuf>,
}

impl Default for IndexOptions {
    fn default() -> Self {
        Self {
            render: RenderOptions::default(),
            max_columns_per_table: 32,
            max_tables: 24,
            max_bridge_hops: 3,
            n_candidates: 60,
            rrf_k: 20.0,
            bm25_weight: 1.0,
            dense_weight: 1.0,
            value_weight: 1.0,
            dense_margin: 0.25,
            schema_weight: 1.0,
            whole_schema_share: 0.0,
            single_schema: false,
            embedding_cache_dir: None,
        }
    }
}

/// The precomputed retrieval state of one catalog version. Cheap parts (rendering, keys,
/// values) are built at once; BM25 and embeddings on the first question that needs them, so
/// a catalog that always fits the budget never pays for them. Share it behind an `Arc`.
pub struct SchemaIndex {
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) version: CatalogVersion,
    pub(crate) options: IndexOptions,
    pub(crate) counter: Arc<dyn TokenCounter>,
    pub(crate) embedder: Option<Arc<dyn Embedder>>,
    /// Each table rendered whole, and its tokens.
    pub(crate) rendered: Vec<String>,
    pub(crate) table_tokens: Vec<u32>,
    pub(crate) full_tokens: u32,
    pub(crate) docs: Vec<TableDoc>,
    /// Per table, per column: the column's terms.
    pub(crate) column_terms: Vec<Vec<Vec<String>>>,
    /// Per table: the index of its schema in [`Catalog::schemas`] order.
    pub(crate) schema_of: Vec<usize>,
    pub(crate) n_schemas: usize,
    /// Per schema: tokens of all its tables rendered whole.
    pub(crate) schema_tokens: Vec<u32>,
    pub(crate) values: ValueIndex,
    pub(crate) graph: FkGraph,
    pub(crate) families: Families,
    bm25: OnceLock<Option<Bm25Index>>,
    dense: OnceLock<Option<DenseIndex>>,
}

impl std::fmt::Debug for SchemaIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaIndex")
            .field("version", &self.version.to_string())
            .field("n_tables", &self.catalog.tables.len())
            .field("full_tokens", &self.full_tokens)
            .field("embedder", &self.embedder.as_ref().map(|e| e.name().to_owned()))
            .finish_non_exhaustive()
    }
}

impl SchemaIndex {
    /// Prepares retrieval over `catalog`. `embedder` is optional: without it (or when it
    /// fails) retrieval uses BM25, values and keys. `counter` measures every budget.
    pub fn build(
        catalog: Arc<Catalog>,
        embedder: Option<Arc<dyn Embedder>>,
        counter: Arc<dyn TokenCounter>,
        options: IndexOptions,
    ) -> Self {
        let version = catalog.version();
        let families = Families::build(&catalog);
        let rendered: Vec<String> = catalog
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| render_table(t, None, &options.render) + &families.note(&catalog, i).unwrap_or_default())
            .collect();
        let table_tokens: Vec<u32> = rendered.iter().map(|text| counter.count_tokens(text)).collect();
        // Counted over the whole text (not summed per table) so that a whole-catalog slice
        // reports exactly this figure.
        let full_tokens = counter.count_tokens(&rendered.concat());
        let schemas = catalog.schemas();
        let schema_of: Vec<usize> = catalog
            .tables
            .iter()
            .map(|t| schemas.iter().position(|s| *s == t.name.schema.as_deref()).unwrap_or(0))
            .collect();
        let mut schema_tokens = vec![0u32; schemas.len()];
        for (&schema, &tokens) in schema_of.iter().zip(&table_tokens) {
            if let Some(sum) = schema_tokens.get_mut(schema) {
                *sum = sum.saturating_add(tokens);
            }
        }
        Self {
            version,
            docs: catalog.tables.iter().map(TableDoc::new).collect(),
            column_terms: catalog.tables.iter().map(|t| t.columns.iter().map(column_terms).collect()).collect(),
            schema_of,
            n_schemas: schemas.len(),
            schema_tokens,
            values: ValueIndex::build(&catalog),
            graph: FkGraph::build(&catalog),
            families,
            rendered,
            table_tokens,
            full_tokens,
            catalog,
            options,
            counter,
            embedder,
            bm25: OnceLock::new(),
            dense: OnceLock::new(),
        }
    }

    /// The catalog version this index was built for.
    pub fn version(&self) -> CatalogVersion {
        self.version
    }

    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Tokens of the whole catalog rendered.
    pub fn full_tokens(&self) -> u32 {
        self.full_tokens
    }

    /// Tokens of one schema's tables rendered whole (`None` for unqualified tables), or
    /// `None` when the catalog has no such schema.
    pub fn schema_tokens(&self, schema: Option<&str>) -> Option<u32> {
        let position = self.catalog.schemas().iter().position(|s| match (s, schema) {
            (Some(have), Some(want)) => have.eq_ignore_ascii_case(want),
            (None, None) => true,
            _ => false,
        })?;
        self.schema_tokens.get(position).copied()
    }

    /// Builds the lazy parts now (BM25 and table embeddings), e.g. for `tandem index` or
    /// before measuring query latency. Returns whether the dense index is available.
    pub fn warm(&self) -> bool {
        let _ = self.bm25();
        self.dense().is_some()
    }

    pub(crate) fn bm25(&self) -> Option<&Bm25Index> {
        self.bm25
            .get_or_init(|| match Bm25Index::build(&self.docs) {
                Ok(index) => Some(index),
                Err(error) => {
                    tracing::warn!(%error, "BM25 index unavailable; retrieval continues without it");
                    None
                }
            })
            .as_ref()
    }

    pub(crate) fn dense(&self) -> Option<&DenseIndex> {
        self.dense
            .get_or_init(|| {
                let embedder = self.embedder.clone()?;
                let texts: Vec<&str> = self.docs.iter().map(|d| d.dense_text.as_str()).collect();
                let cache = self.options.embedding_cache_dir.as_deref();
                match DenseIndex::build(embedder, &texts, self.version, cache) {
                    Ok(index) => Some(index),
                    Err(error) => {
                        tracing::warn!(%error, "embedding model unavailable; retrieval degrades to BM25, values and keys");
                        None
                    }
                }
            })
            .as_ref()
    }
}

/// Builds a [`SchemaIndex`] once per catalog version and hands it out again, keeping the few
/// most recent versions (an introspection that finds a changed catalog makes a new version,
/// and the next question gets a fresh index).
///
/// Hashing a large catalog takes milliseconds: hold on to the returned index for the
/// questions of a session rather than calling [`Retriever::index`] per question.
pub struct Retriever {
    embedder: Option<Arc<dyn Embedder>>,
    counter: Arc<dyn TokenCounter>,
    options: IndexOptions,
    cache: Mutex<Vec<Arc<SchemaIndex>>>,
}

impl std::fmt::Debug for Retriever {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Retriever")
            .field("embedder", &self.embedder)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Index versions kept by a [`Retriever`].
const CACHED_VERSIONS: usize = 4;

impl Retriever {
    /// A retriever with the approximate token counter and no embedder.
    pub fn new(options: IndexOptions) -> Self {
        Self { embedder: None, counter: Arc::new(ApproxTokens), options, cache: Mutex::new(Vec::new()) }
    }

    pub fn with_embedder(mut self, embedder: Arc<dyn Embedder>) -> Self {
        self.embedder = Some(embedder);
        self
    }

    /// Counts budgets with `counter` (e.g. the planner model's own tokenizer).
    pub fn with_counter(mut self, counter: Arc<dyn TokenCounter>) -> Self {
        self.counter = counter;
        self
    }

    /// The index for `catalog`'s current version, built on first use.
    pub fn index(&self, catalog: &Arc<Catalog>) -> Arc<SchemaIndex> {
        let version = catalog.version();
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(position) = cache.iter().position(|index| index.version == version) {
            let index = cache.remove(position);
            cache.push(index.clone());
            return index;
        }
        let index = Arc::new(SchemaIndex::build(
            catalog.clone(),
            self.embedder.clone(),
            self.counter.clone(),
            self.options.clone(),
        ));
        if cache.len() >= CACHED_VERSIONS {
            cache.remove(0);
        }
        cache.push(index.clone());
        index
    }
}
