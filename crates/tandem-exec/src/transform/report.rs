//! What a preview shows and what an apply records: step outcomes, the produced columns, sample
//! rows, and each quality check's result.

use tandem_sql::{RowCountRange, StepKind};

use super::receipt::PreviewReceipt;
use crate::{ColumnMeta, Rows};

/// One quality check on the transform's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QualityCheck {
    /// No two rows share these columns' values (rows with a NULL in them are the not-NULL
    /// check's business and are left out, as a unique constraint does).
    Unique { columns: Vec<String> },
    /// The column holds no NULL.
    NotNull { column: String },
    /// The target holds this many rows.
    RowCount { range: RowCountRange },
}

impl QualityCheck {
    /// A stable snake_case name for the audit log and the HTTP API.
    pub fn code(&self) -> &'static str {
        match self {
            QualityCheck::Unique { .. } => "unique",
            QualityCheck::NotNull { .. } => "not_null",
            QualityCheck::RowCount { .. } => "row_count",
        }
    }
}

impl std::fmt::Display for QualityCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QualityCheck::Unique { columns } => write!(f, "unique ({})", columns.join(", ")),
            QualityCheck::NotNull { column } => write!(f, "{column} not null"),
            QualityCheck::RowCount { range } => write!(f, "row count {range}"),
        }
    }
}

/// A quality check and what the sandbox found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub check: QualityCheck,
    pub passed: bool,
    /// What was measured: duplicate key groups (unique), NULLs (not null), rows (row count).
    /// Zero when the check could not run because a column is missing.
    pub observed: u64,
    /// A sentence for people and for the repair prompt.
    pub detail: String,
}

/// One statement as the sandbox or the apply ran it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutcome {
    pub kind: StepKind,
    /// The statement as run: the validated text, or its staging rewrite on MySQL.
    pub sql: String,
    /// Rows the engine reported written; for a created table or view, the rows it holds. MySQL
    /// counts an upsert's updated row twice, as it reports it.
    pub rows_affected: u64,
}

/// How a preview kept the database unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewMethod {
    /// The transform ran inside a transaction that was rolled back (PostgreSQL; MySQL when it
    /// has no DDL).
    RolledBackTransaction,
    /// The transform ran on a private copy of the SQLite file, which was then deleted; the
    /// original was only read.
    FileCopy,
    /// MySQL commits DDL implicitly, so the created table or view was built as a `TEMPORARY`
    /// table of the same rows under a private name, inside a rolled-back transaction.
    TemporaryTable,
}

impl PreviewMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PreviewMethod::RolledBackTransaction => "rolled_back_transaction",
            PreviewMethod::FileCopy => "file_copy",
            PreviewMethod::TemporaryTable => "temporary_table",
        }
    }
}

/// What a transform would do, measured in a sandbox that left the database unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// What apply needs; it binds this preview to the transform, the catalog version and the
    /// state of the tables it touches.
    pub receipt: PreviewReceipt,
    pub method: PreviewMethod,
    pub steps: Vec<StepOutcome>,
    /// The sum of the steps' rows affected.
    pub rows_affected: u64,
    /// Rows in the target afterwards.
    pub target_rows: u64,
    /// The target's columns and types afterwards (declared types on SQLite).
    pub columns: Vec<ColumnMeta>,
    /// The first rows of the target afterwards, within the preview's row and byte caps.
    pub sample: Rows,
    pub checks: Vec<CheckResult>,
}

impl Preview {
    /// Whether every quality check passed, so apply may run.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The checks that failed.
    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed)
    }
}
