//! Benchmark datasets as tandem values: Spider's schemas and questions, and Spider 2.0-lite's
//! DDL catalogs, read from `../shared/bench` (never copied into the repository).
//!
//! Loaders return [`tandem_core::Catalog`]s in the files' order, so renderings are
//! deterministic, and gold SQL is reduced to the tables and columns it touches so retrieval can
//! be scored.

mod ddl;
mod error;
mod gold;
mod spider;
mod spider2;

pub use error::DatasetError;
pub(crate) use error::read as read_text;
pub use gold::{GoldColumn, gold_columns, gold_tables};
pub use spider::{
    SpiderDatabase, SpiderGold, SpiderQuestion, load_spider_dev, load_spider_gold, load_spider_tables, merged_catalog,
};
pub use spider2::{Spider2Engine, Spider2Question, load_spider2_catalog, load_spider2_questions};
