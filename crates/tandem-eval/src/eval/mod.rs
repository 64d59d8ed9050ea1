//! `tandem eval`: execution accuracy and savings of the pipeline against the full-schema
//! baseline, on Spider's dev set or any benchmark in the generic JSONL format, over
//! per-database catalogs or one merged catalog.
//!
//! Modules, one job each: [`questions`] (formats), [`databases`] (where databases live),
//! [`scoring`] (Spider's execution accuracy), [`hardness`] (Spider's levels), `meter` (per-
//! question ledgers), `routed` (the merged catalog's executor), `prepare`, [`record`] (the
//! JSONL file and resuming), [`report`] (figures) and `runner`.

pub mod databases;
pub mod hardness;
mod meter;
mod prepare;
pub mod questions;
pub mod record;
pub mod report;
mod routed;
mod runner;
pub mod scoring;

pub use databases::{DbLocation, DbSource, OpenDatabase};
pub use hardness::{Hardness, hardness};
pub use questions::{EvalQuestion, load_questions_jsonl, load_spider_dev_questions, select_questions};
pub use record::{CatalogMode, Ending, Mode, Prediction, Repairs, read_predictions};
pub use report::{EvalReport, HardnessScore, markdown_header, markdown_row};
pub use routed::{Member, RoutedExecutor};
pub use runner::{EvalConfig, EvalDeps, EvalRun, Progress, run_eval};
pub use scoring::{gold_orders, results_match};
