//! One JSON line per question — the prediction, its score and its ledger — appended as each
//! question finishes, and read back to resume an interrupted run.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use tandem_agent::Ledger;

use super::hardness::Hardness;
use crate::datasets::DatasetError;

/// What is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// The pipeline as designed: the small model plans, the large model writes plan-scoped
    /// SQL, repairs go to the cheapest tier.
    Tiered,
    /// The baseline: the large model alone with the whole schema, doing every repair.
    LargeFullSchema,
    /// The pipeline with the small model in both tiers.
    SmallOnly,
    /// The pipeline with cascade routing: simple plans go to the small model first.
    Cascade,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Tiered => "tiered",
            Mode::LargeFullSchema => "large-full-schema",
            Mode::SmallOnly => "small-only",
            Mode::Cascade => "cascade",
        }
    }
}

/// Which catalog questions run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CatalogMode {
    /// Each question against its own database's schema.
    PerDb,
    /// Every database in one catalog, tables namespaced by database id.
    Merged,
}

impl CatalogMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogMode::PerDb => "per-db",
            CatalogMode::Merged => "merged",
        }
    }
}

/// How a question ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// SQL ran and returned rows (possibly none).
    Answered,
    /// The large model still wanted tables outside the plan after one widening.
    NeedsMoreSchema,
    /// A typed error ended it (repair budgets spent, a model failure, the deadline).
    Failed,
}

/// Repair turns by tier (tier 0 counts rule rounds that changed the SQL).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repairs {
    pub rules: u32,
    pub small: u32,
    pub large: u32,
}

/// One evaluated question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub id: String,
    pub db_id: String,
    pub mode: Mode,
    pub catalog: CatalogMode,
    pub question: String,
    pub hardness: Option<Hardness>,
    pub ending: Ending,
    /// The error's text when the question failed.
    pub error: Option<String>,
    pub predicted_sql: Option<String>,
    pub n_rows: Option<usize>,
    /// Whether the result matched a gold result; `None` when no gold query could run.
    pub correct: Option<bool>,
    pub gold_error: Option<String>,
    /// Every model call of the question, failed questions included.
    pub ledger: Ledger,
    pub repairs: Repairs,
    /// Prompt tokens of the baseline's full-schema prompt for this question (the
    /// counterfactual the large model would have prefilled without the plan).
    pub full_schema_prompt_tokens: u64,
    pub cache_hit: bool,
    pub latency_ms: f64,
}

/// Appends predictions to a JSONL file, one flushed line each.
#[derive(Debug)]
pub struct PredictionLog {
    path: PathBuf,
    file: Mutex<std::fs::File>,
}

impl PredictionLog {
    pub fn append_to(path: &Path) -> Result<Self, DatasetError> {
        let io = |source| DatasetError::Io { path: path.to_owned(), source };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        // A line cut short by an interruption is dropped, so the next line starts clean.
        if let Ok(text) = std::fs::read(path)
            && !text.is_empty()
            && !text.ends_with(b"\n")
        {
            let keep = text.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let file = std::fs::OpenOptions::new().write(true).open(path).map_err(io)?;
            file.set_len(u64::try_from(keep).unwrap_or(0)).map_err(io)?;
        }
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(io)?;
        Ok(Self { path: path.to_owned(), file: Mutex::new(file) })
    }

    pub fn write(&self, prediction: &Prediction) -> Result<(), DatasetError> {
        let mut line = serde_json::to_string(prediction)
            .map_err(|source| DatasetError::Json { path: self.path.clone(), source })?;
        line.push('\n');
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        file.write_all(line.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|source| DatasetError::Io { path: self.path.clone(), source })
    }
}

/// The predictions already in `path` (none when it does not exist). A last line cut short by
/// an interruption is ignored; any other unreadable line, or a line from another mode or
/// catalog, is an error.
pub fn read_predictions(path: &Path, mode: Mode, catalog: CatalogMode) -> Result<Vec<Prediction>, DatasetError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(DatasetError::Io { path: path.to_owned(), source }),
    };
    let lines: Vec<(usize, &str)> = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).collect();
    let mut predictions = Vec::with_capacity(lines.len());
    for (k, (i, line)) in lines.iter().enumerate() {
        let prediction: Prediction = match serde_json::from_str(line) {
            Ok(p) => p,
            Err(_) if k + 1 == lines.len() && !text.ends_with('\n') => break,
            Err(error) => {
                return Err(DatasetError::Format { path: path.to_owned(), detail: format!("line {}: {error}", i + 1) });
            }
        };
        if prediction.mode != mode || prediction.catalog != catalog {
            return Err(DatasetError::Format {
                path: path.to_owned(),
                detail: format!(
                    "line {} is from a {} run on the {} catalog, not {} on {}; write to another file",
                    i + 1,
                    prediction.mode.as_str(),
                    prediction.catalog.as_str(),
                    mode.as_str(),
                    catalog.as_str()
                ),
            });
        }
        predictions.push(prediction);
    }
    Ok(predictions)
}
